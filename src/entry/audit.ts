import { verifyHistory } from '../domain/history.js';
import type { AccessRequest } from '../domain/types.js';

export interface AuditEntry {
  request: AccessRequest;
  /** Index of the first event whose hash does not match, when the history was altered. */
  brokenAt?: number;
}

interface AuditSource {
  get(id: string): Promise<AccessRequest | undefined>;
  listAll(): Promise<AccessRequest[]>;
}

/** The security reviewer's view: who asked, who decided, what was granted, how it ended — and whether the history is intact. */
export async function auditReport(
  store: AuditSource,
  requestId?: string,
): Promise<{ entries: AuditEntry[]; text: string; tampered: boolean }> {
  const requests = requestId
    ? [await store.get(requestId)].filter((r) => r !== undefined)
    : await store.listAll();
  requests.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  const entries = requests.map((request): AuditEntry => {
    const check = verifyHistory(request.events);
    return check.intact ? { request } : { request, brokenAt: check.brokenAt };
  });
  const lines: string[] = [];
  for (const { request: r, brokenAt } of entries) {
    lines.push(
      `${r.id}  ${r.state.toUpperCase()}  ${r.requester.email} → ${r.target} ${r.tier} for ${r.durationSeconds}s  "${r.reason}"${r.ticket ? ` ${r.ticket}` : ''}`,
    );
    if (r.breakGlass)
      lines.push(
        `  break-glass: "${r.breakGlass.justification}"; reviewed by ${r.breakGlass.reviewedBy ?? 'NOBODY YET'}`,
      );
    for (const e of r.events)
      lines.push(
        `  ${e.at}  ${e.actor.padEnd(12)} ${e.from} → ${e.to}  ${e.type}${e.details ? `  ${JSON.stringify(e.details)}` : ''}`,
      );
    lines.push(brokenAt === undefined ? '  history: intact' : `  history: ALTERED at event ${brokenAt}`);
  }
  if (entries.length === 0) lines.push(requestId ? `no request ${requestId}` : 'no requests recorded');
  return { entries, text: `${lines.join('\n')}\n`, tampered: entries.some((e) => e.brokenAt !== undefined) };
}
