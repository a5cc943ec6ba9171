import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { verifyPackage } from '../src/modules/evidence/evidence-package.js';
import { castOf, referralIn } from './factories.js';
import { createTestApp, type TestApp } from './harness.js';
import { eventually, evidenceRows, filesUnder, multipart, sha256Of, upload } from './evidence-support.js';
import { makeMedia } from './media.js';
import { temporaryDir } from './processes.js';

/**
 * Issue 12 point 2 end to end: the same journey on both back-ends (the file system under
 * DATA_DIR/evidence, and S3-compatible storage, as s3rver on loopback), the stored bytes holding no
 * plaintext, and an upload broken off half way leaving nothing.
 */
const MARKER = 'PLAINTEXT-MARKER-Jayden-Doe-2005-03-03-';

/** A back-end: its configuration, and every directory where its bytes end up on this machine. */
type Backend = {
  name: string;
  config: () => Promise<{ evidence: ReturnType<typeof loadConfig>['evidence']; dataDir: string; storedIn: string[] }>;
  stop: () => Promise<void>;
};

const scratch = temporaryDir('rd-evidence-storage-');
let s3: S3rver | undefined;

const backends: Backend[] = [
  {
    name: 'the file system',
    config: async () => {
      const dataDir = fs.mkdtempSync(path.join(scratch.dir, 'fs-'));
      return { dataDir, storedIn: [dataDir], evidence: loadConfig({ DATA_DIR: dataDir, CAPTURE_ALLOWED_HOSTS: '127.0.0.1' }).evidence };
    },
    stop: async () => {},
  },
  {
    name: 'S3 (s3rver)',
    config: async () => {
      const directory = fs.mkdtempSync(path.join(scratch.dir, 's3-'));
      s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
      const { port } = await s3.run();
      const dataDir = fs.mkdtempSync(path.join(scratch.dir, 'data-'));
      const env = {
        DATA_DIR: dataDir,
        EVIDENCE_STORE: 's3',
        S3_ENDPOINT: `http://127.0.0.1:${port}`,
        S3_BUCKET: 'referral-desk-evidence',
        S3_ACCESS_KEY_ID: 'S3RVER',
        S3_SECRET_ACCESS_KEY: 'S3RVER',
        CAPTURE_ALLOWED_HOSTS: '127.0.0.1',
      };
      return { dataDir, storedIn: [dataDir, directory], evidence: loadConfig(env).evidence };
    },
    stop: async () => void (await s3?.close()),
  },
];

afterAll(() => scratch.remove());

describe.each(backends)('evidence on $name', (backend) => {
  let t: TestApp;
  let mp4: Buffer;
  let storedIn: string[];

  beforeAll(async () => {
    const { dataDir, evidence, ...where } = await backend.config();
    storedIn = where.storedIn;
    t = await createTestApp({ jobs: 'work', config: { dataDir, evidence } });
    mp4 = fs.readFileSync(await makeMedia(scratch.dir, `clip-${backend.name.length}.mp4`, 'mp4', 2));
  });
  afterAll(async () => {
    await t?.close();
    await backend.stop();
  });

  it('uploads, analyses, plays back a range and packages, the package verifying', async () => {
    const { operative, sergeant } = await castOf(t, {
      operative: { displayName: 'Dev Okafor', roles: ['operative'] },
      sergeant: { displayName: 'Sgt Mia Ford', roles: ['sergeant'] },
    });
    const r = await referralIn(t, 'referred', { people: { operative, sergeant } });
    const up = await upload(t, operative, r.id, [{ name: 'file', filename: 'clip.mp4', data: mp4 }]);
    expect(up.status).toBe(201);
    const api = await t.api(operative);
    const analysed = await eventually(async () => {
      const c = (await api.get(`/api/v1/referrals/${r.id}/captures/${up.json.id}`)).json;
      return c.analysis.status === 'done' && c;
    }, 'the analysis');
    expect(analysed.analysis.hasContactSheet).toBe(true);
    const range = await t.app.inject({
      method: 'GET',
      url: `/api/v1/referrals/${r.id}/captures/${up.json.id}/content`,
      headers: { ...(await t.bearer(operative)), range: 'bytes=70000-70099' },
    });
    expect(range.statusCode).toBe(206);
    expect(range.rawPayload.equals(mp4.subarray(70_000, 70_100))).toBe(true);
    const made = await api.post(`/api/v1/referrals/${r.id}/evidence-packages`, { recipient: 'DC Priya Shah', purpose: 'Investigation' });
    expect(made.status).toBe(201);
    const zip = await t.app.inject({
      method: 'GET',
      url: `/api/v1/referrals/${r.id}/evidence-packages/${made.json.id}`,
      headers: await t.bearer(operative),
    });
    const file = path.join(scratch.dir, `${made.json.id}.zip`);
    fs.writeFileSync(file, zip.rawPayload);
    const report = await verifyPackage(file);
    expect(report.ok).toBe(true);
    expect(report.files[0]!.sha256).toBe(sha256Of(mp4));
  });

  it('keeps no plaintext: the stored bytes of a capture do not hold what was uploaded', async () => {
    const { operative } = await castOf(t, { operative: { displayName: 'Dev Okafor', roles: ['operative'] } });
    const r = await referralIn(t, 'in_review', { people: { operative } });
    const bytes = Buffer.from(MARKER.repeat(5_000));
    const up = await upload(t, operative, r.id, [{ name: 'file', filename: 'notes.txt', data: bytes }]);
    expect(up.status).toBe(201);
    // Every file the back-end wrote (objects, and the S3 server's own files), and nothing else the
    // app keeps on disk (the database is in memory in the tests), is searched for the marker.
    const files = storedIn.flatMap((dir) => filesUnder(dir).map((f) => path.join(dir, f)));
    expect(files.length).toBeGreaterThan(1);
    const total = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    expect(total).toBeGreaterThan(bytes.length);
    for (const f of files) {
      const content = fs.readFileSync(f);
      expect(content.includes(Buffer.from('PLAINTEXT-MARKER')), f).toBe(false);
      expect(content.includes(Buffer.from('Jayden')), f).toBe(false);
    }
  });
});

describe('an upload broken off half way', () => {
  it('leaves no row and no object or temporary file', async () => {
    const dataDir = fs.mkdtempSync(path.join(scratch.dir, 'cut-'));
    const t = await createTestApp({ config: { dataDir } });
    try {
      const operative = await t.user(['operative']);
      const r = await referralIn(t, 'in_review', { people: { operative } });
      const { token } = await t.services.users.createToken(null, operative.username);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as net.AddressInfo;
      const { payload, contentType } = multipart([{ name: 'file', filename: 'big.bin', data: Buffer.alloc(4 * 1024 * 1024, 3) }]);
      await new Promise<void>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(
            `POST /api/v1/referrals/${r.id}/captures HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
              `Content-Type: ${contentType}\r\nContent-Length: ${payload.length}\r\n\r\n`,
          );
          // Half the body, then the connection is gone.
          socket.write(payload.subarray(0, payload.length / 2), () => setTimeout(() => socket.destroy(), 200));
        });
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
      await eventually(
        async () => filesUnder(path.join(dataDir, 'evidence')).every((f) => !f.includes('tmp')) || undefined,
        'the temporary file to go',
        40,
      );
      expect(await evidenceRows(t)).toEqual({ captures: 0, objects: 0 });
      expect(filesUnder(path.join(dataDir, 'evidence')).filter((f) => !f.endsWith('.key'))).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
