import type { WebClient } from '@slack/web-api';
import { DependencyError } from '../../domain/errors.js';
import type { CredentialsAnswer, InteractionReplies } from '../../domain/ports.js';
import { credentialsModal, loadingModal } from '../blocks/index.js';

const RESPONSE_URL_TIMEOUT_MS = 5_000;

/**
 * Slack as InteractionReplies: the credentials modal filled in place (`views.update` of the view the click
 * opened) and ephemeral answers posted to the click's `response_url`. Nothing here is stored or retried.
 */
export class SlackInteractionReplies implements InteractionReplies {
  constructor(private readonly client: WebClient) {}

  async showCredentials(viewId: string, answer: CredentialsAnswer): Promise<void> {
    const view = answer.ok
      ? credentialsModal(answer.credentials)
      : loadingModal('Credentials', answer.message);
    await this.client.views.update({ view_id: viewId, view });
  }

  async reply(responseUrl: string, text: string): Promise<void> {
    const response = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
      signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS),
    });
    if (!response.ok) {
      throw new DependencyError(
        'slack.respond',
        `Slack refused the reply to a click (HTTP ${response.status})`,
      );
    }
  }
}
