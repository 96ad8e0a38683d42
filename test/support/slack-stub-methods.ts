/**
 * The Web API methods the Slack stub answers, with the fields real Slack returns and the errors it gives
 * for the mistakes worth catching in tests (posting nothing, updating a message or view that does not
 * exist, a stale view hash). Anything else answers `unknown_method`, as Slack does.
 */
import type { StubMessage, StubUpload, StubUser } from './slack-stub.js';

export interface StubView {
  id: string;
  hash: string;
  view: Record<string, unknown>;
  rootViewId: string;
  previousViewId: string | null;
}

export interface StubState {
  workspace: { teamId: string; teamDomain: string; apiAppId: string; botUserId: string; botId: string };
  strict: boolean;
  users: Map<string, StubUser>;
  groups: Map<string, { handle: string; users: string[] }>;
  /** `<channel>/<ts>` → message. */
  messages: Map<string, StubMessage>;
  views: Map<string, StubView>;
  /** user id → the id of their App Home view. */
  homeViews: Map<string, string>;
  sequence: number;
  dmChannelOf(userId: string): string;
  uploads: Map<string, StubUpload>;
  /** `<stub>/upload`: where upload URLs point. */
  uploadBase: string;
}

export type Answer = { ok: true; [key: string]: unknown } | { ok: false; error: string };

type Args = Record<string, unknown>;

const fail = (error: string): Answer => ({ ok: false, error });

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** Slack sends booleans in forms as the strings `true`/`false` (WebClient stringifies them). */
const flag = (value: unknown): boolean => value === true || value === 'true' || value === '1';

const nextSeq = (state: StubState): number => {
  state.sequence += 1;
  return state.sequence;
};

