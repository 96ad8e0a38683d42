/**
 * Slack ack latency: a signed slash command and a signed button click → HTTP 200, 200 each,
 * against the real server (Bolt over HTTP, local mode on dynalite + MariaDB) with the Slack API stub.
 */
import { ACTION } from '../src/slack/ids.js';
import { APPROVER_1, REQUESTER, startWorld } from '../test/slack/e2e-world.js';
import { sendBlockAction, sendSlashCommand } from '../test/support/slack-signer.js';
import { percentile } from './stats.js';

export interface AckBench {
  what: string;
  n: number;
  p50: number;
  p99: number;
  max: number;
  non200: number;
}

export async function runSlackAckBench(n = 200): Promise<AckBench[]> {
  // One requester asks for every request measured here: its caps are lifted.
  const w = await startWorld('ackbench', {
    limits: { maxPending: 10_000, maxLive: 10_000, maxPerHour: 10_000 },
  });
  try {
    const summarise = (what: string, results: { status: number; ms: number }[]): AckBench => {
      const ms = results.map((r) => r.ms);
      return {
        what,
        n: results.length,
        p50: percentile(ms, 50),
        p99: percentile(ms, 99),
        max: Math.max(...ms),
        non200: results.filter((r) => r.status !== 200).length,
      };
    };
    const responseUrl = (i: number) => w.stub.responseUrl(`bench-${i}`);
    // Warm up the listeners, the store and the directory cache.
    for (let i = 0; i < 20; i++)
      await sendSlashCommand(w.app, { userId: REQUESTER, text: 'list', responseUrl: responseUrl(-i) });

    const slash: { status: number; ms: number }[] = [];
    for (let i = 0; i < n; i++)
      slash.push(
        await sendSlashCommand(w.app, { userId: REQUESTER, text: 'list', responseUrl: responseUrl(i) }),
      );

    // Approve clicks, each on its own DDL request: the first of its two approvals, so every click is a real
    // decision, durably recorded before the 200, and nothing is provisioned meanwhile.
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const submitted = await w.server.useCases.submit({
        requesterId: REQUESTER,
        target: w.target,
        tier: 'DDL',
        durationSeconds: 600,
        reason: 'bench',
      });
      if (!submitted.ok) throw new Error(submitted.error.message);
      ids.push(submitted.value.id);
    }
    const clicks: { status: number; ms: number }[] = [];
    for (const [i, id] of ids.entries()) {
      clicks.push(
        await sendBlockAction(w.app, {
          userId: APPROVER_1,
          actionId: ACTION.approve,
          value: id,
          responseUrl: responseUrl(n + i),
        }),
      );
    }
    const recorded = (await Promise.all(ids.map((id) => w.server.useCases.get(id)))).filter(
      (r) => r?.approvals.length === 1,
    ).length;
    if (recorded !== n) throw new Error(`only ${recorded} of ${n} approvals were recorded`);
    return [
      summarise('signed `/bastion list` → 200 (ack, then the reply via response_url)', slash),
      summarise(
        'signed Approve click → 200, the decision durably recorded first (a conditional write)',
        clicks,
      ),
    ];
  } finally {
    await w.close();
  }
}
