/**
 * Views as Slack embeds them in interaction payloads (Bolt's `ViewOutput`), the state of their inputs,
 * and the `view_submission` payload.
 */
import { randomBytes } from 'node:crypto';
import { nextSequence, plainText, slackUser, team, triggerId, WORKSPACE } from './slack-ids.js';

// View state (what input blocks hold when a modal is submitted or an action fires inside it)

export interface ViewStateValue {
  type: string;
  value?: string | null;
  selected_option?: { text: { type: string; text: string; emoji?: boolean }; value: string } | null;
  [key: string]: unknown;
}

/** `state.values`: block_id → action_id → value. */
export type ViewValues = Record<string, Record<string, ViewStateValue>>;

/** Values of the usual input elements, as Slack reports them in `state.values`. */
export const input = {
  text: (value: string | null): ViewStateValue => ({ type: 'plain_text_input', value }),
  select: (value: string, label: string = value): ViewStateValue => ({
    type: 'static_select',
    selected_option: { text: plainText(label), value },
  }),
  /** A static select nobody chose yet. */
  unselected: (): ViewStateValue => ({ type: 'static_select', selected_option: null }),
  radio: (value: string, label: string = value): ViewStateValue => ({
    type: 'radio_buttons',
    selected_option: { text: plainText(label), value },
  }),
  url: (value: string | null): ViewStateValue => ({ type: 'url_text_input', value }),
} as const;

export interface ViewInput {
  viewId?: string;
  callbackId?: string;
  privateMetadata?: string;
  values?: ViewValues;
  /** `home` for actions in the App Home tab. */
  viewType?: 'modal' | 'home';
  /** The blocks of the view (what the app opened); empty when the test does not care. */
  blocks?: unknown[];
  hash?: string;
}

/** A view object as Slack embeds it in interaction payloads (the shape of Bolt's `ViewOutput`). */
export function viewObject(input: ViewInput): Record<string, unknown> {
  const id = input.viewId ?? `VB${String(nextSequence()).padStart(9, '0')}`;
  const modal = (input.viewType ?? 'modal') === 'modal';
  return {
    id,
    team_id: WORKSPACE.teamId,
    type: input.viewType ?? 'modal',
    blocks: input.blocks ?? [],
    private_metadata: input.privateMetadata ?? '',
    callback_id: input.callbackId ?? '',
    state: { values: input.values ?? {} },
    hash: input.hash ?? `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
    title: plainText(modal ? 'Drawbridge' : 'Home'),
    clear_on_close: false,
    notify_on_close: false,
    close: modal ? plainText('Cancel') : null,
    submit: modal ? plainText('Submit') : null,
    previous_view_id: null,
    root_view_id: id,
    app_id: WORKSPACE.apiAppId,
    external_id: '',
    app_installed_team_id: WORKSPACE.teamId,
    bot_id: WORKSPACE.botId,
  };
}

// ---------------------------------------------------------------------------------------------------
// view_submission

export interface ViewSubmissionInput extends Omit<ViewInput, 'values'> {
  userId: string;
  callbackId: string;
  values: ViewValues;
  triggerId?: string;
}

export function viewSubmissionPayload(input: ViewSubmissionInput): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: team(),
    user: slackUser(input.userId),
    api_app_id: WORKSPACE.apiAppId,
    token: WORKSPACE.verificationToken,
    trigger_id: input.triggerId ?? triggerId(),
    view: viewObject(input),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}
