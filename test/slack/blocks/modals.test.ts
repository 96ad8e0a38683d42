import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/app/credentials.js';
import { credentialsModal } from '../../../src/slack/blocks/credentials-modal.js';
import {
  denyReasonModal,
  extendModal,
  loadingModal,
  readDenyReason,
  readExtendModal,
} from '../../../src/slack/blocks/modals.js';
import { DENY_INPUT, EXTEND_INPUT, VIEW } from '../../../src/slack/ids.js';
import { allMrkdwn, blockById, expectViewWithinLimits, options } from './inspect.js';

const ID = 'r-k3m9x2p7qa';

describe('denyReasonModal / readDenyReason', () => {
  it('asks for an optional reason and carries the request id and channel as JSON', () => {
    const view = denyReasonModal(ID, 'C0APPROVALS');
    expect(view.callback_id).toBe(VIEW.denyReason);
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ requestId: ID, channel: 'C0APPROVALS' });
    expect(blockById(view, DENY_INPUT.block)).toMatchObject({
      optional: true,
      element: { action_id: DENY_INPUT.action },
    });
    expect(JSON.parse(denyReasonModal(ID).private_metadata ?? '')).toEqual({ requestId: ID });
    expectViewWithinLimits(view);
  });

  it('reads the reason trimmed, or undefined when none was given', () => {
    const state = (value: string | null) => ({
      [DENY_INPUT.block]: { [DENY_INPUT.action]: { type: 'plain_text_input', value } },
    });
    expect(readDenyReason(state('  too broad  '))).toBe('too broad');
    expect(readDenyReason(state('   '))).toBeUndefined();
    expect(readDenyReason(state(null))).toBeUndefined();
    expect(readDenyReason({})).toBeUndefined();
    expect(readDenyReason('garbage')).toBeUndefined();
  });
});

describe('extendModal / readExtendModal', () => {
  it('offers durations up to the room left, never more', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 * 86_400 }), (max) => {
        const view = extendModal(ID, max);
        const values = options(view.blocks).map((o) => Number(o.value));
        expect(values.every((v) => v >= 1 && v <= max)).toBe(true);
        expect(values).toContain(max);
        expectViewWithinLimits(view);
      }),
    );
  });

  it('is the extend view under EXTEND_INPUT, and says so when no room is left', () => {
    const view = extendModal(ID, 3600);
    expect(view.callback_id).toBe(VIEW.extend);
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ requestId: ID });
    expect(blockById(view, EXTEND_INPUT.block)).toMatchObject({
      element: { action_id: EXTEND_INPUT.action },
    });
    const none = extendModal(ID, 0);
    expect(none.submit).toBeUndefined();
    expect(blockById(none, EXTEND_INPUT.block)).toBeUndefined();
  });

  it('reads the chosen duration, and keys a missing or too long one by its block', () => {
    const state = (value?: string) => ({
      [EXTEND_INPUT.block]: {
        [EXTEND_INPUT.action]: { type: 'static_select', selected_option: value ? { value } : null },
      },
    });
    expect(readExtendModal(state('1800'))).toEqual({ ok: true, value: { durationSeconds: 1800 } });
    expect(readExtendModal(state())).toMatchObject({
      ok: false,
      error: { errors: { [EXTEND_INPUT.block]: expect.any(String) } },
    });
    expect(readExtendModal(state('-5'))).toMatchObject({ ok: false });
    expect(readExtendModal(state('7200'), 3600)).toMatchObject({
      ok: false,
      error: { errors: { [EXTEND_INPUT.block]: 'At most 1 hour is left to extend.' } },
    });
  });
});

describe('credentialsModal', () => {
  const local: Credentials = {
    user: 'ada_lovelace',
    password: 'Pw-sentinel.0123456789abcdefghijKLM',
    connect: { kind: 'local', host: '127.0.0.1', port: 13306 },
    expiresAt: '2030-01-02T04:04:05.000Z',
  };

  it('shows the user, the password in a code block, the connect command and the expiry', () => {
    const view = credentialsModal(local);
    expect(view.callback_id).toBe(VIEW.credentials);
    const text = allMrkdwn(view.blocks);
    expect(text).toContain('`ada_lovelace`');
    expect(text).toContain('```Pw-sentinel.0123456789abcdefghijKLM```');
    expect(text).toContain('```mysql -h 127.0.0.1 -P 13306 -u ada_lovelace -p```');
    expect(text).toContain('<!date^1893557045^');
    expect(text).toMatch(/shown only here/);
    expect(text).toMatch(/new one/);
    expect(view.submit).toBeUndefined();
    expectViewWithinLimits(view);
  });

  it('gives the SSM tunnel and the mysql command as two steps, and the Session Manager link', () => {
    const view = credentialsModal({
      ...local,
      connect: {
        kind: 'ssm',
        instanceId: 'i-0abc',
        region: 'eu-west-1',
        remoteHost: 'db.internal',
        remotePort: 3306,
        localPort: 13306,
      },
    });
    const text = allMrkdwn(view.blocks);
    expect(text).toContain('```aws ssm start-session --region eu-west-1 --target i-0abc');
    expect(text).toContain('```mysql -h 127.0.0.1 -P 13306 -u ada_lovelace -p --ssl-mode=REQUIRED```');
    // The MySQL client's TLS option is in the command; MariaDB's client and GUIs are told theirs.
    expect(text).toContain("MariaDB's `mysql` client takes `--ssl` instead of `--ssl-mode=REQUIRED`");
    expect(text).toContain('GUI clients: require SSL/TLS');
    expect(text).toContain(
      '<https://eu-west-1.console.aws.amazon.com/systems-manager/session-manager/i-0abc?region=eu-west-1|Session Manager console>',
    );
  });
});

describe('loadingModal', () => {
  it('says it is working, or shows the problem escaped', () => {
    expect(allMrkdwn(loadingModal('Credentials').blocks)).toContain('Working');
    const failed = loadingModal('Credentials', 'this access is not active <b>');
    expect(allMrkdwn(failed.blocks)).toContain('this access is not active &lt;b&gt;');
    expectViewWithinLimits(
      loadingModal('A title far longer than Slack allows for a modal', 'x'.repeat(5000)),
    );
  });
});
