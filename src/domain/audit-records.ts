/**
 * The database's own audit records, as MariaDB's `server_audit` plugin writes them to its file and Aurora
 * MySQL's advanced auditing exports them to CloudWatch Logs: one comma-separated record per event,
 *
 *   time,serverhost,username,host,connectionid,queryid,operation,database,object,retcode
 *
 * where `object` (the statement, for QUERY events) is quoted with `'` and escapes `'` `\` and control
 * characters with a backslash (`\'`, `\\`, `\n`, `\r`, `\t`). Pure: text in, records out. A record cut off
 * (the writer was mid-line, or a reader stopped at a byte limit) is never returned half: `parseAuditText`
 * says where the complete records end, so a reader resumes from there.
 */

export interface AuditRecord {
  /** As written: `20261203 14:12:23` (MariaDB, the server's local time) or epoch microseconds (Aurora). */
  time: string;
  serverHost: string;
  user: string;
  host: string;
  connectionId: number;
  queryId: number;
  /** CONNECT, DISCONNECT, FAILED_CONNECT, QUERY, READ, WRITE, … */
  operation: string;
  database: string;
  /** The statement for QUERY events, the table for READ/WRITE; '' when none. */
  object: string;
  /** The server's error number; 0 for success. */
  retcode: number;
}

export interface ParsedAuditText {
  records: AuditRecord[];
  /** Lines that are complete but not a record (wrong field count, a number that is not one), with why. */
  rejected: { line: string; reason: string }[];
  /** How many characters of the text the complete records (and rejected lines) span: resume from here. */
  consumed: number;
}

const FIELDS = 10;
const UNESCAPE: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '0': '\0' };

/** Splits one record's fields; undefined when the text ends inside a quoted field (a cut-off record). */
function splitRecord(text: string, start: number): { fields: string[]; end: number } | undefined {
  const fields: string[] = [];
  let field = '';
  let i = start;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '\\' && i + 1 < text.length) {
        const next = text[i + 1] as string;
        field += UNESCAPE[next] ?? next;
        i += 2;
        continue;
      }
      if (ch === '\\') return undefined;
      if (ch === "'") quoted = false;
      else field += ch;
      i++;
      continue;
    }
    if (ch === "'" && field === '') {
      quoted = true;
      i++;
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
      i++;
      continue;
    }
    if (ch === '\n') {
      fields.push(field);
      return { fields, end: i + 1 };
    }
    if (ch !== '\r') field += ch;
    i++;
  }
  return undefined;
}

const WHOLE_NUMBER = /^-?\d+$/;

function toRecord(fields: readonly string[]): AuditRecord | string {
  if (fields.length !== FIELDS) return `expected ${FIELDS} fields, got ${fields.length}`;
  const [time, serverHost, user, host, connectionId, queryId, operation, database, object, retcode] =
    fields as [string, string, string, string, string, string, string, string, string, string];
  for (const [name, value] of [
    ['connectionid', connectionId],
    ['queryid', queryId],
    ['retcode', retcode],
  ] as const) {
    if (!WHOLE_NUMBER.test(value)) return `${name} is not a whole number`;
  }
  return {
    time,
    serverHost,
    user,
    host,
    connectionId: Number(connectionId),
    queryId: Number(queryId),
    operation,
    database,
    object,
    retcode: Number(retcode),
  };
}

/**
 * Every complete record in `text` (newline-terminated; a quoted statement may hold escaped or raw
 * newlines). Text after the last complete record is left for the next read (`consumed` stops before it).
 */
export function parseAuditText(text: string): ParsedAuditText {
  const records: AuditRecord[] = [];
  const rejected: ParsedAuditText['rejected'] = [];
  let position = 0;
  while (position < text.length) {
    const split = splitRecord(text, position);
    if (!split) break;
    const line = text.slice(position, split.end - 1);
    position = split.end;
    if (line.trim() === '') continue;
    const record = toRecord(split.fields);
    if (typeof record === 'string') rejected.push({ line, reason: record });
    else records.push(record);
  }
  return { records, rejected, consumed: position };
}

/** One record as the plugin writes it (for tests and fixtures): the inverse of parseAuditText. */
export function formatAuditRecord(record: AuditRecord): string {
  const quote = (value: string) =>
    `'${value.replace(/[\\'\n\r\t\0]/g, (ch) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' })[ch] ?? `\\${ch}`)}'`;
  return [
    record.time,
    record.serverHost,
    record.user,
    record.host,
    record.connectionId,
    record.queryId,
    record.operation,
    record.database,
    record.object === '' ? '' : quote(record.object),
    record.retcode,
  ].join(',');
}

const MARIADB_TIME = /^(\d{4})(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * The instant of a record: Aurora writes epoch microseconds; MariaDB writes the server's local time to the
 * second, so the server's offset from UTC (minutes, `NOW() - UTC_TIMESTAMP()`) places it. Undefined when the
 * time is neither.
 */
export function recordInstant(time: string, utcOffsetMinutes: number): Date | undefined {
  if (/^\d{13,17}$/.test(time)) return new Date(Math.floor(Number(time) / 1000));
  const m = MARIADB_TIME.exec(time);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const local = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
  return new Date(local - utcOffsetMinutes * 60_000);
}
