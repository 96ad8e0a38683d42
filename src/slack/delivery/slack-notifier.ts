import type { WebClient } from '@slack/web-api';
import type { Digest } from '../../domain/digest.js';
import { DependencyError } from '../../domain/errors.js';
import type {
  MessageRef,
  MessageRefs,
  Notification,
  Notifier,
  ProvisionProgress,
} from '../../domain/ports.js';
import { type AccessRequest, POLICY } from '../../domain/types.js';
import {
  accessMessage,
  activityMessage,
  alertMessage,
  approvalMessage,
  deniedMessage,
  digestMessage,
  endedMessage,
  expiredMessage,
  extensionDecidedMessage,
  extensionRequestMessage,
  failedMessage,
  runFinishedMessage,
  threadNote,
  warningMessage,
} from '../blocks/index.js';

type Message = { text: string; blocks?: unknown[] };
type RequestNotification = Exclude<Notification, { kind: 'alert' | 'digest' }>;
type Part = 'approval-post' | 'approval-update' | 'dm' | 'thread' | 'alert' | 'digest';

const threadIf = (hasChannel: boolean): Part[] => (hasChannel ? ['thread'] : []);

export interface SlackNotifierOptions {
  client: WebClient;
  refs: MessageRefs;
  /** Approval channel per target. */
  channels: ReadonlyMap<string, string>;
  /** Approvals required per target and tier, for "1 of 2". */
  approvalsRequired: (request: AccessRequest) => number;
  /** Where alerts without a request go; defaults to every approval channel. */
  alertChannel?: string | undefined;
  /** Where the daily digest goes (the security channel); no digest is posted without one. */
  digestChannel?: string | undefined;
}

/**
 * Slack as the Notifier: one approval message per request in the target's channel, updated in place with
 * each decision and provisioning step; the requester's DMs; replies in the approval thread. Messages never
 * carry a password. A failed Web API call (after the client's bounded retries) throws DependencyError.
 */
export class SlackNotifier implements Notifier {
  constructor(private readonly o: SlackNotifierOptions) {}

  /**
   * The independent deliveries of each notification: the approval post, the requester's DM, the reply in
   * the approval thread, the approval-message update, an alert. The outbox retries each on its own.
   */
  parts(n: Notification): string[] {
    if (n.kind === 'alert') return ['alert'];
    if (n.kind === 'digest') return this.o.digestChannel ? ['digest'] : [];
    const hasChannel = this.o.channels.has(n.request.target);
    const approval = (...more: Part[]): Part[] => (hasChannel ? ['approval-update', ...more] : more);
    switch (n.kind) {
      case 'approval-requested':
      case 'break-glass':
        return hasChannel ? ['approval-post'] : [];
      case 'decision':
        if (n.verdict === 'deny' && n.request.state === 'denied') return approval('dm');
        if (n.verdict === 'deny' && n.request.state === 'active') return approval(...threadIf(hasChannel));
        return approval();
      case 'expired':
        return approval('dm');
      case 'progress':
      case 'reviewed':
        return approval();
      case 'active':
        return ['dm', ...approval()];
      case 'warning':
        return ['dm'];
      case 'extension-requested':
      case 'activity':
        return threadIf(hasChannel);
      case 'extended':
      case 'ended':
      case 'failed':
      case 'run-finished':
        return ['dm', ...threadIf(hasChannel), ...approval()];
    }
  }

  async notify(n: Notification, part?: string): Promise<void> {
    if (part === undefined) {
      for (const each of this.parts(n)) await this.notify(n, each);
      return;
    }
    if (n.kind === 'alert') return this.alert(n.message, n.request);
    if (n.kind === 'digest') return this.postDigest(n.digest);
    const request = n.request;
    switch (part as Part) {
      case 'approval-post':
        return this.postApproval(request);
      case 'approval-update':
        return this.updateApproval(
          request,
          n.kind === 'progress' ? n.step : n.kind === 'active' ? 'active' : undefined,
          n.kind === 'ended' ? n.removed : undefined,
        );
      case 'dm':
        return this.dmFor(n);
      case 'thread':
        return this.thread(request, this.threadMessage(n));
      case 'alert':
      case 'digest':
        return;
    }
  }

  private async postDigest(digest: Digest): Promise<void> {
    const channel = this.o.digestChannel;
    if (!channel) return;
    await this.call('chat.postMessage', () =>
      this.o.client.chat.postMessage({ channel, ...digestMessage(digest) } as never),
    );
  }

