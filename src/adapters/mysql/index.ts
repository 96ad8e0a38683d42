export { assertAccount, checkAccount, InvalidAccountError } from './account-input.js';
export type { AdminPool } from './admin-sql.js';
export { type ConnectAsOptions, connectAs } from './connect-as.js';
export type { GrantMode, MysqlDatabaseAccessOptions } from './mysql-access-options.js';
export { createMysqlDatabaseAccess, MysqlDatabaseAccess } from './mysql-database-access.js';
export { protectedTableMatcher } from './protected-tables.js';
export { roleNameFor } from './role-name.js';
export type { RoleSyncReport } from './role-sync.js';
export type { ServerInfo } from './server-info.js';
