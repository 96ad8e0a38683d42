/**
 * Exports without Slack (local runs, the demo): the file is copied into a folder, mode 0600, named after the
 * request; the outcome message names the path.
 */
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ExportDelivery, RunFile } from '../../domain/ports.js';
import type { AccessRequest } from '../../domain/types.js';

export class FolderExportDelivery implements ExportDelivery {
  constructor(private readonly folder: string) {}

  async deliver(_request: AccessRequest, file: RunFile) {
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    const path = resolve(join(this.folder, file.name));
    await copyFile(file.path, path);
    await chmod(path, 0o600);
    return { deliveredTo: 'folder' as const, link: path };
  }
}
