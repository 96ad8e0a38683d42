/**
 * Large exports in AWS mode: over a size, the file goes to an S3 object (the stack's KMS-encrypted bucket,
 * whose objects expire after a day) by a streamed multipart upload, and the requester gets a presigned link
 * valid for at most an hour, in their DM only. Smaller files go the usual way (Slack's upload).
 */
import { createReadStream } from 'node:fs';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DependencyError } from '../../domain/errors.js';
import type { ExportDelivery, RunFile } from '../../domain/ports.js';
import type { AccessRequest } from '../../domain/types.js';

/** A presigned link never outlives this. */
export const MAX_LINK_SECONDS = 3_600;

export interface S3ExportOptions {
  client: S3Client;
  bucket: string;
  /** Files larger than this go to S3; the rest to `smaller`. */
  overBytes: number;
  smaller: ExportDelivery;
  /** The bucket's KMS key, when objects must name it. */
  kmsKeyId?: string | undefined;
  linkSeconds?: number;
}

export class S3ExportDelivery implements ExportDelivery {
  constructor(private readonly o: S3ExportOptions) {}

  async deliver(request: AccessRequest, file: RunFile) {
    if (file.bytes <= this.o.overBytes) return this.o.smaller.deliver(request, file);
    const key = `exports/${request.id}/${file.name}`;
    try {
      await new Upload({
        client: this.o.client,
        params: {
          Bucket: this.o.bucket,
          Key: key,
          Body: createReadStream(file.path),
          ContentType: file.gzip
            ? 'application/gzip'
            : file.name.endsWith('.tsv')
              ? 'text/tab-separated-values'
              : 'text/csv',
          ServerSideEncryption: 'aws:kms',
          ...(this.o.kmsKeyId ? { SSEKMSKeyId: this.o.kmsKeyId } : {}),
          Metadata: { 'drawbridge-request': request.id, sha256: file.sha256 },
        },
      }).done();
    } catch (e) {
      throw new DependencyError('s3.upload', `cannot upload the export of ${request.id}`, { cause: e });
    }
    const link = await getSignedUrl(
      this.o.client,
      new GetObjectCommand({ Bucket: this.o.bucket, Key: key }),
      { expiresIn: Math.min(this.o.linkSeconds ?? MAX_LINK_SECONDS, MAX_LINK_SECONDS) },
    );
    return { deliveredTo: 's3' as const, link };
  }
}
