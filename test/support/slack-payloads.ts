/**
 * Builders of the bodies Slack sends to an app, shaped after Slack's documented payloads (slash command
 * form fields, `block_actions`, `view_submission`, the Events API `event_callback` envelope) and Bolt's
 * types for them. Every id is in Slack's format, so code that checks ids (a `U…` user, a `D…` DM) sees
 * what it would see in production. The signed senders are in slack-signer.ts.
 */
import { randomBytes } from 'node:crypto';
import {
  dmChannelOf,
  eventId,
  handleOf,
  plainText,
  slackTs,
  slackUser,
  team,
  triggerId,
  WORKSPACE,
} from './slack-ids.js';
import { type ViewInput, type ViewValues, viewObject } from './slack-view-payloads.js';

export * from './slack-ids.js';
export * from './slack-view-payloads.js';

// ---------------------------------------------------------------------------------------------------
// Slash commands

export interface SlashCommandInput {
  userId: string;
  text: string;
  /** Default `/bastion`. */
  command?: string;
  /** Default a public channel `C0GENERAL`. */
  channelId?: string;
  channelName?: string;
  responseUrl: string;
  triggerId?: string;
}

/**
 * The form-encoded body of a slash command, fields in the order Slack sends them. Slack encodes spaces as
 * `+` (URLSearchParams does the same).
 */
export function slashCommandBody(input: SlashCommandInput): string {
  return new URLSearchParams([
    ['token', WORKSPACE.verificationToken],
    ['team_id', WORKSPACE.teamId],
    ['team_domain', WORKSPACE.teamDomain],
    ['channel_id', input.channelId ?? 'C0GENERAL'],
    ['channel_name', input.channelName ?? (input.channelId?.startsWith('D') ? 'directmessage' : 'general')],
    ['user_id', input.userId],
    ['user_name', handleOf(input.userId)],
    ['command', input.command ?? '/bastion'],
    ['text', input.text],
    ['api_app_id', WORKSPACE.apiAppId],
    ['is_enterprise_install', 'false'],
    ['response_url', input.responseUrl],
    ['trigger_id', input.triggerId ?? triggerId()],
  ]).toString();
}

// ---------------------------------------------------------------------------------------------------
// block_actions

interface ActionCommon {
  userId: string;
  actionId: string;
  blockId?: string;
  triggerId?: string;
}

/** An action on a message: Slack sends the channel, the message and a `response_url`. */
export interface MessageActionSource {
  /** Default `C0APPROVAL`. */
  channelId?: string;
  /** Default a fresh ts; pass the ts the stub recorded for the message to act on a real message. */
  messageTs?: string;
  responseUrl: string;
  /** What the message shows (e.g. the `blocks` of the recorded `chat.postMessage`). */
  message?: { text?: string; blocks?: unknown[] };
  /** `state.values` of the message's stateful elements. */
  values?: ViewValues;
  viewId?: undefined;
}

/** An action inside a modal (or App Home): container `view`, the view with its state, no response_url. */
export interface ViewActionSource extends ViewInput {
  viewId: string;
}

export type ActionSource = MessageActionSource | ViewActionSource;

export type ButtonActionInput = ActionCommon & ActionSource & { value: string; text?: string };

export type SelectActionInput = ActionCommon &
  ActionSource & {
    kind: 'static_select' | 'radio_buttons';
    /** The option chosen. */
    selected: { value: string; text?: string };
  };

