/**
 * Verifying what the store holds: each request's hash chain and signed chain head, and — when the reviewer
 * has them — the chain heads an outside witness holds (the digest's lines in the security channel), which
 * also catch a history rolled back whole to an earlier signed state.
 */
import { checkHistory, type HistoryCheck, type SealKey } from '../../domain/seal.js';
import type { AccessRequest } from '../../domain/types.js';

export interface WitnessedHead {
  requestId: string;
  events: number;
  head: string;
}

export interface Verification {
  ok: boolean;
  /** `intact`, or where it breaks. */
  chain: string;
  /** `valid`, `unsigned`, `invalid`, `no key to check with`, … */
  signature: string;
  /** What the witnessed heads of this request say, when any were given. */
  witness?: string;
}

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/;

/**
 * The digest's witness lines (`<request id> <events> <sha256>`) found in `text`, wherever they are (a copy
 * of the Slack message holds other lines too).
 */
export function parseWitness(text: string): WitnessedHead[] {
  const heads: WitnessedHead[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [id, events, head, ...rest] = line.trim().split(/\s+/);
    if (rest.length > 0 || !id || !events || !head) continue;
    if (REQUEST_ID.test(id) && /^\d+$/.test(events) && /^[0-9a-f]{64}$/.test(head))
      heads.push({ requestId: id, events: Number(events), head });
  }
  return heads;
}

function witnessOf(request: AccessRequest, heads: readonly WitnessedHead[]): string | undefined {
  const mine = heads.filter((h) => h.requestId === request.id);
  if (mine.length === 0) return undefined;
  for (const h of mine) {
    const event = request.events[h.events - 1];
    if (!event) return `FAILED: the witness saw ${h.events} events, the store holds ${request.events.length}`;
    if (event.hash !== h.head) return `FAILED: event ${h.events - 1} is not the one the witness saw`;
  }
  return `matches ${mine.length} witnessed head(s)`;
}

const SIGNATURE_TEXT: Record<Exclude<HistoryCheck, { ok: true }>['problem'], string> = {
  chain: 'not checked (the chain is broken)',
  unsigned: 'UNSIGNED',
  signature: 'INVALID',
  'unknown-key': 'UNKNOWN KEY',
};

/**
 * `requireSignature`: `--verify` — a missing seal or key is a failure; without it only a broken chain, an
 * invalid signature or a witness mismatch is.
 */
export function verifyRequest(
  request: AccessRequest,
  keys: readonly SealKey[],
  heads: readonly WitnessedHead[],
  requireSignature: boolean,
): Verification {
  const check = checkHistory(request, keys);
  const witness = witnessOf(request, heads);
  const witnessOk = witness === undefined || !witness.startsWith('FAILED');
  if (check.ok)
    return { ok: witnessOk, chain: 'intact', signature: 'valid', ...(witness ? { witness } : {}) };
  const chain = check.problem === 'chain' ? `ALTERED: ${check.detail}` : 'intact';
  const noKey = keys.length === 0 && check.problem !== 'chain';
  const signature = noKey
    ? 'not checked: no key to check with'
    : `${SIGNATURE_TEXT[check.problem]}: ${check.detail}`;
  const soft = noKey || check.problem === 'unsigned';
  const ok = witnessOk && check.problem !== 'chain' && (soft ? !requireSignature : false);
  return { ok, chain, signature, ...(witness ? { witness } : {}) };
}
