/**
 * A large export on moto_server's S3: streamed into the bucket (multipart above 5 MB), KMS-encrypted, and
 * readable back through the presigned link (valid an hour at most); a small one goes the other way.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_LINK_SECONDS, S3ExportDelivery } from '../../src/adapters/aws/s3-export-delivery.js';
import type { RunFile } from '../../src/domain/ports.js';
import { aRequest } from '../support/request-builder.js';
import { describeOnMoto, motoClientConfig } from './moto.js';

describeOnMoto('S3 exports on moto_server', () => {
  const client = new S3Client({ ...motoClientConfig('eu-west-1'), forcePathStyle: true });
  const bucket = `drawbridge-exports-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'drawbridge-s3-'));
  beforeAll(async () => {
    await client.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
  });
  afterAll(() => {
    client.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a large file, encrypted, and links to it for an hour at most; a small file goes to Slack', async () => {
    const small: { file?: RunFile } = {};
    const delivery = new S3ExportDelivery({
      client,
      bucket,
      overBytes: 1024,
      smaller: {
        deliver: async (_r, file) => {
          small.file = file;
          return { deliveredTo: 'slack' as const };
        },
      },
      linkSeconds: 7 * 24 * 3600,
    });
    const request = aRequest();
    const bytes = randomBytes(6 * 2 ** 20); // over the 5 MB part size: a multipart upload
    const path = join(dir, 'big.csv.gz');
    writeFileSync(path, bytes);
    const file: RunFile = { path, name: 'big.csv.gz', rows: 1, bytes: bytes.length, sha256: 'x', gzip: true };

    const out = await delivery.deliver(request, file);
    expect(out.deliveredTo).toBe('s3');
    const link = new URL(out.link ?? '');
    expect(Number(link.searchParams.get('X-Amz-Expires'))).toBe(MAX_LINK_SECONDS);
    const head = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: `exports/${request.id}/big.csv.gz` }),
    );
    expect(head.ServerSideEncryption).toBe('aws:kms');
    expect(head.ContentLength).toBe(bytes.length);
    const fetched = Buffer.from(await (await fetch(link)).arrayBuffer());
    expect(fetched.equals(bytes)).toBe(true);

    const tiny = join(dir, 'tiny.csv');
    writeFileSync(tiny, 'id\r\n1\r\n');
    expect(
      (await delivery.deliver(request, { ...file, path: tiny, name: 'tiny.csv', bytes: 7 })).deliveredTo,
    ).toBe('slack');
    expect(small.file?.name).toBe('tiny.csv');
  });
});
