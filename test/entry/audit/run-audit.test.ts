/**
 * The reviewer's tool over histories made by the real use cases (harness), signed by a real key file:
 * filters, formats, one access's whole story, verification with signatures and the digest's witness lines,
 * and the exit codes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyFileSigner, keyFileSealKey } from '../../../src/adapters/signing/key-file-signer.js';
import { decideRequest } from '../../../src/app/decide-request.js';
import { SealingRequestStore } from '../../../src/app/sealing-store.js';
import { teardownAccess } from '../../../src/app/teardown-access.js';
import { digestLines } from '../../../src/domain/activity-text.js';
import { buildDigest } from '../../../src/domain/digest.js';
import type { SealKey } from '../../../src/domain/seal.js';
import type { AccessRequest } from '../../../src/domain/types.js';
import { csvField } from '../../../src/entry/audit/audit-formats.js';
import { type AuditOptions, parseAuditOptions } from '../../../src/entry/audit/audit-options.js';
import { type AuditRunDeps, runAudit } from '../../../src/entry/audit/run-audit.js';
import { parseWitness } from '../../../src/entry/audit/verification.js';
import { APPROVER_2, activated, harness, submitted } from '../../fakes/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const keyPath = join(dir, 'history.pem');

/** Three requests through the use cases, every write signed: one ended with an UPDATE, one denied, one pending. */
async function world() {
  const h = harness();
  h.deps.store = new SealingRequestStore(h.store, new KeyFileSigner(keyPath));
  const ended = await activated(h, { reason: 'fix order 9', ticket: 'OPS-9' });
  const live = await h.store.get(ended);
  const at = h.clock.now().toISOString();
  const time = `${at.slice(0, 4)}${at.slice(5, 7)}${at.slice(8, 10)} ${at.slice(11, 19)}`;
  h.activity.records.push({
    time,
    serverHost: 'db',
    user: live?.account?.user ?? '',
    host: live?.account?.host ?? '',
    connectionId: 1,
    queryId: 1,
    operation: 'QUERY',
    database: 'orders',
    object: 'UPDATE orders SET note = \'a,"b"\' WHERE id = 9',
    retcode: 0,
  });
  await teardownAccess(h.deps, ended, 'system', 'expired');
  h.clock.advance(3600);
  const denied = await submitted(h, { tier: 'DML', reason: '=HYPERLINK("x")' });
  await decideRequest(h.deps, { requestId: denied, actor: APPROVER_2, verdict: 'deny' });
  h.clock.advance(3600);
  const pending = await submitted(h, { tier: 'DDL', reason: 'add index' });
  const keys = [keyFileSealKey(keyPath) as SealKey];
  return { h, ids: { ended, denied, pending }, keys };
}

function deps(
  h: ReturnType<typeof harness>,
  keys: readonly SealKey[],
  witness = '',
): AuditRunDeps & { written: Map<string, string> } {
  const written = new Map<string, string>();
  return {
    store: { get: (id) => h.store.get(id), listAll: async () => [...h.store.items.values()] },
    source: 'the test store',
    now: h.clock.now(),
    keys,
    witness: parseWitness(witness),
    granted: () => ({ privileges: ['SELECT'], protectedTables: ['secret_*'] }),
    readActivity: async () => undefined,
    writeReport: async (path, text) => void written.set(path, text),
    written,
  };
}

