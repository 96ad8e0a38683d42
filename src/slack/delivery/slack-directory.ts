import type { WebClient } from '@slack/web-api';
import { DependencyError } from '../../domain/errors.js';
import type { Directory, DirectoryUser } from '../../domain/ports.js';

export interface SlackDirectoryOptions {
  /** How long a user and the user-group list are reused (default 60; 0 asks Slack every time). */
  cacheSeconds?: number;
  /** Milliseconds since the epoch (tests move it to expire the cache). */
  now?: () => number;
}

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

/** Past this many cached users, expired entries are dropped on the next insert. */
const PRUNE_ABOVE = 500;

/**
 * Who a Slack user is (`users.info`) and which user groups they are in (`usergroups.list` with
 * `include_users`, one call for everybody). Both are cached for `cacheSeconds`, and concurrent callers
 * share one request in flight: an approval burst asks Slack once. Needs the scopes `users:read`,
 * `users:read.email` (without it `email` is absent) and `usergroups:read`.
 */
export class SlackDirectory implements Directory {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly users = new Map<string, Cached<DirectoryUser | undefined>>();
  private groups: Cached<ReadonlyMap<string, readonly string[]>> | undefined;
  private homeTeam: Promise<string | undefined> | undefined;

  constructor(
    private readonly client: WebClient,
    options: SlackDirectoryOptions = {},
  ) {
    this.ttlMs = (options.cacheSeconds ?? 60) * 1000;
    this.now = options.now ?? Date.now;
  }

  /** A deleted (deactivated) or unknown user is `undefined`; any other failure throws DependencyError. */
  lookup(slackUserId: string): Promise<DirectoryUser | undefined> {
    const hit = this.users.get(slackUserId);
    if (hit && this.fresh(hit)) return hit.value;
    const value = this.fetchUser(slackUserId);
    this.remember(slackUserId, value);
    return value;
  }

  async groupsOf(slackUserId: string): Promise<string[]> {
    let cached = this.groups;
    if (!cached || !this.fresh(cached)) {
      const entry = { at: this.now(), value: this.fetchGroups() };
      // A failure is not cached: the next caller asks Slack again.
      entry.value.catch(() => {
        if (this.groups === entry) this.groups = undefined;
      });
      this.groups = entry;
      cached = entry;
    }
    const members = await cached.value;
    return [...members].flatMap(([groupId, users]) => (users.includes(slackUserId) ? [groupId] : []));
  }

  private fresh(entry: Cached<unknown>): boolean {
    return this.now() - entry.at < this.ttlMs;
  }

  private remember(slackUserId: string, value: Promise<DirectoryUser | undefined>): void {
    if (this.users.size >= PRUNE_ABOVE) {
      for (const [id, entry] of this.users) if (!this.fresh(entry)) this.users.delete(id);
    }
    const entry = { at: this.now(), value };
    this.users.set(slackUserId, entry);
    value.then(
      // Only people who exist are remembered: somebody who just joined is found at once.
      (user) => {
        if (user === undefined && this.users.get(slackUserId) === entry) this.users.delete(slackUserId);
      },
      () => {
        if (this.users.get(slackUserId) === entry) this.users.delete(slackUserId);
      },
    );
  }

  private async fetchUser(slackUserId: string): Promise<DirectoryUser | undefined> {
    let user: Awaited<ReturnType<WebClient['users']['info']>>['user'];
    try {
      ({ user } = await this.client.users.info({ user: slackUserId }));
    } catch (e) {
      if (slackErrorOf(e) === 'user_not_found') return undefined;
      throw new DependencyError('slack.users.info', `cannot look up ${slackUserId}: ${describe(e)}`, {
        cause: e,
      });
    }
    if (!user || user.deleted) return undefined;
    const email = user.profile?.email;
    const name = user.real_name || user.profile?.real_name;
    const home = await this.home();
    return {
      id: user.id ?? slackUserId,
      ...(email ? { email } : {}),
      ...(name ? { name } : {}),
      guest: user.is_restricted === true || user.is_ultra_restricted === true,
      // A Slack Connect user of another organisation: marked a stranger, or homed in another workspace.
      external: user.is_stranger === true || (home !== undefined && !!user.team_id && user.team_id !== home),
    };
  }

  /** This app's workspace (`auth.test`), asked once; unknown (undefined) only if Slack cannot say. */
  private home(): Promise<string | undefined> {
    this.homeTeam ??= this.client.auth.test().then(
      (r) => r.team_id,
      (e: unknown) => {
        this.homeTeam = undefined;
        throw new DependencyError('slack.auth.test', `cannot tell this workspace: ${describe(e)}`, {
          cause: e,
        });
      },
    );
    return this.homeTeam;
  }

  private async fetchGroups(): Promise<ReadonlyMap<string, readonly string[]>> {
    try {
      // Disabled groups are left out by Slack unless include_disabled is set: they grant nothing.
      const { usergroups = [] } = await this.client.usergroups.list({ include_users: true });
      return new Map(usergroups.flatMap((g) => (g.id ? [[g.id, g.users ?? []] as const] : [])));
    } catch (e) {
      throw new DependencyError('slack.usergroups.list', `cannot list user groups: ${describe(e)}`, {
        cause: e,
      });
    }
  }
}

/** Slack's `error` string of a platform error (`ok: false`), e.g. `user_not_found`. */
function slackErrorOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, data } = e as { code?: unknown; data?: { error?: unknown } };
  return code === 'slack_webapi_platform_error' && typeof data?.error === 'string' ? data.error : undefined;
}

/**
 * Slack's error (`user_not_found`), or WebClient's code with its message (`slack_webapi_request_error: A
 * rate limit was exceeded …`). WebClient sends the token in a header, so neither carries it.
 */
function describe(e: unknown): string {
  const platform = slackErrorOf(e);
  if (platform) return platform;
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}
