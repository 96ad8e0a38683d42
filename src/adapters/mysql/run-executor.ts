/**
 * Executes a checked run as its own account: DML in one transaction guarded by the expected row count,
 * DDL statement by statement (MySQL commits each), an export streamed row by row into a CSV (RFC 4180) or
 * TSV file — never the whole result in memory — stopped at the tier's row and byte caps and gzipped over a
 * threshold. Every statement has the tier's deadline on the server (MariaDB `max_statement_time`, MySQL
 * `max_execution_time` for SELECT) and on the client.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Connection, FieldPacket, ResultSetHeader } from 'mysql2/promise';
import type { RunLimits } from '../../domain/policy-types.js';
import type { RunFile } from '../../domain/ports.js';
import type { DbAccountRef, RunFormat, RunResult, RunSpec, RunStatementResult } from '../../domain/types.js';
import { connectAs } from './accounts.js';

/** An export bigger than this is gzipped before it is delivered. */
export const GZIP_OVER_BYTES = 1 * 2 ** 20;

export interface RunConnection {
  host: string;
  port: number;
  /** The address the run's account is pinned to, when the process must bind to it (local mode). */
  localAddress?: string | undefined;
  tls?: { ca?: string } | undefined;
}

export interface RunExecution {
  requestId: string;
  account: DbAccountRef;
  password: string;
  run: RunSpec;
  limits: RunLimits;
  /** Where an export is written (the executor adds `.gz` when it compresses). */
  exportPath: string;
}

export interface ExecutedRun {
  result: Omit<RunResult, 'export'>;
  file?: RunFile;
}

const errorText = (e: unknown) => {
  const err = e as { code?: string; errno?: number; message?: string };
  return err.errno ? `${err.code ?? 'ER'} (${err.errno}): ${err.message}` : String(err.message ?? e);
};

