/**
 * Stored objects an account is the DEFINER of. Routines and events are cheap to look up. Views and
 * triggers are not on MariaDB: information_schema reads every table definition (≈ 75 ms for VIEWS and
 * ≈ 25 ms for TRIGGERS at 10,000 tables). So they are searched only where definer-search.ts says they can
 * be, and the listing of the configured schemas is kept until a statement that can create, change or
 * drop a view or trigger runs on the server (the DDL counters, ddl-change-detector.ts).
 */
import type { RowDataPacket } from 'mysql2/promise';
import type { DbAccountRef } from '../../domain/types.js';
import type { AdminSql } from './admin-sql.js';
import { type DdlMarker, noDdlBetween, readDdlMarker } from './ddl-change-detector.js';
import type { DefinerSearch, SearchScope } from './definer-search.js';

interface Found {
  schema: string;
  name: string;
  kind: string;
  definer: string;
}

type Kind = 'VIEW' | 'TRIGGER';

const SOURCES: Record<Kind, string> = {
  VIEW: "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, 'VIEW' AS k, DEFINER AS d FROM information_schema.VIEWS",
  TRIGGER:
    "SELECT TRIGGER_SCHEMA AS s, TRIGGER_NAME AS n, 'TRIGGER' AS k, DEFINER AS d FROM information_schema.TRIGGERS",
};
const SCHEMA_COLUMN: Record<Kind, string> = { VIEW: 'TABLE_SCHEMA', TRIGGER: 'TRIGGER_SCHEMA' };

const found = (rows: RowDataPacket[]): Found[] =>
  rows.map((r) => ({
    schema: String(r.s),
    name: String(r.n),
    kind: String(r.k),
    definer: String(r.d ?? ''),
  }));

export interface DefinerIndexOptions {
  /** The listing is read again at least this often, DDL or not. */
  maxAgeMs: number;
  now: () => number;
}

/** Finds an account's stored objects; one per target, shared by its teardowns. */
export class DefinerIndex {
  private readonly cache = new Map<Kind, { marker: DdlMarker; at: number; objects: Found[] }>();

  constructor(
    private readonly sql: AdminSql,
    private readonly schemas: readonly string[],
    private readonly options: DefinerIndexOptions,
  ) {}

  /** `schema.name (TYPE)` of every object the account is DEFINER of, sorted. */
  async find(account: DbAccountRef, search: DefinerSearch, step: string): Promise<string[]> {
    const definer = `${account.user}@${account.host}`;
    const rows = await this.sql.rows<RowDataPacket>(
      step,
      `SELECT ROUTINE_SCHEMA AS s, ROUTINE_NAME AS n, ROUTINE_TYPE AS k, DEFINER AS d
         FROM information_schema.ROUTINES WHERE DEFINER = ?
       UNION ALL SELECT EVENT_SCHEMA, EVENT_NAME, 'EVENT', DEFINER FROM information_schema.EVENTS WHERE DEFINER = ?`,
      [definer, definer],
    );
    const objects = found(rows);
    objects.push(...(await this.search('VIEW', search.views, definer, step)));
    objects.push(...(await this.search('TRIGGER', search.triggers, definer, step)));
    return objects.map((o) => `${o.schema}.${o.name} (${o.kind})`).sort();
  }

  private async search(kind: Kind, scope: SearchScope, definer: string, step: string): Promise<Found[]> {
    if (scope === 'none') return [];
    if (scope === 'all') {
      return found(await this.sql.rows<RowDataPacket>(step, `${SOURCES[kind]} WHERE DEFINER = ?`, [definer]));
    }
    const objects = await this.listConfigured(kind, step);
    return objects.filter((o) => o.definer === definer);
  }

  private async listConfigured(kind: Kind, step: string): Promise<Found[]> {
    const now = this.options.now();
    // Read before listing: an object created while we list moves the counters and is seen next time.
    const marker = await readDdlMarker(this.sql, step);
    const cached = this.cache.get(kind);
    if (cached && noDdlBetween(cached.marker, marker) && now - cached.at < this.options.maxAgeMs) {
      return cached.objects;
    }
    const rows = await this.sql.rows<RowDataPacket>(
      step,
      `${SOURCES[kind]} WHERE ${SCHEMA_COLUMN[kind]} IN (?)`,
      [this.schemas],
    );
    const objects = found(rows);
    this.cache.set(kind, { marker, at: now, objects });
    return objects;
  }
}