  private async dmFor(n: RequestNotification): Promise<void> {
    const r = n.request;
    switch (n.kind) {
      case 'active': {
        const posted = await this.dm(r, accessMessage(r));
        await this.o.refs.put(r.id, 'access', posted);
        return;
      }
      case 'decision':
        await this.dm(r, deniedMessage(r));
        return;
      case 'expired':
        await this.dm(r, expiredMessage(r));
        return;
      case 'warning':
        await this.dm(r, warningMessage(r));
        return;
      case 'extended':
        await this.dm(r, extensionDecidedMessage(r, 'approve'));
        return;
      case 'ended':
        await this.dm(r, endedMessage(r, n.removed));
        return;
      case 'failed':
        await this.dm(r, failedMessage(r));
        return;
      case 'run-finished':
        await this.dm(r, runFinishedMessage(r, n.link));
        return;
      default:
        return;
    }
  }

  private threadMessage(n: RequestNotification): Message {
    const r = n.request;
    switch (n.kind) {
      case 'activity':
        return activityMessage(r, n.evidence);
      case 'run-finished':
        // The link goes to the requester only.
        return runFinishedMessage(r);
      case 'decision':
        return extensionDecidedMessage(r, 'deny');
      case 'extension-requested':
        return extensionRequestMessage(r);
      case 'extended':
        return extensionDecidedMessage(r, 'approve');
      case 'ended':
        return threadNote(
          `Access ended (${r.endReason ?? 'ended'}). Removed: ${n.removed.join('; ') || 'nothing was left'}.${
            n.lagging && n.lagging.length > 0
              ? ` Still to remove on the database (retried by every sweep): ${n.lagging.join('; ')}.`
              : ''
          }`,
        );
      default:
        return failedMessage(r);
    }
  }

  private async alert(text: string, request?: AccessRequest): Promise<void> {
    const message = alertMessage(text, request);
    if (request && (await this.o.refs.get(request.id)).approval) return this.thread(request, message);
    const channels = this.o.alertChannel ? [this.o.alertChannel] : [...new Set(this.o.channels.values())];
    for (const channel of channels)
      await this.call('chat.postMessage', () =>
        this.o.client.chat.postMessage({ channel, ...message } as never),
      );
  }

  private async postApproval(request: AccessRequest): Promise<void> {
    const channel = this.o.channels.get(request.target);
    if (!channel)
      throw new DependencyError(
        'slack.approval-channel',
        `no approval channel configured for ${request.target}`,
      );
    const message = approvalMessage(request, { approvalsRequired: this.o.approvalsRequired(request) });
    const posted = await this.call('chat.postMessage', () =>
      this.o.client.chat.postMessage({ channel, ...message } as never),
    );
    await this.o.refs.put(request.id, 'approval', {
      channel: posted.channel ?? channel,
      ts: posted.ts as string,
    });
  }

  private async updateApproval(
    request: AccessRequest,
    progress?: ProvisionProgress,
    removed?: string[],
  ): Promise<void> {
    const ref = await this.approvalRef(request);
    if (!ref) return;
    const message = approvalMessage(request, {
      approvalsRequired: this.o.approvalsRequired(request),
      ...(progress ? { progress } : {}),
      ...(removed ? { removed } : {}),
    });
    await this.call('chat.update', () =>
      this.o.client.chat.update({ channel: ref.channel, ts: ref.ts, ...message } as never),
    );
  }

  /**
   * The approval message, or undefined for a request that never had one (auto-approved). One that should
   * have one but is not posted yet (its post is still in the outbox) makes this part wait: it throws.
   */
  private async approvalRef(request: AccessRequest): Promise<MessageRef | undefined> {
    const ref = (await this.o.refs.get(request.id)).approval;
    if (ref) return ref;
    const autoApproved = request.approvals.length > 0 && request.approvals.every((a) => a.by === POLICY);
    if (autoApproved && !request.breakGlass) return undefined;
    throw new DependencyError(
      'slack.approval-message',
      `the approval message of ${request.id} is not posted yet`,
    );
  }

  private async thread(request: AccessRequest, message: Message): Promise<void> {
    const ref = await this.approvalRef(request);
    if (!ref) return;
    await this.call('chat.postMessage', () =>
      this.o.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, ...message } as never),
    );
  }

  /** Posting to a user id lands in the app's DM with that user. */
  private async dm(request: AccessRequest, message: Message): Promise<MessageRef> {
    const posted = await this.call('chat.postMessage', () =>
      this.o.client.chat.postMessage({ channel: request.requester.slackUserId, ...message } as never),
    );
    return { channel: posted.channel ?? request.requester.slackUserId, ts: posted.ts as string };
  }

  private async call<T>(method: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (e) {
      throw new DependencyError(`slack.${method}`, e instanceof Error ? e.message : String(e), { cause: e });
    }
  }
}
