import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPassword, checkAccount, InvalidAccountError } from '../../../src/adapters/mysql/accounts.js';
import type { AdminPool } from '../../../src/adapters/mysql/admin-sql.js';
import { createMysqlDatabaseAccess } from '../../../src/adapters/mysql/mysql-database-access.js';

const USER = /^[a-z0-9_]{1,32}$/;
const validUser = fc.stringMatching(USER);
const octet = fc.integer({ min: 0, max: 255 });
const validHost = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));

/** A pool that fails the test if the adapter sends it anything. */
const refusingPool = (): { pool: AdminPool; sent: string[] } => {
  const sent: string[] = [];
  const pool = {
    query: (sql: unknown) => {
      sent.push(String(sql));
      return Promise.reject(new Error('no SQL expected'));
    },
    escape: (v: unknown) => JSON.stringify(v),
  } as unknown as AdminPool;
  return { pool, sent };
};

describe('account names and hosts', () => {
  it('accepts every user matching [a-z0-9_]{1,32} with every IPv4 literal', () => {
    fc.assert(
      fc.property(validUser, validHost, (user, host) => {
        expect(checkAccount({ user, host })).toEqual({ ok: true, value: { user, host } });
      }),
    );
  });

  it('rejects every user that does not match', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40, unit: 'binary' }).filter((s) => !USER.test(s)),
        (user) => {
          const checked = checkAccount({ user, host: '10.0.0.1' });
          expect(checked.ok).toBe(false);
          if (!checked.ok) expect(checked.error.code).toBe('invalid_user');
        },
      ),
    );
  });

  it.each([
    '%',
    'localhost',
    '10.0.0.%',
    '10.0.0',
    '10.0.0.1.5',
    '256.0.0.1',
    '010.0.0.1',
    '10.0.0.1 ',
    '10.0.0.1\n',
    "10.0.0.1'",
    '::1',
    '',
  ])('rejects host %j', (host) => {
    const checked = checkAccount({ user: 'alice', host });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error.code).toBe('invalid_host');
  });

  it('rejects every host string that is not a canonical dotted quad', () => {
    const canonical = (s: string) => {
      const parts = s.split('.');
      return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
    };
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^[0-9.]{1,16}$/)), (host) => {
        expect(checkAccount({ user: 'alice', host }).ok).toBe(canonical(host));
      }),
    );
  });

  it('refuses passwords with a backslash, a control character or nothing, without echoing them', () => {
    for (const bad of ['', 'abc\\def', 'tab\there', 'nl\n', 'é-accent']) {
      expect(() => assertPassword(bad)).toThrow(InvalidAccountError);
    }
    try {
      assertPassword('s3cret\\value');
    } catch (e) {
      expect((e as Error).message).not.toContain('s3cret');
    }
    expect(() => assertPassword('Ab1-_.~!@#%^&*()+=:,\'"')).not.toThrow();
  });

  it('the adapter rejects a bad user or host before sending any SQL', async () => {
    const { pool, sent } = refusingPool();
    const access = createMysqlDatabaseAccess({ pool, target: 't', schemas: ['app'], protectedTables: [] });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ user: fc.string().filter((s) => !USER.test(s)), host: validHost }),
          fc.record({
            user: validUser,
            host: fc.string().filter((s) => !checkAccount({ user: 'a', host: s }).ok),
          }),
        ),
        async (account) => {
          await expect(access.createAccount(account, 'READ', 'Password-123')).rejects.toBeInstanceOf(
            InvalidAccountError,
          );
          await expect(access.rotatePassword(account, 'Password-123')).rejects.toBeInstanceOf(
            InvalidAccountError,
          );
          await expect(access.refreshGrants(account, 'READ')).rejects.toBeInstanceOf(InvalidAccountError);
          await expect(access.dropAccount(account)).rejects.toBeInstanceOf(InvalidAccountError);
        },
      ),
      { numRuns: 50 },
    );
    expect(sent).toEqual([]);
  });
});
