/**
 * A run's export to the requester's DM with Slack's external upload: a short message opens the DM (its answer
 * names the DM channel), `files.getUploadURLExternal` gives an upload URL, the file is streamed to it (never
 * read into memory), and `files.completeUploadExternal` shares it in that DM. Scope `files:write`.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { WebClient } from '@slack/web-api';
import { DependencyError } from '../../domain/errors.js';
import type { ExportDelivery, RunFile } from '../../domain/ports.js';
import type { AccessRequest } from '../../domain/types.js';

/** Upload deadline: a 200 MB file over a slow link still fits; a hung upload does not hold the worker. */
const UPLOAD_DEADLINE_MS = 10 * 60_000;

export class SlackFileDelivery implements ExportDelivery {
  constructor(private readonly client: WebClient) {}

  async deliver(request: AccessRequest, file: RunFile) {
    const posted = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({
        channel: request.requester.slackUserId,
        text: `The export of your run ${request.id} (${file.rows} row(s)${file.capped ? `, capped by ${file.capped}` : ''}) follows.`,
      }),
    );
    const channel = posted.channel;
    if (!channel)
      throw new DependencyError('slack.chat.postMessage', 'Slack did not say which DM it posted to');
    const url = await this.call('files.getUploadURLExternal', () =>
      this.client.files.getUploadURLExternal({ filename: file.name, length: file.bytes }),
    );
    if (!url.upload_url || !url.file_id)
      throw new DependencyError('slack.files.getUploadURLExternal', 'Slack gave no upload URL');
    const response = await fetch(url.upload_url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes) },
      body: Readable.toWeb(createReadStream(file.path)) as ReadableStream,
      duplex: 'half',
      signal: AbortSignal.timeout(UPLOAD_DEADLINE_MS),
    } as RequestInit);
    if (!response.ok)
      throw new DependencyError('slack.upload', `the upload answered HTTP ${response.status}`);
    await this.call('files.completeUploadExternal', () =>
      this.client.files.completeUploadExternal({
        files: [{ id: url.file_id as string, title: file.name }],
        channel_id: channel,
        initial_comment: `sha256 ${file.sha256}`,
      }),
    );
    return { deliveredTo: 'slack' as const };
  }

  private async call<T>(method: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (e) {
      throw new DependencyError(`slack.${method}`, e instanceof Error ? e.message : String(e), { cause: e });
    }
  }
}