/** `1700000000.000100`, `1700000000.000200`, …: strictly increasing, in Slack's format. */
function nextTs(state: StubState): string {
  const micros = nextSeq(state) * 100;
  return `${1_700_000_000 + Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
}

/** A DM is addressed by user id in chat.postMessage; Slack answers with the DM's channel id. */
function resolveChannel(state: StubState, channel: string): string {
  return /^[UW]/.test(channel) ? state.dmChannelOf(channel) : channel;
}

export function handleMethod(state: StubState, method: string, args: Args): Answer {
  const handler = METHODS[method];
  return handler ? handler(state, args) : fail('unknown_method');
}

const METHODS: Record<string, (state: StubState, args: Args) => Answer> = {
  'auth.test': (state) => ({
    ok: true,
    url: `https://${state.workspace.teamDomain}.slack.com/`,
    team: 'Drawbridge Test',
    user: 'drawbridge',
    team_id: state.workspace.teamId,
    user_id: state.workspace.botUserId,
    bot_id: state.workspace.botId,
    is_enterprise_install: false,
  }),

  'users.info': (state, args) => {
    const user = state.users.get(str(args.user) ?? '');
    return user ? { ok: true, user: userObject(state, user) } : fail('user_not_found');
  },

  'users.lookupByEmail': (state, args) => {
    const email = str(args.email)?.toLowerCase();
    const user = [...state.users.values()].find((u) => u.email?.toLowerCase() === email);
    return user ? { ok: true, user: userObject(state, user) } : fail('users_not_found');
  },

  'usergroups.list': (state, args) => ({
    ok: true,
    usergroups: [...state.groups].map(([id, group]) => ({
      id,
      team_id: state.workspace.teamId,
      is_usergroup: true,
      name: group.handle,
      description: '',
      handle: group.handle,
      is_external: false,
      date_delete: 0,
      user_count: group.users.length,
      ...(flag(args.include_users) ? { users: [...group.users] } : {}),
    })),
  }),

  'usergroups.users.list': (state, args) => {
    const group = state.groups.get(str(args.usergroup) ?? '');
    return group ? { ok: true, users: [...group.users] } : fail('no_such_subteam');
  },

  'conversations.open': (state, args) => {
    const users = (str(args.users) ?? '').split(',').filter((u) => u !== '');
    const [first] = users;
    if (first === undefined)
      return str(args.channel)
        ? { ok: true, channel: { id: args.channel } }
        : fail('users_list_not_supplied');
    const id = users.length === 1 ? state.dmChannelOf(first) : `G${users.sort().join('')}`;
    return { ok: true, no_op: true, already_open: true, channel: { id } };
  },

  'files.getUploadURLExternal': (state, args) => {
    const filename = str(args.filename);
    const length = Number(args.length);
    if (!filename) return fail('invalid_arguments');
    if (!Number.isInteger(length) || length <= 0) return fail('invalid_arguments');
    const id = `F${String(nextSeq(state)).padStart(8, '0')}`;
    state.uploads.set(id, { id, filename, length });
    return { ok: true, upload_url: `${state.uploadBase}/${id}`, file_id: id };
  },

  'files.completeUploadExternal': (state, args) => {
    const files =
      typeof args.files === 'string' ? (JSON.parse(args.files) as { id: string; title?: string }[]) : [];
    const channel = str(args.channel_id);
    if (files.length === 0) return fail('invalid_arguments');
    if (channel && !/^[CGD][A-Z0-9]+$/.test(channel)) return fail('channel_not_found');
    for (const f of files) {
      const upload = state.uploads.get(f.id);
      if (!upload?.bytes) return fail('file_not_found');
      if (upload.bytes.length !== upload.length) return fail('file_upload_size_mismatch');
      if (channel)
        upload.shared = {
          channel,
          title: f.title ?? upload.filename,
          ...(str(args.initial_comment) ? { initialComment: str(args.initial_comment) as string } : {}),
        };
    }
    return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? '' })) };
  },

  'chat.postMessage': (state, args) => {
    const target = str(args.channel);
    if (!target) return fail('channel_not_found');
    if (!str(args.text) && args.blocks === undefined && args.attachments === undefined)
      return fail('no_text');
    const channel = resolveChannel(state, target);
    const ts = nextTs(state);
    const threadTs = str(args.thread_ts);
    state.messages.set(`${channel}/${ts}`, {
      channel,
      ts,
      ...(typeof args.text === 'string' ? { text: args.text } : {}),
      ...(args.blocks !== undefined ? { blocks: args.blocks } : {}),
      ...(threadTs ? { threadTs } : {}),
      deleted: false,
      updates: 0,
    });
    return { ok: true, channel, ts, message: botMessage(state, args, ts) };
  },

  'chat.update': (state, args) => {
    const channel = str(args.channel);
    const ts = str(args.ts);
    if (!channel) return fail('channel_not_found');
    if (!ts) return fail('message_not_found');
    const stored = state.messages.get(`${channel}/${ts}`);
    if (!stored || stored.deleted) {
      if (state.strict) return fail(/^[UW]/.test(channel) ? 'channel_not_found' : 'message_not_found');
    } else {
      // Fields left out keep their previous value, as in Slack.
      if (typeof args.text === 'string') stored.text = args.text;
      if (args.blocks !== undefined) stored.blocks = args.blocks;
      stored.updates += 1;
    }
    return { ok: true, channel, ts, text: args.text ?? '', message: botMessage(state, args, ts) };
  },

  'chat.postEphemeral': (state, args) => {
    if (!str(args.channel)) return fail('channel_not_found');
    if (!str(args.user)) return fail('user_not_in_channel');
    if (!str(args.text) && args.blocks === undefined && args.attachments === undefined)
      return fail('no_text');
    return { ok: true, message_ts: nextTs(state) };
  },

  'chat.delete': (state, args) => {
    const channel = str(args.channel) ?? '';
    const ts = str(args.ts) ?? '';
    const stored = state.messages.get(`${channel}/${ts}`);
    if (stored && !stored.deleted) stored.deleted = true;
    else if (state.strict) return fail('message_not_found');
    return { ok: true, channel, ts };
  },

  'views.open': (state, args) => openView(state, args),
  // Slack links a pushed view to the one under it through the trigger; the stub cannot, so none is linked.
  'views.push': (state, args) => openView(state, args),

  'views.update': (state, args) => {
    const view = viewArg(args);
    if (!view) return fail('invalid_arguments');
    const id = str(args.view_id) ?? findByExternalId(state, str(args.external_id));
    const stored = id ? state.views.get(id) : undefined;
    if (!stored) {
      if (state.strict) return fail('not_found');
      return { ok: true, view: storeView(state, view, id ?? newViewId(state), null).output };
    }
    if (str(args.hash) && args.hash !== stored.hash) return fail('hash_conflict');
    return {
      ok: true,
      view: storeView(state, view, stored.id, stored.previousViewId, stored.rootViewId).output,
    };
  },

  'views.publish': (state, args) => {
    const userId = str(args.user_id);
    const view = viewArg(args);
    if (!userId || !view) return fail('invalid_arguments');
    if (view.type !== 'home') return fail('invalid_arguments');
    const existing = state.homeViews.get(userId);
    const current = existing ? state.views.get(existing) : undefined;
    if (current && str(args.hash) && args.hash !== current.hash) return fail('hash_conflict');
    const id = existing ?? newViewId(state);
    state.homeViews.set(userId, id);
    return { ok: true, view: storeView(state, view, id, null).output };
  },
};

