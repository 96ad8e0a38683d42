/**
 * What evidence costs: signing every store write (sealed beside unsealed writes to the same dynalite, in
 * alternation), collecting one access's records from a large server_audit file (from the position kept at
 * account creation, beside reading the whole file — what it would cost without one), and verifying many
 * histories (chain + signature), as `drawbridge audit --verify` does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MariadbAuditFile } from '../src/adapters/activity/mariadb-audit-file.js';
import { DynamoDbRequestStore } from '../src/adapters/dynamodb/dynamodb-request-store.js';
import { ensureTable } from '../src/adapters/dynamodb/ensure-table.js';
import { startDynalite } from '../src/adapters/dynamodb/local-dynalite.js';
import { KeyFileSigner, keyFileSealKey } from '../src/adapters/signing/key-file-signer.js';
import { SealingRequestStore } from '../src/app/sealing-store.js';
import { summarizeActivity } from '../src/domain/activity.js';
import { formatAuditRecord } from '../src/domain/audit-records.js';
import type { RequestStore } from '../src/domain/ports.js';
import { checkHistory, type SealKey, sealRequest } from '../src/domain/seal.js';
import type { AccessRequest } from '../src/domain/types.js';
import { anEvent, aRequest } from '../test/support/request-builder.js';
import { percentile } from './stats.js';

export interface EvidenceBench {
  writes: { runs: number; sealed: { p50: number; p99: number }; plain: { p50: number; p99: number } };
  collect: {
    records: number;
    fileMb: number;
    found: number;
    fromPosition: number;
    wholeFile: number;
    summarize: number;
  };
  verify: { histories: number; events: number; ms: number };
}

async function appendEvents(store: RequestStore, request: AccessRequest, n: number, samples: number[]) {
  let current = request;
  for (let i = 0; i < n; i++) {
    const next = {
      ...current,
      version: current.version + 1,
      events: [...current.events, anEvent({ type: 'approval-recorded', actor: 'U0APP' }, current.events)],
    };
    const t = performance.now();
    await store.update(next, current.events.length);
    samples.push(performance.now() - t);
    current = next;
  }
}

export async function runEvidenceBench(
  options: { writes?: number; records?: number } = {},
): Promise<EvidenceBench> {
  const dir = mkdtempSync(join(tmpdir(), 'drawbridge-bench-evidence-'));
  const local = await startDynalite();
  try {
    await ensureTable(local.client, 'bench');
    const raw = new DynamoDbRequestStore(local.client, 'bench');
    const keyPath = join(dir, 'key.pem');
    const sealed = new SealingRequestStore(raw, new KeyFileSigner(keyPath));
    const writes = options.writes ?? 300;
    const sealedMs: number[] = [];
    const plainMs: number[] = [];
    // Alternate in rounds of 20 writes, so both see the same store size and the same warm-up.
    for (let round = 0; round < writes / 20; round++) {
      for (const [store, samples] of [
        [sealed, sealedMs],
        [raw, plainMs],
      ] as const) {
        const r = aRequest({ events: [anEvent()] });
        await store.create(r);
        await appendEvents(store, (await raw.get(r.id)) as AccessRequest, 20, samples);
      }
    }

    // A server_audit file: application traffic from many users, one access's 100 statements in its last tenth.
    const records = options.records ?? 300_000;
    const file = join(dir, 'server_audit.log');
    const lines: string[] = [];
    const positionAt = Math.floor(records * 0.9);
    let found = 0;
    for (let i = 0; i < records; i++) {
      const ours = i > positionAt && i % 250 === 0;
      if (ours) found++;
      lines.push(
        formatAuditRecord({
          time: `20261204 10:${String(Math.floor(i / 6000) % 60).padStart(2, '0')}:${String(Math.floor(i / 100) % 60).padStart(2, '0')}`,
          serverHost: 'db',
          user: ours ? 'ada_lovelace' : `app_${i % 17}`,
          host: ours ? '127.77.0.5' : '10.0.3.7',
          connectionId: i % 400,
          queryId: i,
          operation: 'QUERY',
          database: 'orders',
          object: ours
            ? `UPDATE orders SET note = 'n${i}' WHERE id = ${i}`
            : `SELECT * FROM orders WHERE id = ${i} AND state IN ('new','paid')`,
          retcode: 0,
        }),
      );
    }
    const head = `${lines.slice(0, positionAt).join('\n')}\n`;
    writeFileSync(file, head);
    const source = new MariadbAuditFile({ file, utcOffsetMinutes: async () => 0 });
    const position = await source.position();
    writeFileSync(file, `${lines.join('\n')}\n`);
    const fileMb = Buffer.byteLength(lines.join('\n')) / 2 ** 20;
    const account = { user: 'ada_lovelace', host: '127.77.0.5' };
    const window = { from: '2026-12-04T10:00:00.000Z', to: '2026-12-04T11:00:00.000Z' };
    const time = async (from?: string) => {
      const t = performance.now();
      const got = await source.collect(account, window, from);
      return { ms: performance.now() - t, got };
    };
    const fromPosition = await time(position);
    const wholeFile = await time(undefined);
    const t = performance.now();
    summarizeActivity(fromPosition.got.records);
    const summarize = performance.now() - t;

    // Verification: 1,000 sealed histories of 20 events.
    const key = keyFileSealKey(keyPath) as SealKey;
    const signer = new KeyFileSigner(keyPath);
    const histories: AccessRequest[] = [];
    for (let i = 0; i < 1_000; i++) {
      const events = [anEvent()];
      for (let e = 1; e < 20; e++) events.push(anEvent({ type: 'approval-recorded' }, events));
      histories.push(await sealRequest(aRequest({ events, version: 20 }), signer));
    }
    const v = performance.now();
    for (const h of histories)
      if (!checkHistory(h, [key]).ok) throw new Error('a bench history does not verify');
    const verifyMs = performance.now() - v;

    return {
      writes: {
        runs: sealedMs.length,
        sealed: { p50: percentile(sealedMs, 50), p99: percentile(sealedMs, 99) },
        plain: { p50: percentile(plainMs, 50), p99: percentile(plainMs, 99) },
      },
      collect: {
        records,
        fileMb,
        found:
          fromPosition.got.records.length === found && wholeFile.got.records.length === found ? found : -1,
        fromPosition: fromPosition.ms,
        wholeFile: wholeFile.ms,
        summarize,
      },
      verify: { histories: histories.length, events: 20, ms: verifyMs },
    };
  } finally {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
