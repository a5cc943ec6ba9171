import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, referralIn } from './factories.js';
import { createTestApp, type TestApp, type TestUser } from './harness.js';
import { eventually, evidenceRows, sha256Of } from './evidence-support.js';
import { makeMedia } from './media.js';
import { startMediaServer, type MediaServer } from './media-server.js';
import { temporaryDir } from './processes.js';

/**
 * Issue 12 points 1 and 6: captures from a URL, fetched by the background job from a local media
 * server (CAPTURE_ALLOWED_HOSTS is 127.0.0.1 in the tests; `localhost` stays blocked, which proves
 * the address guard end to end).
 */
describe('URL captures (SOP 9.1)', () => {
  let t: TestApp;
  let server: MediaServer;
  let operative: TestUser;
  const media = temporaryDir('rd-evidence-url-');
  let clip: Buffer;

  beforeAll(async () => {
    t = await createTestApp({ jobs: 'work' });
    ({ operative } = await castOf(t, { operative: { displayName: 'Dev Okafor', roles: ['operative'] } }));
    const file = await makeMedia(media.dir, 'clip.mp4', 'mp4', 2);
    clip = fs.readFileSync(file);
    server = await startMediaServer({ 'clip.mp4': file });
  });
  afterAll(async () => {
    await t?.close();
    await server?.close();
    media.remove();
  });

  /** Requests a capture of `url` and waits for the job to end it. */
  async function captured(url: string) {
    const r = await referralIn(t, 'in_review', { people: { operative } });
    const api = await t.api(operative);
    const asked = await api.post(`/api/v1/referrals/${r.id}/captures`, { sourceUrl: url });
    expect(asked.status).toBe(202);
    expect(asked.json).toMatchObject({ status: 'pending', sha256: null, source: { kind: 'url', url } });
    const done = await eventually(async () => {
      const c = (await api.get(`/api/v1/referrals/${r.id}/captures/${asked.json.id}`)).json;
      return c.status !== 'pending' && c;
    }, `the capture of ${url}`);
    return { r, done };
  }

  it('downloads direct media, with its hash, the tool and where it came from', async () => {
    const { done } = await captured(server.url('/files/clip.mp4'));
    expect(done).toMatchObject({
      status: 'stored',
      sha256: sha256Of(clip),
      size: clip.length,
      mediaType: 'video/mp4',
      source: { kind: 'url', tool: 'http', toolVersion: `node/${process.versions.node}` },
    });
    expect(done.capturedAt).not.toBeNull();
    expect(done.source.metadata.finalUrl).toBe(server.url('/files/clip.mp4'));
  });

  it('follows redirects, checking each one', async () => {
    const { done } = await captured(server.url('/chain/3/files/clip.mp4'));
    expect(done.status).toBe('stored');
    expect(done.sha256).toBe(sha256Of(clip));
    const blocked = await captured(server.url(`/redirect?to=${encodeURIComponent(`http://localhost:${server.port}/files/clip.mp4`)}`));
    expect(blocked.done.status).toBe('failed');
    expect(blocked.done.error).toMatch(/loopback|may not reach/i);
  });

  it('captures a page with a video through yt-dlp, keeping what yt-dlp said of it', async () => {
    const page = server.url(`/page?src=${encodeURIComponent('files/clip.mp4')}&title=${encodeURIComponent('Drill – Zed Block diss')}`);
    const { done } = await captured(page);
    expect(done).toMatchObject({ status: 'stored', sha256: sha256Of(clip), source: { tool: 'yt-dlp' } });
    expect(done.source.toolVersion).toMatch(/^\d{4}\.\d{2}\.\d{2}/);
    // yt-dlp's generic extractor names the <video> it found this way.
    expect(done.source.metadata.extractor).toBe('html5');
  });

  it.each([
    ['a loopback address by name', (s: MediaServer) => `http://localhost:${s.port}/files/clip.mp4`, /loopback|may not reach/i],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/', /link-local|may not reach/i],
    ['a private network address', () => 'http://10.0.0.8/clip.mp4', /private|may not reach/i],
    ['IPv4 inside IPv6', () => 'http://[::ffff:127.0.0.1]/clip.mp4', /may not reach/i],
    [
      'a page whose video is on a blocked address',
      (s: MediaServer) => s.url(`/page?src=${encodeURIComponent(`http://localhost:${s.port}/files/clip.mp4`)}`),
      /may not reach|loopback/i,
    ],
    ['bytes that never come', (s: MediaServer) => s.url('/lying?claim=50000&send=10'), /\w+/],
  ])('fails %s with a reason, and keeps no bytes', async (_what, url, reason) => {
    const before = await evidenceRows(t);
    const { done } = await captured(url(server));
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(reason);
    expect(done.sha256).toBeNull();
    expect((await evidenceRows(t)).objects).toBe(before.objects);
  });

  it('records the request and its end in the audit log, never the address', async () => {
    const { done } = await captured(server.url('/files/clip.mp4?token=secret-in-query'));
    const entries = (await t.services.audit.list({ entity: 'capture', entityId: done.id }, 1, 10)).items;
    // The waiting reads are consultations; the capture itself is its request and its end.
    expect(
      entries
        .filter((e) => e.operation !== 'consult')
        .map((e) => e.operation)
        .sort(),
    ).toEqual(['alter', 'collect']);
    expect(JSON.stringify(entries)).not.toContain('secret-in-query');
  });
});
