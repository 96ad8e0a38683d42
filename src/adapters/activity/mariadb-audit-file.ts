/**
 * MariaDB's server_audit plugin, file output, as an ActivitySource. The plugin appends to one file and
 * rotates it by renaming (`server_audit.log` → `.1` → `.2` …, the oldest dropped), so a file keeps its
 * inode as it moves: a position is `inode:offset`, and collecting reads from that file at that offset
 * through every newer one. Reading streams: only the account's records in the window are kept.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { type ActivityWindow, recordsInWindow, recordsOfAccount } from '../../domain/activity.js';
import { type AuditRecord, parseAuditText } from '../../domain/audit-records.js';
import type { ActivitySource, CollectedRecords } from '../../domain/ports.js';
import type { DbAccountRef } from '../../domain/types.js';

export interface MariadbAuditFileOptions {
  /** The plugin's `server_audit_file_path`, resolved (relative paths are the server's data directory's). */
  file: string;
  /** The server's offset from UTC, in minutes: the file holds the server's local times. */
  utcOffsetMinutes: () => Promise<number>;
  /** Rotated files looked for (`server_audit_file_rotations`, default 9). */
  rotations?: number;
}

interface AuditFile {
  path: string;
  inode: number;
  size: number;
}

const POSITION = /^(\d+):(\d+)$/;

export class MariadbAuditFile implements ActivitySource {
  readonly description: string;

  constructor(private readonly o: MariadbAuditFileOptions) {
    this.description = `mariadb-audit ${o.file}`;
  }

  async position(): Promise<string> {
    const s = await stat(this.o.file);
    return `${s.ino}:${s.size}`;
  }

  async collect(account: DbAccountRef, window: ActivityWindow, from?: string): Promise<CollectedRecords> {
    const utcOffsetMinutes = await this.o.utcOffsetMinutes();
    const files = await this.filesOldestFirst();
    const start = startOf(files, from);
    const records: AuditRecord[] = [];
    for (const [i, file] of files.entries()) {
      if (i < start.index) continue;
      const offset = i === start.index ? start.offset : 0;
      await readRecords(file.path, offset, (batch) => {
        records.push(...recordsInWindow(recordsOfAccount(batch, account), window, utcOffsetMinutes));
      });
    }
    return { records, utcOffsetMinutes };
  }

  /** The rotated files that exist, oldest first, then the current one. */
  private async filesOldestFirst(): Promise<AuditFile[]> {
    const paths = [this.o.file];
    for (let n = 1; n <= (this.o.rotations ?? 9); n++) paths.push(`${this.o.file}.${n}`);
    const files: AuditFile[] = [];
    for (const path of paths) {
      const s = await stat(path).catch(() => undefined);
      if (s) files.push({ path, inode: s.ino, size: s.size });
      else if (path !== this.o.file) break;
    }
    if (!files.some((f) => f.path === this.o.file))
      throw new Error(`${this.o.file} does not exist (is server_audit logging to this file?)`);
    return files.reverse();
  }
}

/** Where to begin: the remembered file at its offset; everything when it was rotated away (or none given). */
function startOf(files: readonly AuditFile[], from: string | undefined): { index: number; offset: number } {
  const m = from ? POSITION.exec(from) : null;
  if (!m) return { index: 0, offset: 0 };
  const index = files.findIndex((f) => f.inode === Number(m[1]));
  if (index < 0) return { index: 0, offset: 0 };
  const offset = Number(m[2]);
  // A file shorter than the position is not the one remembered (its inode was reused): read it whole.
  return { index, offset: offset <= (files[index] as AuditFile).size ? offset : 0 };
}

/** Complete records of the file from `offset`, in batches; a record cut off at the end is left for later. */
async function readRecords(
  path: string,
  offset: number,
  onBatch: (records: AuditRecord[]) => void,
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const stream = createReadStream(path, { start: offset, highWaterMark: 256 * 1024 });
  for await (const chunk of stream) {
    pending += decoder.write(chunk as Buffer);
    const parsed = parseAuditText(pending);
    if (parsed.records.length > 0) onBatch(parsed.records);
    pending = pending.slice(parsed.consumed);
  }
}
