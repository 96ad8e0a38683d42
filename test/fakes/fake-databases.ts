import { AccountExistsError } from '../../src/domain/errors.js';
import type { DatabaseAccess, DatabaseAccessByTarget, DropReport } from '../../src/domain/ports.js';
import type { DbAccountRef, Tier } from '../../src/domain/types.js';
import { Faults } from './faults.js';

interface Account {
  /** Undefined until the tier's grants are given. */
  tier: Tier | undefined;
  password: string;
  locked: boolean;
  sessions: number;
}

/** A MySQL server in memory: accounts with a tier and a password, sessions to kill, DEFINER objects to keep. */
export class FakeDatabase implements DatabaseAccess {
  readonly accounts = new Map<string, Account>();
  readonly faults = new Faults();
  /** Accounts that own objects: dropAccount locks them instead. */
  readonly definers = new Set<string>();
  readonly passwordsSeen: string[] = [];
  /** Tiers passed to each syncTierGrants call. */
  readonly syncs: Tier[][] = [];

  /** An account somebody else made (an application's, a DBA's): Drawbridge must never touch it. */
  plant(account: DbAccountRef, sessions = 1): void {
    this.accounts.set(key(account), { tier: 'DML', password: 'theirs', locked: false, sessions });
  }

  async createUser(account: DbAccountRef, password: string): Promise<void> {
    this.faults.check('create-account');
    if (this.accounts.has(key(account))) throw new AccountExistsError(account.user, account.host);
    this.passwordsSeen.push(password);
    this.accounts.set(key(account), { tier: undefined, password, locked: false, sessions: 0 });
    this.faults.check('create-account-after-effect');
  }

  async resetUser(account: DbAccountRef, password: string): Promise<void> {
    const found = this.accounts.get(key(account));
    if (!found) throw new Error('no such account');
    this.passwordsSeen.push(password);
    Object.assign(found, { password, locked: false, tier: undefined });
  }

  async grantTier(account: DbAccountRef, tier: Tier): Promise<void> {
    this.faults.check('grant');
    const found = this.accounts.get(key(account));
    if (!found) throw new Error('no such account');
    found.tier = tier;
  }

  async syncTierGrants(tiers: readonly Tier[]): Promise<void> {
    this.faults.check('sync');
    this.syncs.push([...tiers]);
  }

  async accountExists(account: DbAccountRef): Promise<boolean> {
    return this.accounts.has(key(account));
  }

  async rotatePassword(account: DbAccountRef, password: string): Promise<void> {
    const found = this.accounts.get(key(account));
    if (!found) throw new Error('no such account');
    this.passwordsSeen.push(password);
    found.password = password;
  }

  async refreshGrants(): Promise<void> {}

  async dropAccount(account: DbAccountRef): Promise<DropReport> {
    this.faults.check('drop-account');
    const found = this.accounts.get(key(account));
    const none = { definerObjects: [], roleDefinerObjects: [] };
    if (!found) return { outcome: 'absent', killedConnections: 0, ...none };
    if (this.definers.has(key(account))) {
      found.locked = true;
      return {
        outcome: 'locked',
        killedConnections: found.sessions,
        definerObjects: ['app.v_report (VIEW)'],
        roleDefinerObjects: [],
      };
    }
    this.accounts.delete(key(account));
    return { outcome: 'dropped', killedConnections: found.sessions, ...none };
  }
}

export class FakeDatabases implements DatabaseAccessByTarget {
  readonly byTarget = new Map<string, FakeDatabase>();
  constructor(targets: string[]) {
    for (const t of targets) this.byTarget.set(t, new FakeDatabase());
  }
  forTarget(target: string): FakeDatabase {
    const db = this.byTarget.get(target);
    if (!db) throw new Error(`unknown target ${target}`);
    return db;
  }
  targets(): string[] {
    return [...this.byTarget.keys()];
  }
}

const key = (a: DbAccountRef) => `${a.user}@${a.host}`;
