import { describe, expect, it } from 'vitest';
import {
  accountPolicyCheck,
  clientLoginCheck,
  endpointCheck,
  nameResolutionCheck,
} from '../../src/entry/doctor-checks/server-settings.js';

const vars = (entries: Record<string, string>) => new Map(Object.entries(entries));
const WRITER = vars({ read_only: 'OFF', innodb_read_only: 'OFF', aurora_version: '3.05.2' });

describe('endpointCheck', () => {
  it.each([
    ['orders.cluster-c1a2b3.eu-west-1.rds.amazonaws.com', WRITER, 'ok', /is writable/],
    [
      'orders.cluster-ro-c1a2b3.eu-west-1.rds.amazonaws.com',
      WRITER,
      'fail',
      /reader endpoint: CREATE USER fails there \(1290\/1836\)/,
    ],
    [
      'reports.cluster-custom-c1a2b3.eu-west-1.rds.amazonaws.com',
      WRITER,
      'warn',
      /custom endpoint, which may route to readers/,
    ],
    [
      'orders-instance-1.c1a2b3.eu-west-1.rds.amazonaws.com',
      WRITER,
      'warn',
      /instance endpoint: .* becomes a reader after a failover/,
    ],
    [
      'orders.proxy-c1a2b3.eu-west-1.rds.amazonaws.com',
      WRITER,
      'fail',
      /RDS Proxy endpoint, which Drawbridge does not support/,
    ],
    // RDS MySQL (no Aurora): an instance endpoint is the server itself.
    ['orders.c1a2b3.eu-west-1.rds.amazonaws.com', vars({ read_only: 'OFF' }), 'ok', /is writable/],
    // An Aurora reader behind any name: innodb_read_only is ON there.
    [
      'db.internal.example',
      vars({ read_only: 'OFF', innodb_read_only: 'ON' }),
      'fail',
      /read-only \(@@innodb_read_only ON\)/,
    ],
    [
      'replica.internal.example',
      vars({ read_only: 'ON', super_read_only: 'ON' }),
      'fail',
      /read-only \(@@read_only, @@super_read_only ON\)/,
    ],
  ])('%s', (host, variables, status, detail) => {
    const result = endpointCheck('endpoint', host, variables);
    expect(result.status).toBe(status);
    expect(result.detail).toMatch(detail);
  });
});

describe('nameResolutionCheck', () => {
  it('explains what skip_name_resolve OFF means for finding sessions, and how to turn it on', () => {
    expect(nameResolutionCheck('n', vars({ skip_name_resolve: 'OFF' }))).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(
        /lists sessions by that name.*Teardown still finds them.*skip_name_resolve = ON/,
      ),
    });
    expect(nameResolutionCheck('n', vars({ skip_name_resolve: 'ON' })).status).toBe('ok');
  });
});

describe('accountPolicyCheck', () => {
  it('warns that mandatory_roles reach every access, protected tables included', () => {
    const result = accountPolicyCheck(
      'p',
      vars({ mandatory_roles: '`reporting`@`%`', activate_all_roles_on_login: 'ON' }),
    );
    expect(result.status).toBe('warn');
    expect(result.detail).toMatch(
      /mandatory_roles = `reporting`@`%` is granted to every account.*activate_all_roles_on_login.*protected tables included/,
    );
  });

  it('says a dictionary-backed STRONG policy is handled by regenerating', () => {
    const result = accountPolicyCheck(
      'p',
      vars({
        mandatory_roles: '',
        'validate_password.policy': 'STRONG',
        'validate_password.dictionary_file': '/etc/mysql/words',
      }),
    );
    expect(result).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/refuses \(1819\) is replaced by another, up to 5 times/),
    });
  });
});

describe('clientLoginCheck', () => {
  it('names the TLS the DM asks for where accounts get caching_sha2_password', () => {
    expect(
      clientLoginCheck('c', 'mysql', vars({ authentication_policy: '*,,', have_ssl: 'YES' })).detail,
    ).toMatch(/caching_sha2_password: logins after a password change need TLS.*--ssl-mode=REQUIRED.*--ssl/);
    expect(
      clientLoginCheck(
        'c',
        'mysql',
        vars({ default_authentication_plugin: 'caching_sha2_password', require_secure_transport: 'ON' }),
      ).detail,
    ).toMatch(/require_secure_transport ON/);
  });

  it('fails a caching_sha2_password server with TLS disabled (ERROR 2061 after each Show credentials)', () => {
    expect(
      clientLoginCheck(
        'c',
        'mysql',
        vars({ default_authentication_plugin: 'caching_sha2_password', have_ssl: 'DISABLED' }),
      ),
    ).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('ERROR 2061'),
    });
  });
});
