/**
 * Slack ack latency (DESIGN §5): a signed slash command and a signed button click → HTTP 200, 200 each,
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
  const w = await startWorld('ackbench');
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

    // Clicks on a real request's Approve button (the first approves, the rest are told it is decided).
    const submitted = await w.server.useCases.submit({
      requesterId: REQUESTER,
      target: w.target,
      tier: 'READ',
      durationSeconds: 600,
      reason: 'bench',
    });
    if (!submitted.ok) throw new Error(submitted.error.message);
    const clicks: { status: number; ms: number }[] = [];
    for (let i = 0; i < n; i++) {
      clicks.push(
        await sendBlockAction(w.app, {
          userId: APPROVER_1,
          actionId: ACTION.approve,
          value: submitted.value.id,
          responseUrl: responseUrl(n + i),
        }),
      );
    }
    return [
      summarise('signed `/bastion list` → 200 (ack, then the reply via response_url)', slash),
      summarise('signed Approve click → 200 (ack, then the decision)', clicks),
    ];
  } finally {
    await w.close();
  }
}
