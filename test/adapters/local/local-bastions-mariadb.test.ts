import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBastions } from '../../../src/adapters/local/local-bastions.js';

// The admin connection; the target host and port come from the same URL.
const adminUrl = new URL(process.env.DRAWBRIDGE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/');
const target = { host: adminUrl.hostname, port: Number(adminUrl.port || 3306) };

describe('LocalBastions against the local MariaDB', () => {
  let admin: mysql.Connection;
  let bastions: LocalBastions;
  const user = `bt_${randomBytes(6).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  let sourceIp = '';

  beforeAll(async () => {
    admin = await mysql.createConnection(adminUrl.toString());
    bastions = new LocalBastions({ targets: { main: target }, sourceNetwork: '127.77.0.0/16' });
  });

  afterAll(async () => {
    await bastions?.close();
    if (sourceIp) await admin?.query('DROP USER IF EXISTS ?@?', [user, sourceIp]);
    await admin?.end();
  });

  it('the server sees the bastion’s source address, so an account pinned to it works only through the bastion', async () => {
    const { id } = await bastions.launch({
      requestId: `mariadb-${user}`,
      target: 'main',
      owner: 'U1',
      expiresAt: new Date(Date.now() + 600_000),
      shutdownAfterSeconds: 600,
    });
    const ref = await bastions.waitReachable(id, 'main');
    if (ref.connect.kind !== 'local') throw new Error('expected a local bastion');
    sourceIp = ref.sourceIp;
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, sourceIp, password]);

    const through = await mysql.createConnection({
      host: ref.connect.host,
      port: ref.connect.port,
      user,
      password,
    });
    const closed = new Promise<void>((resolve) => {
      through.on('error', () => resolve());
      through.on('end', () => resolve());
    });
    const [rows] = await through.query<mysql.RowDataPacket[]>('SELECT USER() AS who');
    expect(rows[0]?.who).toBe(`${user}@${sourceIp}`);

    // The same account from plain 127.0.0.1 (not through the bastion) is refused.
    await expect(mysql.createConnection({ ...target, user, password })).rejects.toMatchObject({
      // The code varies with timing (handshake vs auth packet); the message is what holds.
      message: expect.stringMatching(/Access denied for user|is not allowed to connect/),
    });

    // Terminating the bastion cuts the live session.
    await bastions.terminate(id);
    await closed;
    await expect(through.query('SELECT 1')).rejects.toThrow();
    through.destroy();
  });

  it('leaves no descriptor behind: 30 launch → reachable → terminate cycles end where they started', async () => {
    const open = () => readdirSync('/proc/self/fd').length;
    const cycle = async (n: number) => {
      const { id } = await bastions.launch({
        requestId: `fd-${user}-${n}`,
        target: 'main',
        owner: 'U0FD',
        expiresAt: new Date(Date.now() + 60_000),
        shutdownAfterSeconds: 60,
      });
      await bastions.waitReachable(id, 'main');
      await bastions.terminate(id);
    };
    await cycle(0); // the first probe of the target, and whatever the runtime opens once
    const before = open();
    for (let n = 1; n <= 30; n++) await cycle(n);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(open() - before).toBeLessThanOrEqual(2);
  });
});