/** One CSV field by RFC 4180: quoted when it holds a comma, a quote or a line break, quotes doubled. */
export function csvField(value: unknown): string {
  if (typeof value === 'number') return `${value}`;
  const text = typeof value === 'string' ? value : cellText(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const NEEDS_QUOTES = /[",\r\n]/;
const TSV_ESCAPES = /[\\\t\n\r]/;

/** One TSV field: tab, newline, carriage return and backslash escaped as \t \n \r \\ (as mysql -B writes). */
export function tsvField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return `${value}`;
  const text = typeof value === 'string' ? value : cellText(value);
  if (!TSV_ESCAPES.test(text)) return text;
  return text.replace(
    /[\\\t\n\r]/g,
    (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] ?? c,
  );
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('hex');
  return String(value);
}

export class MysqlRunExecutor {
  constructor(
    private readonly connection: (target: string) => RunConnection,
    /** Exports over this size are gzipped (the benchmark turns it off to compare the streaming alone). */
    private readonly gzipOverBytes = GZIP_OVER_BYTES,
  ) {}

  async execute(target: string, e: RunExecution): Promise<ExecutedRun> {
    const where = this.connection(target);
    const conn = await connectAs({
      host: where.host,
      port: where.port,
      user: e.account.user,
      password: e.password,
      database: e.run.schema,
      ...(where.localAddress ? { localAddress: where.localAddress } : {}),
      tls: where.tls,
      connectTimeoutMs: 10_000,
      rowsAsArray: e.run.mode === 'export',
    });
    try {
      await deadline(conn, e.limits.statementTimeoutSeconds);
      if (e.run.mode === 'dml') return { result: await runDml(conn, e) };
      if (e.run.mode === 'ddl') return { result: await runDdl(conn, e) };
      return await runExport(conn, e, this.gzipOverBytes);
    } finally {
      conn.destroy();
    }
  }
}

/** The server-side deadline; each server ignores the variable it does not have. */
async function deadline(conn: Connection, seconds: number): Promise<void> {
  await conn.query(`SET SESSION max_statement_time = ${Number(seconds)}`).catch(() => undefined);
  await conn.query(`SET SESSION max_execution_time = ${Number(seconds) * 1000}`).catch(() => undefined);
}

const clientTimeout = (limits: RunLimits) => (limits.statementTimeoutSeconds + 5) * 1000;

async function runDml(conn: Connection, e: RunExecution): Promise<ExecutedRun['result']> {
  const statements: RunStatementResult[] = [];
  let affected = 0;
  await conn.query('START TRANSACTION');
  for (const s of e.run.statements) {
    const started = performance.now();
    try {
      const [out] = await conn.query({ sql: s.text, timeout: clientTimeout(e.limits) });
      const rows = (out as ResultSetHeader).affectedRows ?? 0;
      if (s.kind !== 'select') affected += rows;
      statements.push({ kind: s.kind, rows, ms: performance.now() - started });
    } catch (error) {
      statements.push({ kind: s.kind, ms: performance.now() - started, error: errorText(error) });
      await conn.query('ROLLBACK').catch(() => undefined);
      return {
        outcome: 'rolled-back',
        message: `statement ${statements.length} failed, so the transaction was rolled back: nothing changed`,
        statements,
      };
    }
  }
  const expected = e.run.expectedRows ?? 0;
  if (affected !== expected) {
    await conn.query('ROLLBACK');
    return {
      outcome: 'rolled-back',
      message: `${affected} row(s) would have changed, ${expected} were expected: rolled back, nothing changed`,
      statements,
    };
  }
  await conn.query('COMMIT');
  return { outcome: 'committed', message: `committed: ${affected} row(s) changed, as expected`, statements };
}

async function runDdl(conn: Connection, e: RunExecution): Promise<ExecutedRun['result']> {
  const statements: RunStatementResult[] = [];
  for (const s of e.run.statements) {
    const started = performance.now();
    try {
      await conn.query({ sql: s.text, timeout: clientTimeout(e.limits) });
      statements.push({ kind: s.kind, ms: performance.now() - started });
    } catch (error) {
      statements.push({ kind: s.kind, ms: performance.now() - started, error: errorText(error) });
      const left = e.run.statements.length - statements.length;
      return {
        outcome: 'stopped',
        message: `statement ${statements.length} failed; ${statements.length - 1} ran before it (each committed), ${left} did not run`,
        statements,
      };
    }
  }
  return { outcome: 'completed', message: `all ${statements.length} statement(s) ran`, statements };
}

/** Text gathered into chunks of about this many bytes before it is written. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Writes an export in chunks, tracking its size and honouring back-pressure: `write` answers a promise only
 * when a chunk went out and the file asked to wait, so a row costs no promise.
 */
class ChunkWriter {
  bytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly out: WriteStream;
  constructor(path: string) {
    this.out = createWriteStream(path, { mode: 0o600 });
  }
  write(piece: Buffer): Promise<void> | undefined {
    this.bytes += piece.length;
    this.pending.push(piece);
    this.pendingBytes += piece.length;
    if (this.pendingBytes < CHUNK_BYTES) return undefined;
    return this.flush();
  }
  private flush(): Promise<void> | undefined {
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (this.out.write(chunk)) return undefined;
    return new Promise<void>((resolve) => this.out.once('drain', resolve));
  }
  async close(): Promise<void> {
    if (this.pendingBytes > 0) await this.flush();
    await new Promise<void>((resolve, reject) =>
      this.out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
}

async function runExport(conn: Connection, e: RunExecution, gzipOverBytes: number): Promise<ExecutedRun> {
  const format: RunFormat = e.run.format ?? 'csv';
  const field = format === 'csv' ? csvField : tsvField;
  const [sep, eol] = format === 'csv' ? [',', '\r\n'] : ['\t', '\n'];
  const statement = e.run.statements[0];
  if (!statement) throw new Error('an export needs its SELECT');
  const writer = new ChunkWriter(e.exportPath);
  const started = performance.now();
  let rows = 0;
  let capped: 'rows' | 'bytes' | undefined;
  let failure: string | undefined;
  // The callback connection's query stream: rows arrive one by one and pause while the file catches up.
  const raw = (
    conn as unknown as { connection: { query(o: object): { stream(o: object): NodeJS.ReadableStream } } }
  ).connection;
  const stream = raw
    .query({ sql: statement.text, timeout: clientTimeout(e.limits) })
    .stream({ highWaterMark: 2_048 });
  let fields: FieldPacket[] | undefined;
  let header = false;
  const line = (values: readonly unknown[]) => {
    let out = '';
    for (let i = 0; i < values.length; i++) out += i === 0 ? field(values[i]) : sep + field(values[i]);
    return out + eol;
  };
  try {
    // Event-driven, not an async iterator: one promise per written chunk instead of one per row. The
    // stream pauses while a chunk waits for the file, which pauses the socket and so the server.
    await new Promise<void>((resolve, reject) => {
      let stopped = false;
      const stop = () => {
        stopped = true;
        resolve();
      };
      const writeHeader = () => {
        header = true;
        if (fields) void writer.write(Buffer.from(line(fields.map((f) => f.name))));
      };
      stream.on('fields', (f: FieldPacket[]) => {
        fields = f;
      });
      stream.on('data', (row: unknown[]) => {
        if (stopped) return;
        if (!header) writeHeader();
        if (rows >= e.limits.maxRows) {
          capped = 'rows';
          return stop();
        }
        const bytes = Buffer.from(line(row));
        if (writer.bytes + bytes.length > e.limits.maxBytes) {
          capped = 'bytes';
          return stop();
        }
        rows++;
        const waiting = writer.write(bytes);
        if (waiting) {
          stream.pause();
          waiting.then(() => stream.resume(), reject);
        }
      });
      stream.on('end', () => {
        if (!header) writeHeader();
        resolve();
      });
      stream.on('error', reject);
    });
  } catch (error) {
    failure = errorText(error);
  } finally {
    // Stopping early: the server is still sending; the connection is destroyed by the caller.
    (stream as unknown as { destroy?: () => void }).destroy?.();
    await writer.close();
  }
  const ms = performance.now() - started;
  if (failure) {
    await rm(e.exportPath, { force: true });
    return {
      result: {
        outcome: 'failed',
        message: `the SELECT failed: ${failure}`,
        statements: [{ kind: 'select', ms, error: failure }],
      },
    };
  }
  const file = await finishFile(e.exportPath, writer.bytes, `${e.requestId}.${format}`, gzipOverBytes);
  const capNote = capped
    ? ` — capped at ${capped === 'rows' ? `${e.limits.maxRows} rows` : `${e.limits.maxBytes} bytes`}, the rest was not exported`
    : '';
  return {
    result: {
      outcome: 'exported',
      message: `${rows} row(s) exported${capNote}`,
      statements: [{ kind: 'select', rows, ms }],
    },
    file: { ...file, rows, ...(capped ? { capped } : {}) },
  };
}

/** Gzip a big file; hash what is delivered. */
async function finishFile(
  path: string,
  bytes: number,
  name: string,
  gzipOverBytes: number,
): Promise<Omit<RunFile, 'rows' | 'capped'>> {
  let delivered = path;
  let gzip = false;
  if (bytes > gzipOverBytes) {
    delivered = `${path}.gz`;
    await pipeline(createReadStream(path), createGzip(), createWriteStream(delivered, { mode: 0o600 }));
    await rm(path, { force: true });
    gzip = true;
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(delivered)) hash.update(chunk as Buffer);
  const size = (await stat(delivered)).size;
  return { path: delivered, name: gzip ? `${name}.gz` : name, bytes: size, sha256: hash.digest('hex'), gzip };
}
