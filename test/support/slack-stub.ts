/**
 * A stand-in for the Slack Web API on loopback, close enough for @slack/web-api 8 and Bolt 5: `POST
 * /api/<method>` with a form-encoded (WebClient's default) or JSON body and `Authorization: Bearer`. It
 * records every call, answers the methods Drawbridge uses with the fields real Slack returns, remembers
 * the messages and views it handed out (so `chat.update` of a message that was never posted fails as it
 * would in Slack), and can be told to fail the next calls of a method. It logs nothing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, LogLevel } from '@slack/web-api';
import { dmChannelOf, WORKSPACE } from './slack-ids.js';
import { handleMethod, type StubState } from './slack-stub-methods.js';

export interface SlackCall {
  method: string;
  /** The arguments as the app passed them: JSON-valued form fields (blocks, view…) parsed back. */
  args: Record<string, unknown>;
  /** Epoch milliseconds when the stub received the call. */
  at: number;
  token: string | undefined;
  /** The HTTP status the stub answered (429 and 500 only when told to fail). */
  status: number;
  /** Slack's `error` when the stub answered `ok: false`. */
  error?: string;
  /** The JSON the stub answered (e.g. the `channel` and `ts` of a posted message); absent for a 500. */
  response?: Record<string, unknown>;
}

export interface StubUser {
  id: string;
  /** The real name (`user.real_name`). */
  name: string;
  /** Absent: `user.profile.email` is absent, as for a bot or without the `users:read.email` scope. */
  email?: string;
  deleted?: boolean;
  tz?: string;
  /** A guest: `multi` sets `is_restricted`, `single` sets `is_ultra_restricted` too (as Slack does). */
  guest?: 'multi' | 'single';
  /** The home workspace of a Slack Connect user from another organisation (default: this workspace). */
  teamId?: string;
}

export type StubFailure =
  | { status: 429; retryAfterSeconds: number }
  | { status: 500 }
  | { ok: false; error: string }
  /** Answer normally, but only after this long (a slow or hanging Slack, for client timeouts). */
  | { delayMs: number };

export interface RecordedResponse {
  /** The id given to `responseUrl(id)`. */
  id: string;
  /** The JSON the app posted (Bolt's `respond()` posts JSON). */
  body: unknown;
  at: number;
}

/** A message as it stands after every chat.update / chat.delete the app made. */
export interface StubMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown;
  threadTs?: string;
  deleted: boolean;
  updates: number;
}

export interface StubUpload {
  id: string;
  filename: string;
  /** What files.getUploadURLExternal was told the file would be. */
  length: number;
  /** What was POSTed to the upload URL. */
  bytes?: Buffer;
  /** Set by files.completeUploadExternal. */
  shared?: { channel: string; title: string; initialComment?: string };
}

export interface SlackStubOptions {
  /** Only this token is accepted (others get `invalid_auth`); default any non-empty token. */
  token?: string;
  /**
   * Default true: `chat.update`/`chat.delete` of a message the stub never posted, and `views.update` of a
   * view it never opened, fail with `message_not_found` / `not_found` as in Slack.
   */
  strict?: boolean;
}

