import { connect } from 'node:net';
import mysql, { type Connection } from 'mysql2/promise';

export interface ConnectAsOptions {
  /** Where the account's traffic enters: the bastion's listener, or the server itself in tests. */
  host: string;
  port: number;
  user: string;
  password: string;
  /** Source address to connect from (a loopback `127.x.y.z` in local mode); the account is pinned to it. */
  localAddress?: string;
  database?: string;
  connectTimeoutMs?: number;
}

/**
 * Opens a connection as a granted user (tests, the demo, `doctor`); the caller closes it. mysql2 accepts
 * a `localAddress` option but does not pass it to the socket (3.x), so the socket is opened here.
 */
export function connectAs(options: ConnectAsOptions): Promise<Connection> {
  const { host, port, localAddress } = options;
  return mysql.createConnection({
    host,
    port,
    user: options.user,
    password: options.password,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    ...(localAddress === undefined ? {} : { stream: () => connect({ host, port, localAddress }) }),
    ...(options.database === undefined ? {} : { database: options.database }),
  });
}