function options(values: Record<string, unknown>, now: Date): AuditOptions {
  const parsed = parseAuditOptions(values, now);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('drawbridge audit', () => {
  it('filters by state, tier, requester, approver and period', async () => {
    const { h, ids, keys } = await world();
    const now = h.clock.now();
    const idsOf = async (values: Record<string, unknown>) => {
      const out = await runAudit(options({ ...values, format: 'json' }, now), deps(h, keys));
      return (JSON.parse(out.stdout) as { request: AccessRequest }[]).map((s) => s.request.id);
    };
    expect(await idsOf({})).toEqual([ids.ended, ids.denied, ids.pending]);
    expect(await idsOf({ state: 'denied' })).toEqual([ids.denied]);
    expect(await idsOf({ tier: 'DDL' })).toEqual([ids.pending]);
    expect(await idsOf({ requester: 'ADA.LOVELACE@example.com' })).toEqual([
      ids.ended,
      ids.denied,
      ids.pending,
    ]);
    expect(await idsOf({ approver: APPROVER_2 })).toEqual([ids.denied]);
    expect(await idsOf({ since: '30m' })).toEqual([ids.pending]);
    expect(await idsOf({ until: new Date(now.getTime() - 5400_000).toISOString() })).toEqual([ids.ended]);
  });

  it('tells one access whole: asked, decided, granted, executed, ended, verified', async () => {
    const { h, ids, keys } = await world();
    const out = await runAudit(options({ request: ids.ended }, h.clock.now()), deps(h, keys));
    expect(out.code).toBe(0);
    for (const part of [
      'ENDED',
      'ada.lovelace@example.com',
      '"fix order 9"  ticket OPS-9',
      'approve by U0APP1',
      'granted    ada_lovelace@',
      'privileges (current config): SELECT; never: secret_*',
      `UPDATE orders SET note = 'a,"b"' WHERE id = 9`,
      '1 write, 0 DDL',
      'ended      ',
      'chain intact; signature valid',
    ])
      expect(out.stdout).toContain(part);
  });

  it('writes CSV by RFC 4180, a formula neutralised; JSON Lines one story per line', async () => {
    const { h, keys } = await world();
    const csv = await runAudit(options({ format: 'csv' }, h.clock.now()), deps(h, keys));
    const lines = csv.stdout.split('\r\n');
    expect(lines[0]).toBe(
      'id,requested,requester,target,tier,state,decisions,reason,ticket,ended,writes_ddl,verified',
    );
    expect(lines).toHaveLength(5);
    expect(csv.stdout).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('-1')).toBe("'-1");
    const jsonl = await runAudit(options({ format: 'jsonl' }, h.clock.now()), deps(h, keys));
    expect(
      jsonl.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).verification.ok),
    ).toEqual([true, true, true]);
  });

  it('--verify: exit 0 when every chain and signature holds; 4 on an edit, an unsigned history or no key', async () => {
    const { h, ids, keys } = await world();
    const verify = (k = keys) => runAudit(options({ verify: true }, h.clock.now()), deps(h, k));
    expect((await verify()).code).toBe(0);
    expect((await verify()).stderr).toContain('3 history(ies) verified');
    expect((await verify([])).code).toBe(4);
    // Without --verify, no key at hand is said but not a failure.
    expect((await runAudit(options({}, h.clock.now()), deps(h, []))).code).toBe(0);

    const item = h.store.items.get(ids.denied) as AccessRequest;
    h.store.items.set(ids.denied, { ...item, reason: 'nothing to see' });
    const edited = await verify();
    expect(edited.code).toBe(4);
    expect(edited.stderr).toContain(`${ids.denied} does NOT verify`);
    expect(edited.stderr).toContain('signature INVALID');
    const { seal: _seal, ...unsigned } = item;
    h.store.items.set(ids.denied, unsigned as AccessRequest);
    expect((await verify()).code).toBe(4);
    expect((await runAudit(options({}, h.clock.now()), deps(h, keys))).code).toBe(0);
  });

  it('--witness: a history rolled back whole to an earlier signed state differs from what the digest saw', async () => {
    const { h, ids, keys } = await world();
    const before = structuredClone(h.store.items.get(ids.pending) as AccessRequest);
    await decideRequest(h.deps, { requestId: ids.pending, actor: 'U0APP1', verdict: 'approve' });
    const digest = buildDigest(
      [...h.store.items.values()],
      new Date(0),
      new Date(h.clock.now().getTime() + 1),
    );
    const slackCopy = `Drawbridge digest …\n${digestLines(digest).join('\n')}`;
    expect((await runAudit(options({ verify: true }, h.clock.now()), deps(h, keys, slackCopy))).code).toBe(0);

    h.store.items.set(ids.pending, before); // validly signed, but older than the witness
    const rolledBack = await runAudit(options({ verify: true }, h.clock.now()), deps(h, keys, slackCopy));
    expect(rolledBack.code).toBe(4);
    expect(rolledBack.stderr).toContain('witness FAILED');
  });

  it('--request of an unknown id exits 3; --report writes the evidence report instead of printing', async () => {
    const { h, ids, keys } = await world();
    expect((await runAudit(options({ request: 'r-nnnnnnnnnn' }, h.clock.now()), deps(h, keys))).code).toBe(3);
    const d = deps(h, keys);
    const out = await runAudit(options({ request: ids.ended, report: 'evidence.md' }, h.clock.now()), d);
    expect(out.stdout).toBe('wrote evidence.md (1 request(s))\n');
    const md = d.written.get('evidence.md') ?? '';
    for (const heading of [
      'What was approved',
      'What was granted',
      'What was executed',
      'How it ended',
      'Verification',
    ])
      expect(md).toContain(`### ${heading}`);
    expect(md).toContain('VERIFIED');
  });
});
