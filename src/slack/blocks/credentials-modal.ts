/**
 * The only surface that ever shows a password: an ephemeral modal opened
 * by Show credentials. Each reveal sets a new password, so closing the modal loses nothing that works for long.
 */
import type { ModalView } from '@slack/types';
import type { Credentials } from '../../app/credentials.js';
import { VIEW } from '../ids.js';
import { connectSteps } from './connect-text.js';
import { context, plain, section } from './kit.js';
import { SLACK_LIMITS } from './limits.js';
import { code, codeBlock, slackDate } from './text.js';

export function credentialsModal(credentials: Credentials): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.credentials,
    title: plain('Database credentials', SLACK_LIMITS.modalTitle),
    close: plain('Done', SLACK_LIMITS.modalButton),
    blocks: [
      section(`*User* ${code(credentials.user)}`),
      section(`*Password*\n${codeBlock(credentials.password)}`),
      section(`*Connect*\n${connectSteps(credentials.connect, credentials.user)}`),
      section(`*Valid until* ${slackDate(credentials.expiresAt)}`),
      context(
        ':lock: This password is shown only here and is stored nowhere. Every press of *Show credentials* ' +
          'sets a new one; from then on only the newest logs in (sessions already open stay connected).',
      ),
    ],
  };
}
