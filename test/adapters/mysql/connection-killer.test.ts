import { describe, expect, it } from 'vitest';
import { hostOfSession, sessionsOfAccount } from '../../../src/adapters/mysql/teardown.js';

/**
 * PROCESSLIST rows as MySQL and MariaDB show them: `HOST` is `ip:port` when the server skips name
 * resolution, and the resolved name with the port when it does not (MySQL's default), e.g. an EC2 bastion
 * at 10.0.1.5 shows as `ip-10-0-1-5.eu-west-1.compute.internal:51234`.
 */
const account = { user: 'alice', host: '10.0.1.5' };
const NAME = 'ip-10-0-1-5.eu-west-1.compute.internal';
const none = { ownNames: [], otherNames: [] };

describe('hostOfSession', () => {
  it.each([
    ['10.0.1.5:51234', '10.0.1.5'],
    [`${NAME}:51234`, NAME],
    ['localhost', 'localhost'],
    ['10.0.1.5', '10.0.1.5'],
    ['::1', '::1'],
  ])('%s → %s', (host, expected) => {
    expect(hostOfSession(host)).toBe(expected);
  });
});

describe('sessionsOfAccount', () => {
  it('finds the sessions by address when the server skips name resolution', () => {
    const rows = [
      { id: 11, host: '10.0.1.5:51234' },
      { id: 12, host: '10.0.1.5:51240' },
      { id: 13, host: '10.0.2.9:40000' },
    ];
    expect(sessionsOfAccount(rows, account, none)).toEqual([11, 12]);
  });

  it('finds them by the resolved name when the server resolves names (the address matched nothing before)', () => {
    const rows = [{ id: 21, host: `${NAME}:51234` }];
    expect(sessionsOfAccount(rows, account, { ownNames: [NAME], otherNames: [] })).toEqual([21]);
    // Nothing in the host cache (performance_schema off): a name nobody else owns is still this account's.
    expect(sessionsOfAccount(rows, account, none)).toEqual([21]);
  });

  it("leaves the same person's other access alone: its address, or a name resolved from its address", () => {
    const other = 'ip-10-0-2-9.eu-west-1.compute.internal';
    const rows = [
      { id: 31, host: `${NAME}:51234` },
      { id: 32, host: `${other}:40000` },
      { id: 33, host: '10.0.2.9:40001' },
    ];
    expect(sessionsOfAccount(rows, account, { ownNames: [NAME], otherNames: [other, '10.0.2.9'] })).toEqual([
      31,
    ]);
  });

  it('matches names whatever their case, and never a bad id', () => {
    const rows = [
      { id: 41, host: `${NAME.toUpperCase()}:1` },
      { id: 0, host: '10.0.1.5:2' },
      { id: Number.NaN, host: '10.0.1.5:3' },
    ];
    expect(sessionsOfAccount(rows, account, { ownNames: [NAME], otherNames: [] })).toEqual([41]);
  });
});
