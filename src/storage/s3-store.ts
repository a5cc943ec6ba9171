import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Config } from '../config.js';
import type { EvidenceStore } from './evidence-store.js';
import { sealedStore, type Blobs } from './sealed-store.js';
import { HEADER_SIZE } from './segments.js';

/** The S3 part of the configuration (EVIDENCE_STORE=s3, S3_*). */
type S3Settings = Extract<Config['evidence']['store'], { kind: 's3' }>;

const isMissing = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode === 404;

/**
 * The evidence store on S3-compatible object storage (issue 12, decision 014), shared by several
 * processes: `objects/<sha256>` once stored, `incoming/<random>` while being written. Without
 * explicit credentials the SDK's own chain (environment, instance role) applies. Creates the
 * bucket only when it is missing (a local S3 server in tests and development); any other answer
 * (no permission, say) stops the start.
 */
export async function openS3Store(settings: S3Settings, key: Buffer): Promise<EvidenceStore> {
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials:
      settings.accessKeyId && settings.secretAccessKey
        ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
        : undefined,
  });
  const Bucket = settings.bucket;
  await client.send(new HeadBucketCommand({ Bucket })).catch(async (error: unknown) => {
    if (!isMissing(error)) throw error;
    await client.send(new CreateBucketCommand({ Bucket }));
  });
  const objectKey = (address: string) => `objects/${address}`;
  const getObject = (address: string, range?: string) =>
    client.send(new GetObjectCommand({ Bucket, Key: objectKey(address), Range: range }));

  const exists = (Key: string) =>
    client.send(new HeadObjectCommand({ Bucket, Key })).then(
      () => true,
      (error: unknown) => {
        if (isMissing(error)) return false;
        throw error;
      },
    );

  const blobs: Blobs = {
    kind: 's3',
    async write(stored, addressOf) {
      const temporary = `incoming/${randomBytes(16).toString('hex')}`;
      // The body fails on abort (seal.ts), not `upload.abort()`: the upload then finishes its own
      // clean-up (its parts aborted) before `done()` rejects, so nothing is still being written
      // when the temporary object is deleted below.
      const body = Readable.from(stored);
      let cause: unknown;
      body.once('error', (error) => (cause = error));
      try {
        // Two parts of 5 MiB in flight at most: the memory S3's smallest part size allows.
        const upload = new Upload({ client, params: { Bucket, Key: temporary, Body: body }, queueSize: 2 });
        // The body's own failure (too large, aborted, the source's error) is the one to report,
        // not a failure of the clean-up it caused.
        await upload.done().catch((error: unknown) => {
          throw cause ?? error;
        });
        const final = objectKey(await addressOf());
        if (await exists(final)) return false;
        // A copy that fails because another put of the same bytes is copying at the same moment
        // (s3rver does) is no failure: the object is there.
        return await client.send(new CopyObjectCommand({ Bucket, Key: final, CopySource: `${Bucket}/${temporary}` })).then(
          () => true,
          async (error: unknown) => {
            if (await exists(final)) return false;
            throw error;
          },
        );
      } finally {
        await client.send(new DeleteObjectCommand({ Bucket, Key: temporary }));
      }
    },
    async head(address) {
      const answer = await getObject(address, `bytes=0-${HEADER_SIZE - 1}`).catch((error: unknown) => {
        if (isMissing(error)) return null;
        throw error;
      });
      if (!answer) return null;
      const header = Buffer.from(await answer.Body!.transformToByteArray());
      const total = /\/(\d+)$/.exec(answer.ContentRange ?? '')?.[1];
      return { header, length: total === undefined ? header.length : Number(total) };
    },
    async read(address, start, end) {
      const answer = await getObject(address, `bytes=${start}-${end}`);
      return answer.Body as Readable;
    },
    async remove(address) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: objectKey(address) }));
    },
    async whole(address) {
      const answer = await getObject(address);
      return Buffer.from(await answer.Body!.transformToByteArray());
    },
  };
  return sealedStore(blobs, key);
}
