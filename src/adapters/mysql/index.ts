export { protectedTableMatcher } from '../../domain/protected-tables.js';
export {
  assertAccount,
  type ConnectAsOptions,
  checkAccount,
  connectAs,
  InvalidAccountError,
} from './accounts.js';
export type { AdminPool } from './admin-sql.js';
export type { GrantMode, MysqlDatabaseAccessOptions } from './mysql-database-access.js';
export { createMysqlDatabaseAccess, MysqlDatabaseAccess } from './mysql-database-access.js';
export type { RoleSyncReport } from './roles.js';
export type { ServerInfo } from './server-dialect.js';
export { roleNameFor } from './server-dialect.js';
