import type {
  DatabaseAccess,
  DatabaseAccessByTarget,
  DbAccount,
  DropReport,
} from '../../src/domain/ports.js';
import type { DbAccountRef, Tier } from '../../src/domain/types.js';
import { Faults } from './faults.js';

interface Account {
  tier: Tier;
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

  async createAccount(account: DbAccountRef, tier: Tier, password: string): Promise<void> {
    this.faults.check('create-account');
    this.passwordsSeen.push(password);
    this.accounts.set(key(account), { tier, password, locked: false, sessions: 0 });
    this.faults.check('create-account-after-effect');
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
    if (!found) return { outcome: 'absent', killedConnections: 0, definerObjects: [] };
    if (this.definers.has(key(account))) {
      found.locked = true;
      return {
        outcome: 'locked',
        killedConnections: found.sessions,
        definerObjects: ['app.v_report (VIEW)'],
      };
    }
    this.accounts.delete(key(account));
    return { outcome: 'dropped', killedConnections: found.sessions, definerObjects: [] };
  }

  async listAccounts(userNames: readonly string[]): Promise<DbAccount[]> {
    return [...this.accounts.entries()]
      .map(([k, a]) => {
        const [user = '', host = ''] = k.split('@');
        return { user, host, locked: a.locked };
      })
      .filter((a) => userNames.includes(a.user));
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
