import { describe, expect, it } from 'vitest';
import { decideRequest } from '../../src/app/decide-request.js';
import { drainOutbox, NOTIFICATION_MAX_AGE_SECONDS, tell } from '../../src/app/deliver-notifications.js';
import { provisionAccess } from '../../src/app/provision-access.js';
import { teardownAccess } from '../../src/app/teardown-access.js';
import { warnExpiry } from '../../src/app/warn-expiry.js';
import type { Notification, Notifier } from '../../src/domain/ports.js';
import { APPROVER_1, activated, harness, submitted } from '../fakes/harness.js';

const tellNow = (h: ReturnType<typeof harness>) => tell(h.deps, { kind: 'alert', message: 'slow Slack' });

/** Slack as three independent deliveries, any of which can be made to fail. */
class PartedNotifier implements Notifier {
  readonly delivered: string[] = [];
  readonly failing = new Set<string>();
  parts(n: Notification): string[] {
    return n.kind === 'active' || n.kind === 'ended' ? ['dm', 'thread', 'approval-update'] : ['dm'];
  }
  async notify(n: Notification, part?: string): Promise<void> {
    if (this.failing.has(part ?? '')) throw new Error(`slack 500 on ${part}`);
    this.delivered.push(`${n.kind}:${part}`);
  }
}

describe('durable notifications', () => {
  it('Slack failing after approval never revokes access; the DM arrives once Slack recovers', async () => {
    const h = harness();
    const id = await submitted(h);
    await decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' });
    h.queue.items.length = 0;
    h.notifier.faults.arm('active', new Error('slack 500'));

    const result = await provisionAccess(h.deps, id);

    expect(result.outcome).toBe('active');
    expect(h.db.accounts.size).toBe(1);
    expect(h.notifier.kinds()).not.toContain('active');
    expect([...h.outbox.entries.values()].map((e) => e.notification.kind)).toEqual(['active']);
    h.clock.advance(5);
    expect(await drainOutbox(h.deps)).toBe(1);
    expect(h.notifier.kinds()).toContain('active');
    expect(h.outbox.entries.size).toBe(0);
  });

  it('the DM, the thread reply and the message update are independent: one failing holds back no other', async () => {
    const h = harness();
    const notifier = new PartedNotifier();
    h.deps.notifier = notifier;
    notifier.failing.add('dm');
    const id = await activated(h);
    expect(notifier.delivered).toEqual(expect.arrayContaining(['active:thread', 'active:approval-update']));
    expect(notifier.delivered).not.toContain('active:dm');
    notifier.failing.clear();
    h.clock.advance(5);
    await drainOutbox(h.deps);
    expect(notifier.delivered.filter((d) => d.startsWith('active:'))).toEqual([
      'active:thread',
      'active:approval-update',
      'active:dm',
    ]);
    expect((await h.store.get(id))?.state).toBe('active');
  });

  it('retries back off, and a retried update shows the request as it is now', async () => {
    const h = harness();
    const id = await activated(h);
    h.notifier.faults.arm('warning', new Error('slack 500'));
    await warnExpiry(h.deps, id);
    const [entry] = h.outbox.entries.values();
    expect(entry?.attempts).toBe(1);
    expect(Date.parse(entry?.nextAttemptAt ?? '') - h.clock.now().getTime()).toBe(2_000);
    expect(await drainOutbox(h.deps)).toBe(0); // not due yet
    h.clock.advance(2);
    expect(await drainOutbox(h.deps)).toBe(1);
    expect(h.notifier.sent.find((n) => n.kind === 'warning')?.request.state).toBe('warned');
  });

  it('a warning still undelivered when the access has ended is dropped, never sent late', async () => {
    const h = harness();
    const id = await activated(h);
    h.notifier.faults.arm('warning', new Error('slack 500'));
    await warnExpiry(h.deps, id);
    await teardownAccess(h.deps, id, 'system', 'expired');
    h.clock.advance(10);
    await drainOutbox(h.deps);
    expect(h.notifier.kinds()).not.toContain('warning');
    expect(h.notifier.kinds()).toContain('ended');
    expect(h.outbox.entries.size).toBe(0);
  });

  it('a notification older than the maximum age is given up, and says so in the log', async () => {
    const h = harness();
    await activated(h);
    h.deps.notifier = { notify: async () => Promise.reject(new Error('slack gone')) };
    await teardownAccess(h.deps, (await h.store.listByState('active'))[0]?.id as string, 'system', 'x');
    h.clock.advance(NOTIFICATION_MAX_AGE_SECONDS + 1);
    await drainOutbox(h.deps);
    expect(h.outbox.entries.size).toBe(0);
    expect(h.logger.lines.some((l) => l.includes('given up after its maximum age'))).toBe(true);
  });

  it('a drain never sends again what an attempt still in flight is sending', async () => {
    const h = harness();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sent: string[] = [];
    h.deps.notifier = {
      notify: async (n) => {
        await gate;
        sent.push(n.kind);
      },
    };
    const telling = tellNow(h);
    await drainOutbox(h.deps);
    release();
    await telling;
    await drainOutbox(h.deps);
    expect(sent).toEqual(['alert']);
  });

  it('an outbox that cannot be written still sends the notification once', async () => {
    const h = harness();
    h.outbox.down = true;
    const id = await activated(h);
    expect(h.notifier.kinds()).toContain('active');
    expect((await h.store.get(id))?.state).toBe('active');
  });
});