function userObject(state: StubState, user: StubUser): Record<string, unknown> {
  const handle = (user.email?.split('@')[0] ?? user.id).toLowerCase();
  return {
    id: user.id,
    team_id: user.teamId ?? state.workspace.teamId,
    name: handle,
    deleted: user.deleted ?? false,
    is_restricted: user.guest !== undefined,
    is_ultra_restricted: user.guest === 'single',
    real_name: user.name,
    tz: user.tz ?? 'Europe/Berlin',
    tz_label: 'Central European Time',
    tz_offset: 3600,
    is_bot: false,
    is_app_user: false,
    profile: {
      real_name: user.name,
      display_name: handle,
      ...(user.email !== undefined ? { email: user.email } : {}),
      team: user.teamId ?? state.workspace.teamId,
    },
  };
}

function botMessage(state: StubState, args: Args, ts: string): Record<string, unknown> {
  return {
    type: 'message',
    subtype: 'bot_message',
    text: typeof args.text === 'string' ? args.text : '',
    ts,
    user: state.workspace.botUserId,
    bot_id: state.workspace.botId,
    app_id: state.workspace.apiAppId,
    ...(args.blocks !== undefined ? { blocks: args.blocks } : {}),
  };
}

const viewArg = (args: Args): Record<string, unknown> | undefined =>
  typeof args.view === 'object' && args.view !== null ? (args.view as Record<string, unknown>) : undefined;

function newViewId(state: StubState): string {
  return `V${String(nextSeq(state)).padStart(10, '0')}`;
}

function findByExternalId(state: StubState, externalId: string | undefined): string | undefined {
  if (!externalId) return undefined;
  return [...state.views.values()].find((v) => v.view.external_id === externalId)?.id;
}

function openView(state: StubState, args: Args): Answer {
  const view = viewArg(args);
  if (!str(args.trigger_id)) return fail('invalid_arguments');
  if (!view) return fail('invalid_arguments');
  if (view.type !== 'modal') return fail('invalid_arguments');
  return { ok: true, view: storeView(state, view, newViewId(state), null).output };
}

/** Store `view` under `id` with a fresh hash and return it as Slack echoes it (Bolt's ViewOutput shape). */
function storeView(
  state: StubState,
  view: Record<string, unknown>,
  id: string,
  previousViewId: string | null,
  rootViewId: string = id,
): { output: Record<string, unknown> } {
  const hash = `${1_700_000_000 + nextSeq(state)}.${id.slice(-6)}`;
  state.views.set(id, { id, hash, view, rootViewId, previousViewId });
  return {
    output: {
      ...view,
      id,
      team_id: state.workspace.teamId,
      state: { values: {} },
      hash,
      private_metadata: view.private_metadata ?? '',
      callback_id: view.callback_id ?? '',
      external_id: view.external_id ?? '',
      clear_on_close: view.clear_on_close ?? false,
      notify_on_close: view.notify_on_close ?? false,
      previous_view_id: previousViewId,
      root_view_id: rootViewId,
      app_id: state.workspace.apiAppId,
      app_installed_team_id: state.workspace.teamId,
      bot_id: state.workspace.botId,
    },
  };
}
