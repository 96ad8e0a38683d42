import type { Directory, DirectoryUser } from '../../domain/ports.js';

/** Local mode's answer to `users.info` and user groups: the people listed in the config. */
export class ConfigDirectory implements Directory {
  private readonly users: Map<
    string,
    { id: string; email: string; name?: string | undefined; groups: string[] }
  >;

  constructor(users: readonly { id: string; email: string; name?: string | undefined; groups: string[] }[]) {
    this.users = new Map(users.map((u) => [u.id, u]));
  }

  async lookup(slackUserId: string): Promise<DirectoryUser | undefined> {
    const user = this.users.get(slackUserId);
    return user && { id: user.id, email: user.email, ...(user.name ? { name: user.name } : {}) };
  }

  async groupsOf(slackUserId: string): Promise<string[]> {
    return this.users.get(slackUserId)?.groups ?? [];
  }
}
