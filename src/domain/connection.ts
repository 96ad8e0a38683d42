import type { ConnectInfo } from './types.js';

/** What requests recorded before bastions had their own document forwarded with. */
const LEGACY_PORT_FORWARDING_DOCUMENT = 'AWS-StartPortForwardingSessionToRemoteHost';

/**
 * The MySQL client's option for TLS. MySQL 8.0/8.4, RDS and Aurora create accounts with
 * `caching_sha2_password`, and every Show credentials (ALTER USER) empties its cache: the next login must
 * then come over TLS (or RSA key exchange), or it fails with ERROR 2061 (3159 where the server requires
 * secure transport). Requesters are never moved to `mysql_native_password` (gone by default in 8.4).
 */
export const MYSQL_CLIENT_TLS = '--ssl-mode=REQUIRED';
/** The same for MariaDB's `mysql` client, which has no `--ssl-mode`. */
export const MARIADB_CLIENT_TLS = '--ssl';

/** What GUI clients need for the same login, in one sentence for the DM. */
export const GUI_TLS_HINT =
  'GUI clients: require SSL/TLS for the connection (or, where TLS is off, allow public key retrieval).';

/**
 * The command a requester runs to reach the database through their bastion (never contains a password).
 * Through an SSM bastion (AWS: MySQL 8, RDS, Aurora) the client asks for TLS; a local bastion reaches the
 * machine's own server as it is configured.
 */
export function connectCommand(connect: ConnectInfo, user: string): string {
  switch (connect.kind) {
    case 'local':
      return `mysql -h ${connect.host} -P ${connect.port} -u ${user} -p`;
    case 'ssm':
      return [
        `aws ssm start-session --region ${connect.region} --target ${connect.instanceId}`,
        `--document-name ${connect.document ?? LEGACY_PORT_FORWARDING_DOCUMENT}`,
        `--parameters '{"host":["${connect.remoteHost}"],"portNumber":["${connect.remotePort}"],"localPortNumber":["${connect.localPort}"]}'`,
        `# then: mysql -h 127.0.0.1 -P ${connect.localPort} -u ${user} -p ${MYSQL_CLIENT_TLS}`,
      ].join(' ');
  }
}