export interface SlackStub {
  /** The `slackApiUrl` for WebClient / Bolt's `clientOptions`, ending in `/api/`. */
  readonly url: string;
  readonly calls: readonly SlackCall[];
  callsTo(method: string): SlackCall[];
  /** The first call (already made or still to come) of `method` that satisfies `predicate`. */
  waitFor(method: string, predicate?: (call: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  readonly users: { register(user: StubUser): void };
  readonly groups: { setGroup(groupId: string, userIds: readonly string[], handle?: string): void };
  /** Fail the next `times` calls of `method` (they are still recorded). */
  failNext(method: string, failure: StubFailure, times?: number): void;
  /** A URL on the stub that records what is POSTed to it: pass it as a payload's `response_url`. */
  responseUrl(id: string): string;
  readonly responses: readonly RecordedResponse[];
  waitForResponse(
    id: string,
    predicate?: (response: RecordedResponse) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedResponse>;
  /** Files uploaded through files.getUploadURLExternal, the upload URL and files.completeUploadExternal. */
  uploads(): StubUpload[];
  /** The current state of a message the app posted. */
  message(channel: string, ts: string): StubMessage | undefined;
  close(): Promise<void>;
}

/** Fields WebClient JSON-encodes into a form field; everything else stays the string Slack receives. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurls', 'user_auth_blocks']);

interface Waiter {
  matches(): boolean;
}

export async function startSlackStub(options: SlackStubOptions = {}): Promise<SlackStub> {
  const calls: SlackCall[] = [];
  const responses: RecordedResponse[] = [];
  const failures = new Map<string, StubFailure[]>();
  const waiters = new Set<Waiter>();
  const state: StubState = {
    workspace: WORKSPACE,
    strict: options.strict ?? true,
    users: new Map(),
    groups: new Map(),
    messages: new Map(),
    views: new Map(),
    homeViews: new Map(),
    sequence: 0,
    dmChannelOf,
    uploads: new Map(),
    uploadBase: '',
  };

  const wake = () => {
    for (const waiter of [...waiters]) if (waiter.matches()) waiters.delete(waiter);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    const bytes = await readBytes(req);
    const raw = bytes.toString('utf8');
    if (req.method !== 'POST') return send(res, 405, { ok: false, error: 'method_not_allowed' });
    // The upload URL files.getUploadURLExternal handed out: the bytes are kept for the test to read back.
    if (path.startsWith('/upload/')) {
      const upload = state.uploads.get(decodeURIComponent(path.slice('/upload/'.length)));
      if (!upload) return send(res, 404, 'no such upload');
      upload.bytes = bytes;
      wake();
      return send(res, 200, 'OK - 200');
    }
    if (path.startsWith('/response/')) {
      responses.push({
        id: decodeURIComponent(path.slice('/response/'.length)),
        body: parseLoose(raw),
        at: Date.now(),
      });
      wake();
      return send(res, 200, { ok: true });
    }
    if (!path.startsWith('/api/')) return send(res, 404, { ok: false, error: 'not_found' });

    const method = path.slice('/api/'.length);
    const args = parseArgs(raw, req.headers['content-type']);
    const token = bearer(req.headers.authorization) ?? stringArg(args.token);
    delete args.token;
    const call: SlackCall = { method, args, at: Date.now(), token, status: 200 };
    calls.push(call);

    let failure = failures.get(method)?.shift();
    if (failure && 'delayMs' in failure) {
      const { delayMs } = failure;
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      if (res.destroyed) return;
      failure = undefined;
    }
    if (failure && 'status' in failure) {
      call.status = failure.status;
      if (failure.status === 429) {
        res.setHeader('Retry-After', String(failure.retryAfterSeconds));
        call.error = 'ratelimited';
        call.response = { ok: false, error: 'ratelimited' };
        send(res, 429, call.response);
      } else {
        send(res, 500, 'Internal Server Error');
      }
      return wake();
    }
    const answer = failure
      ? { ok: false, error: failure.error }
      : !token
        ? { ok: false, error: 'not_authed' }
        : options.token !== undefined && token !== options.token
          ? { ok: false, error: 'invalid_auth' }
          : handleMethod(state, method, args);
    if (answer.ok === false) call.error = String(answer.error);
    call.response = answer;
    send(res, 200, answer);
    wake();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.uploadBase = `${base}/upload`;

  function waitUntil<T>(find: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const found = find();
      if (found !== undefined) return resolve(found);
      const waiter: Waiter = {
        matches() {
          const hit = find();
          if (hit === undefined) return false;
          clearTimeout(timer);
          resolve(hit);
          return true;
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`slack stub: no ${what()} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  }

  let closing: Promise<void> | undefined;
  return {
    url: `${base}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    waitFor(method, predicate = () => true, timeoutMs = 5000) {
      return waitUntil(
        () => calls.find((c) => c.method === method && predicate(c)),
        timeoutMs,
        () => `matching ${method} call (calls so far: ${calls.map((c) => c.method).join(', ') || 'none'})`,
      );
    },
    users: {
      register(user) {
        state.users.set(user.id, user);
      },
    },
    groups: {
      setGroup(groupId, userIds, handle) {
        state.groups.set(groupId, { handle: handle ?? groupId.toLowerCase(), users: [...userIds] });
      },
    },
    failNext(method, failure, times = 1) {
      const queue = failures.get(method) ?? [];
      for (let i = 0; i < times; i += 1) queue.push(failure);
      failures.set(method, queue);
    },
    responseUrl: (id) => `${base}/response/${encodeURIComponent(id)}`,
    uploads: () => [...state.uploads.values()],
    responses,
    waitForResponse(id, predicate = () => true, timeoutMs = 5000) {
      return waitUntil(
        () => responses.find((r) => r.id === id && predicate(r)),
        timeoutMs,
        () => `matching post to response URL ${id}`,
      );
    },
    message: (channel, ts) => {
      const stored = state.messages.get(`${channel}/${ts}`);
      return stored ? { ...stored } : undefined;
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // WebClient and fetch keep connections alive; close() would otherwise wait for them to idle out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function readBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (typeof body === 'string') {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

const bearer = (header: string | undefined): string | undefined =>
  header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;

const stringArg = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith('application/json')) {
    const parsed: unknown = raw === '' ? {} : JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? { ...parsed } : {};
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = JSON_FIELDS.has(key) ? parseLoose(value) : value;
  }
  return args;
}

/** JSON when it parses, else the text as it came. */
function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A logger for the WebClient and the Bolt App under test (both take `logger`): they print rate-limit
 * retries and rejected signatures at info/warn, which would bury the test output.
 */
export function silentSlackLogger(): Logger {
  let level = LogLevel.ERROR;
  const ignore = () => {};
  return {
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: ignore,
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: ignore,
  };
}
