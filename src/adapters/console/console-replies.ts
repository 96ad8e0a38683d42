import type { InteractionReplies, Logger } from '../../domain/ports.js';

/**
 * InteractionReplies for a local process without Slack (the demo): nobody clicked, so nobody waits for an
 * answer. Says so in the log — never the password.
 */
export class UnansweredReplies implements InteractionReplies {
  constructor(private readonly logger: Logger) {}

  async showCredentials(viewId: string, answer: { ok: boolean }): Promise<void> {
    this.logger.warn('credentials answer with no Slack to show it in', { viewId, ok: answer.ok });
  }

  async reply(_responseUrl: string, text: string): Promise<void> {
    this.logger.warn('click answer with no Slack to post it to', { text });
  }
}