function blockActions(
  input: ActionCommon & ActionSource,
  action: Record<string, unknown>,
): Record<string, unknown> {
  const common = {
    type: 'block_actions',
    user: slackUser(input.userId),
    api_app_id: WORKSPACE.apiAppId,
    token: WORKSPACE.verificationToken,
  };
  const tail = {
    trigger_id: input.triggerId ?? triggerId(),
    team: team(),
    enterprise: null,
    is_enterprise_install: false,
  };
  const actions = [{ ...action, action_ts: slackTs() }];
  if (input.viewId !== undefined) {
    const view = viewObject(input);
    return {
      ...common,
      container: { type: 'view', view_id: view.id },
      ...tail,
      view,
      actions,
    };
  }
  const channelId = input.channelId ?? 'C0APPROVAL';
  const messageTs = input.messageTs ?? slackTs();
  return {
    ...common,
    container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
    ...tail,
    channel: { id: channelId, name: channelId.startsWith('D') ? 'directmessage' : 'approvals' },
    message: {
      type: 'message',
      subtype: 'bot_message',
      text: input.message?.text ?? '',
      user: WORKSPACE.botUserId,
      ts: messageTs,
      bot_id: WORKSPACE.botId,
      app_id: WORKSPACE.apiAppId,
      team: WORKSPACE.teamId,
      blocks: input.message?.blocks ?? [],
    },
    state: { values: input.values ?? {} },
    response_url: input.responseUrl,
    actions,
  };
}

/** The parsed `payload` of a button click. */
export function buttonActionPayload(input: ButtonActionInput): Record<string, unknown> {
  const blockId = input.blockId ?? 'actions';
  return blockActions(input, {
    action_id: input.actionId,
    block_id: blockId,
    text: plainText(input.text ?? input.actionId),
    value: input.value,
    type: 'button',
  });
}

/**
 * The parsed `payload` of a choice in a static select or radio group. Inside a view, the choice is also
 * in `view.state.values[blockId][actionId]`, as Slack reports it.
 */
export function selectActionPayload(input: SelectActionInput): Record<string, unknown> {
  const blockId = input.blockId ?? 'actions';
  const selectedOption = {
    text: plainText(input.selected.text ?? input.selected.value),
    value: input.selected.value,
  };
  const withChoice: ActionCommon & ActionSource =
    input.viewId !== undefined
      ? {
          ...input,
          values: {
            ...input.values,
            [blockId]: {
              ...input.values?.[blockId],
              [input.actionId]: { type: input.kind, selected_option: selectedOption },
            },
          },
        }
      : input;
  return blockActions(withChoice, {
    type: input.kind,
    action_id: input.actionId,
    block_id: blockId,
    selected_option: selectedOption,
    ...(input.kind === 'static_select' ? { placeholder: plainText('Choose') } : {}),
  });
}

/** The form-encoded body Slack posts for interactions: one field `payload` holding the JSON. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams([['payload', JSON.stringify(payload)]]).toString();
}

// ---------------------------------------------------------------------------------------------------
// Events API

export interface EnvelopeOptions {
  /** Keep the same id to model Slack re-delivering one event. */
  eventId?: string;
  eventTime?: number;
}

/** The `event_callback` envelope around one event, as the Events API delivers it over HTTP. */
export function eventEnvelope(
  event: Record<string, unknown>,
  options: EnvelopeOptions = {},
): Record<string, unknown> {
  return {
    token: WORKSPACE.verificationToken,
    team_id: WORKSPACE.teamId,
    context_team_id: WORKSPACE.teamId,
    context_enterprise_id: null,
    api_app_id: WORKSPACE.apiAppId,
    event,
    type: 'event_callback',
    event_id: options.eventId ?? eventId(),
    event_time: options.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: WORKSPACE.teamId,
        user_id: WORKSPACE.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(24).toString('base64url')}`,
  };
}

/** `app_home_opened`: the user opened the app's Home (or Messages) tab; `channel` is their DM with the app. */
export function appHomeOpenedEvent(
  userId: string,
  tab: 'home' | 'messages' = 'home',
): Record<string, unknown> {
  return {
    type: 'app_home_opened',
    user: userId,
    channel: dmChannelOf(userId),
    tab,
    event_ts: slackTs(),
  };
}

export function urlVerificationBody(challenge: string): Record<string, unknown> {
  return { token: WORKSPACE.verificationToken, challenge, type: 'url_verification' };
}
