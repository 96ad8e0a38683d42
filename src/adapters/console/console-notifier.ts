import { activityLines, digestLines } from '../../domain/activity-text.js';
import { connectCommand } from '../../domain/connection.js';
import type { Notification, Notifier } from '../../domain/ports.js';
import type { AccessRequest } from '../../domain/types.js';

/**
 * Prints what Slack would show, one line per message, for the demo and for local runs without Slack.
 * It receives no password: the notifications never carry one.
 */
export class ConsoleNotifier implements Notifier {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  async notify(n: Notification): Promise<void> {
    this.write(`  ${describeNotification(n)}`);
  }
}

export function describeNotification(n: Notification): string {
  switch (n.kind) {
    case 'approval-requested':
      return `→ approvers: ${who(n.request)} asks for ${n.request.tier} on ${n.request.target} for ${minutes(n.request.durationSeconds)} — "${n.request.reason}" [Approve] [Deny]`;
    case 'decision':
      return `→ approval message: ${n.by} ${n.verdict === 'approve' ? 'approved' : 'denied'} (${n.request.approvals.length} approval(s), now ${n.request.state})`;
    case 'break-glass':
      return `→ approvers: BREAK-GLASS by ${who(n.request)}: "${n.request.breakGlass?.justification}" [Reviewed]`;
    case 'expired':
      return `→ approval message: expired without a decision (buttons removed)`;
    case 'progress':
      return `→ approval message: provisioning ${n.request.id}: ${n.step}`;
    case 'active': {
      const r = n.request;
      const how =
        r.bastion && r.account
          ? connectCommand(r.bastion.connect, r.account.user)
          : '(no connection details)';
      return `→ DM ${who(r)}: access active until ${r.expiresAt}. Connect: ${how}  [Show credentials] [Refresh grants] [End now]`;
    }
    case 'warning':
      return `→ DM ${who(n.request)}: your access ends at ${n.request.expiresAt} [Extend] [End now]`;
    case 'extension-requested':
      return `→ approvers: ${who(n.request)} asks for ${minutes(n.request.pendingExtension?.seconds ?? 0)} more [Approve] [Deny]`;
    case 'extended':
      return `→ DM ${who(n.request)}: extended by ${minutes(n.seconds)}, now until ${n.request.expiresAt}`;
    case 'ended':
      return `→ DM ${who(n.request)} and approval thread: access ended (${n.request.endReason ?? 'ended'}); removed: ${n.removed.join('; ') || 'nothing left'}${n.lagging?.length ? `; still to remove: ${n.lagging.join('; ')}` : ''}`;
    case 'failed':
      return `→ DM ${who(n.request)} and approvers: request ${n.request.id} failed at ${n.request.failure?.step}: ${n.request.failure?.reason}`;
    case 'reviewed':
      return `→ approval message: break-glass reviewed by ${n.request.breakGlass?.reviewedBy}`;
    case 'activity':
      return `→ approval thread: what ${n.request.id} executed — ${activityLines(n.evidence).join('\n    ')}`;
    case 'digest':
      return `→ security channel: ${digestLines(n.digest).join('\n    ')}`;
    case 'run-finished': {
      const r = n.request.runResult;
      const file = r?.export
        ? `; ${r.export.rows} row(s), ${r.export.bytes} bytes${r.export.gzip ? ' gzipped' : ''}${n.link ? ` → ${n.link}` : ''}`
        : '';
      return `→ DM ${who(n.request)} and approval thread: run ${n.request.id} ${r?.outcome ?? 'finished'} — ${r?.message ?? ''}${file}`;
    }
    case 'alert':
      return `→ ALERT${n.request ? ` (${n.request.id})` : ''}: ${n.message}`;
  }
}

const who = (r: AccessRequest) => `${r.requester.email} (${r.requester.slackUserId})`;
const minutes = (s: number) => (s % 60 === 0 ? `${s / 60} min` : `${s} s`);
