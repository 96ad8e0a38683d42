import { describe, expect, it } from 'vitest';
import { connectCommand } from '../../src/domain/connection.js';

const ssm = {
  kind: 'ssm' as const,
  instanceId: 'i-0123456789abcdef0',
  region: 'eu-west-1',
  remoteHost: 'orders.cluster-abc.eu-west-1.rds.amazonaws.com',
  remotePort: 3306,
  localPort: 13306,
};

describe('connectCommand', () => {
  it("forwards through the deployment's own document, whose host and port can only be a database's", () => {
    expect(connectCommand({ ...ssm, document: 'Drawbridge-PortForwardToDatabase' }, 'ada_lovelace')).toBe(
      'aws ssm start-session --region eu-west-1 --target i-0123456789abcdef0 --document-name Drawbridge-PortForwardToDatabase' +
        ` --parameters '{"host":["orders.cluster-abc.eu-west-1.rds.amazonaws.com"],"portNumber":["3306"],"localPortNumber":["13306"]}'` +
        ' # then: mysql -h 127.0.0.1 -P 13306 -u ada_lovelace -p --ssl-mode=REQUIRED',
    );
  });

  it('keeps the document a request recorded before bastions had their own', () => {
    expect(connectCommand(ssm, 'ada_lovelace')).toContain(
      '--document-name AWS-StartPortForwardingSessionToRemoteHost',
    );
  });

  it('asks for TLS through an SSM bastion: caching_sha2_password logins after ALTER USER need it', () => {
    expect(connectCommand(ssm, 'ada_lovelace')).toMatch(/ -p --ssl-mode=REQUIRED$/);
  });

  it('is the plain client command through a local bastion', () => {
    expect(connectCommand({ kind: 'local', host: '127.0.0.1', port: 40123 }, 'ada_lovelace')).toBe(
      'mysql -h 127.0.0.1 -P 40123 -u ada_lovelace -p',
    );
  });
});
