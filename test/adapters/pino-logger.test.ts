import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/pino-logger.js';

describe('createLogger', () => {
  it('writes JSON lines and redacts secret-named fields at any depth', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const log = createLogger({ destination: out });
    log.info('account created', {
      requestId: 'r-1',
      password: 'hunter2-very-secret',
      nested: { adminPassword: 'pw-admin-secret', token: 'xoxb-secret' },
    });
    log.warn('slack', { deep: { inner: { signingSecret: 'sign-secret' } } });
    await new Promise((r) => setImmediate(r));
    const text = chunks.join('');
    for (const secret of ['hunter2-very-secret', 'pw-admin-secret', 'xoxb-secret', 'sign-secret'])
      expect(text).not.toContain(secret);
    const first = JSON.parse(text.split('\n')[0] as string);
    expect(first).toMatchObject({
      msg: 'account created',
      requestId: 'r-1',
      password: '[redacted]',
      nested: { adminPassword: '[redacted]' },
    });
  });
});
