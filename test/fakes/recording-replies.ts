import type { CredentialsAnswer, InteractionReplies } from '../../src/domain/ports.js';

export type RecordedReply =
  | { to: 'view'; viewId: string; answer: CredentialsAnswer }
  | { to: 'response-url'; responseUrl: string; text: string };

/** InteractionReplies that keeps every answer, in order. */
export class RecordingReplies implements InteractionReplies {
  readonly sent: RecordedReply[] = [];

  async showCredentials(viewId: string, answer: CredentialsAnswer): Promise<void> {
    this.sent.push({ to: 'view', viewId, answer });
  }

  async reply(responseUrl: string, text: string): Promise<void> {
    this.sent.push({ to: 'response-url', responseUrl, text });
  }
}
