import type { WebClient } from '@slack/web-api';
import { DependencyError } from '../../domain/errors.js';
import type { Notification, Notifier, ProvisionProgress } from '../../domain/ports.js';
import type { AccessRequest } from '../../domain/types.js';
import {
  accessMessage,
  alertMessage,
  approvalMessage,
  deniedMessage,
  endedMessage,
  expiredMessage,
  extensionDecidedMessage,
  extensionRequestMessage,
  failedMessage,
  threadNote,
  warningMessage,
} from '../../slack/blocks/index.js';
import type { MessageRef, MessageRefs } from '../../slack/message-refs.js';

type Message = { text: string; blocks?: unknown[] };

export interface SlackNotifierOptions {
  client: WebClient;
  refs: MessageRefs;
  /** Approval channel per target. */
  channels: ReadonlyMap<string, string>;
  /** Approvals required per target and tier, for "1 of 2". */
  approvalsRequired: (request: AccessRequest) => number;
  /** Where alerts without a request go; defaults to every approval channel. */
  alertChannel?: string | undefined;
}

/**
 * Slack as the Notifier: one approval message per request in the target's channel, updated in place with
 * each decision and provisioning step; the requester's DMs; replies in the approval thread. Messages never
 * carry a password. A failed Web API call (after the client's bounded retries) throws DependencyError.
 */
export class SlackNotifier implements Notifier {
  constructor(private readonly o: SlackNotifierOptions) {}

  async notify(n: Notification): Promise<void> {
    switch (n.kind) {
      case 'approval-requested':
      case 'break-glass':
        return this.postApproval(n.request);
      case 'decision':
        await this.updateApproval(n.request);
        if (n.verdict === 'deny' && n.request.state === 'denied')
          await this.dm(n.request, deniedMessage(n.request));
        if (n.request.state === 'active' && n.verdict === 'deny')
          await this.thread(n.request, extensionDecidedMessage(n.request, 'deny'));
        return;
      case 'expired':
        await this.updateApproval(n.request);
        await this.dm(n.request, expiredMessage(n.request));
        return;
      case 'progress':
        return this.updateApproval(n.request, n.step);
      case 'active': {
        const posted = await this.dm(n.request, accessMessage(n.request));
        await this.o.refs.put(n.request.id, 'access', posted);
        await this.updateApproval(n.request, 'active');
        return;
      }
      case 'warning':
        await this.dm(n.request, warningMessage(n.request));
        return;
      case 'extension-requested':
        await this.thread(n.request, extensionRequestMessage(n.request));
        return;
      case 'extended':
        await this.dm(n.request, extensionDecidedMessage(n.request, 'approve'));
        await this.thread(n.request, extensionDecidedMessage(n.request, 'approve'));
        await this.updateApproval(n.request);
        return;
      case 'ended':
        await this.dm(n.request, endedMessage(n.request, n.removed));
        await this.thread(
          n.request,
          threadNote(
            `Access ended (${n.request.endReason ?? 'ended'}). Removed: ${n.removed.join('; ') || 'nothing was left'}.${
              n.lagging && n.lagging.length > 0
                ? ` Still to remove on the database (retried by every sweep): ${n.lagging.join('; ')}.`
                : ''
            }`,
          ),
        );
        await this.updateApproval(n.request, undefined, n.removed);
        return;
      case 'failed':
        await this.dm(n.request, failedMessage(n.request));
        await this.thread(n.request, failedMessage(n.request));
        await this.updateApproval(n.request);
        return;
      case 'reviewed':
        return this.updateApproval(n.request);
      case 'alert': {
        const message = alertMessage(n.message, n.request);
        if (n.request && (await this.o.refs.get(n.request.id)).approval)
          return this.thread(n.request, message);
        const channels = this.o.alertChannel ? [this.o.alertChannel] : [...new Set(this.o.channels.values())];
        for (const channel of channels)
          await this.call('chat.postMessage', () =>
            this.o.client.chat.postMessage({ channel, ...message } as never),
          );
        return;
      }
    }
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
    const ref = (await this.o.refs.get(request.id)).approval;
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

  private async thread(request: AccessRequest, message: Message): Promise<void> {
    const ref = (await this.o.refs.get(request.id)).approval;
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
