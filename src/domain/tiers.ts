import type { Tier } from './types.js';

/** Default privileges per tier. Never GRANT OPTION, never a global privilege. */
export const DEFAULT_TIER_PRIVILEGES: Record<Tier, readonly string[]> = {
  READ: ['SELECT', 'SHOW VIEW'],
  DML: ['SELECT', 'SHOW VIEW', 'INSERT', 'UPDATE', 'DELETE'],
  DDL: [
    'SELECT',
    'SHOW VIEW',
    'INSERT',
    'UPDATE',
    'DELETE',
    'CREATE',
    'ALTER',
    'DROP',
    'INDEX',
    'REFERENCES',
    'CREATE VIEW',
  ],
};

/** Table-level privileges MySQL accepts on `schema.table`; anything else is refused by the config. */
export const GRANTABLE_PRIVILEGES = [
  'SELECT',
  'SHOW VIEW',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'ALTER',
  'DROP',
  'INDEX',
  'REFERENCES',
  'CREATE VIEW',
  'TRIGGER',
] as const;

export const TIER_DESCRIPTIONS: Record<Tier, string> = {
  READ: 'read rows (SELECT, SHOW VIEW)',
  DML: 'read and change rows (READ + INSERT, UPDATE, DELETE)',
  DDL: 'change the schema too (DML + CREATE, ALTER, DROP, INDEX, REFERENCES, CREATE VIEW)',
};
