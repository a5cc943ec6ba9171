import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

/** Issue 12: the evidence settings, each refused with the variable's name when wrong. */
describe('evidence configuration', () => {
  it('defaults to the file system, a 2 GiB limit, no allowed hosts and a generated key', () => {
    const { evidence } = loadConfig({});
    expect(evidence).toEqual({
      key: undefined,
      maxBytes: 2 * 1024 ** 3,
      store: { kind: 'fs' },
      captureAllowedHosts: [],
      captureTimeoutSeconds: 900,
    });
  });

  it('reads a key as 64 hex digits or base64 of 32 bytes, and refuses anything else', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ EVIDENCE_KEY: hex }).evidence.key).toEqual(Buffer.from(hex, 'hex'));
    expect(loadConfig({ EVIDENCE_KEY: Buffer.alloc(32, 7).toString('base64') }).evidence.key).toEqual(Buffer.alloc(32, 7));
    for (const bad of ['ab'.repeat(31), 'short', Buffer.alloc(16).toString('base64')])
      expect(() => loadConfig({ EVIDENCE_KEY: bad })).toThrow(/EVIDENCE_KEY: must be 32 bytes/);
  });

  it('takes the allowed capture hosts as a lower-cased list', () => {
    expect(loadConfig({ CAPTURE_ALLOWED_HOSTS: ' 127.0.0.1, Media.LAN ,,' }).evidence.captureAllowedHosts).toEqual([
      '127.0.0.1',
      'media.lan',
    ]);
  });

  it('needs a bucket for S3, and keeps the limit within what one S3 copy can move', () => {
    expect(() => loadConfig({ EVIDENCE_STORE: 's3' })).toThrow(ConfigError);
    expect(() => loadConfig({ EVIDENCE_STORE: 's3' })).toThrow(/S3_BUCKET/);
    expect(() => loadConfig({ EVIDENCE_STORE: 's3', S3_BUCKET: 'evidence', EVIDENCE_MAX_BYTES: String(6 * 1024 ** 3) })).toThrow(
      /EVIDENCE_MAX_BYTES/,
    );
    expect(loadConfig({ EVIDENCE_STORE: 's3', S3_BUCKET: 'evidence', S3_ENDPOINT: 'http://127.0.0.1:9000' }).evidence.store).toEqual({
      kind: 's3',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-2',
      bucket: 'evidence',
      accessKeyId: undefined,
      secretAccessKey: undefined,
      forcePathStyle: true,
    });
    expect(() => loadConfig({ EVIDENCE_STORE: 'disk' })).toThrow(/EVIDENCE_STORE/);
    expect(() => loadConfig({ EVIDENCE_MAX_BYTES: '0' })).toThrow(/EVIDENCE_MAX_BYTES/);
  });
});
