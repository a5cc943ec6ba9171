import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, referralIn } from './factories.js';
import { createTestApp, type Browser, type TestApp, type TestUser } from './harness.js';
import { eventually, multipart, sha256Of, type Part } from './evidence-support.js';
import { makeMedia } from './media.js';
import { temporaryDir } from './processes.js';

/** Issue 12 through the pages, as a person without JavaScript uses them (GOV.UK file upload). */
describe('evidence pages', () => {
  let t: TestApp;
  let people: Record<'operative' | 'sergeant' | 'inspector' | 'requester', TestUser>;
  const media = temporaryDir('rd-evidence-pages-');
  let mp4: Buffer;

  beforeAll(async () => {
    t = await createTestApp({ jobs: 'work' });
    people = await castOf(t, {
      operative: { displayName: 'Dev Okafor', roles: ['operative'] },
      sergeant: { displayName: 'Sgt Mia Ford', roles: ['sergeant'] },
      inspector: { displayName: 'Insp Joe Bann', roles: ['inspector'] },
      requester: { displayName: 'PC Ana Ruiz', roles: ['requester'] },
    });
    mp4 = fs.readFileSync(await makeMedia(media.dir, 'clip.mp4', 'mp4', 2));
  });
  afterAll(async () => {
    await t?.close();
    media.remove();
  });

  const inReview = () =>
    referralIn(t, 'in_review', { people: { operative: people.operative, sergeant: people.sergeant, requester: people.requester } });

  /** Posts the upload form as a browser does: multipart, its token in the action address. */
  async function postUpload(b: Browser, referralId: string, parts: Part[], token = b.csrf) {
    const { payload, contentType } = multipart(parts);
    return t.app.inject({
      method: 'POST',
      url: `/referrals/${referralId}/evidence/upload?_csrf=${encodeURIComponent(token)}`,
      headers: { cookie: b.cookieHeader, 'content-type': contentType },
      payload,
    });
  }

  it('uploads through the page, then lists the capture with its hash on the evidence and referral pages', async () => {
    const r = await inReview();
    const b = await t.browser(people.operative);
    const page = await b.get(`/referrals/${r.id}/evidence`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toMatch(/action="\/referrals\/[^"]+\/evidence\/upload\?_csrf=[^"]+"/);
    const res = await postUpload(b, r.id, [{ name: 'file', filename: 'Jayden drill.mp4', data: mp4 }]);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toMatch(new RegExp(`^/referrals/${r.id}/evidence\\?uploaded=`));
    const after = await b.get(res.headers.location!);
    expect(after.body).toContain('The file has been stored');
    expect(after.body).toContain(sha256Of(mp4));
    expect(after.body).toContain('Jayden drill.mp4');
    const referralPage = await b.get(`/referrals/${r.id}`);
    expect(referralPage.body).toContain(sha256Of(mp4));
    expect(referralPage.body).toContain('data-qa="evidence-link"');
  });

  it('refuses an upload without the form’s token (CSRF), and reads nothing of the file', async () => {
    const r = await inReview();
    const b = await t.browser(people.operative);
    await b.get(`/referrals/${r.id}/evidence`);
    const forged = await postUpload(b, r.id, [{ name: 'file', filename: 'a.mp4', data: mp4 }], 'forged-token');
    expect(forged.statusCode).toBe(403);
    const none = await postUpload(b, r.id, [{ name: 'file', filename: 'a.mp4', data: mp4 }], '');
    expect(none.statusCode).toBe(403);
    expect((await t.services.evidence.panel({ ...people.operative, ocu: null, unit: null }, r.id)).captures).toEqual([]);
  });

  it('shows a missing or empty file as an error on the page, linked to the field', async () => {
    const r = await inReview();
    const b = await t.browser(people.operative);
    await b.get(`/referrals/${r.id}/evidence`);
    const noFile = await postUpload(b, r.id, [{ name: 'file', filename: '', data: Buffer.alloc(0) }]);
    expect(noFile.statusCode).toBe(400);
    expect(noFile.body).toContain('govuk-error-summary');
    expect(noFile.body).toContain('href="#file"');
    expect(noFile.body).toContain('Select a file to upload');
    const b2 = await t.browser(people.operative);
    await b2.get(`/referrals/${r.id}/evidence`);
    const empty = await postUpload(b2, r.id, [{ name: 'file', filename: 'empty.mp4', data: Buffer.alloc(0) }]);
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('The selected file is empty');
  });

  it('asks for a URL capture, re-showing a bad address with its error', async () => {
    const r = await inReview();
    const b = await t.browser(people.operative);
    await b.get(`/referrals/${r.id}/evidence`);
    const bad = await b.post(`/referrals/${r.id}/evidence/url`, { sourceUrl: 'ftp://example.org/clip.mp4' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Only http and https addresses can be captured');
    expect(bad.body).toContain('value="ftp://example.org/clip.mp4"');
    const ok = await b.post(`/referrals/${r.id}/evidence/url`, { sourceUrl: 'http://localhost:9/clip.mp4' });
    expect(ok.statusCode).toBe(302);
    const listed = await b.get(ok.headers.location!);
    expect(listed.body).toContain('The capture has been requested');
    // localhost is not in CAPTURE_ALLOWED_HOSTS: the job records why it could not fetch it.
    const failed = await eventually(async () => {
      const p = await b.get(`/referrals/${r.id}/evidence`);
      return p.body.includes('Failed') && p.body;
    }, 'the capture to fail');
    expect(failed).toMatch(/loopback|private|may not/i);
  });

  it('shows one capture’s chain of custody, analysis, player, contact sheet and waveform, and the review page shows them too', async () => {
    const r = await inReview();
    const b = await t.browser(people.operative);
    await b.get(`/referrals/${r.id}/evidence`);
    const res = await postUpload(b, r.id, [{ name: 'file', filename: 'clip.mp4', data: mp4 }]);
    const captureId = new URL(res.headers.location!, 'http://x').searchParams.get('uploaded')!;
    const page = await eventually(async () => {
      const p = await b.get(`/referrals/${r.id}/evidence/${captureId}`);
      return p.body.includes('data-qa="contact-sheet"') && p;
    }, 'the analysis');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(sha256Of(mp4));
    expect(page.body).toContain('Dev Okafor');
    expect(page.body).toContain('h264, 320 × 240');
    expect(page.body).toContain(
      `<video class="app-evidence-player" controls preload="metadata" src="/api/v1/referrals/${r.id}/captures/${captureId}/content"`,
    );
    expect(page.body).toContain('data-qa="waveform"');
    const review = await b.get(`/referrals/${r.id}/review`);
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('data-qa="review-capture"');
    expect(review.body).toContain('Proposed from the analysis of the captured file: Video');
    // The content endpoint takes the session cookie, as the page's player does.
    const bytes = await t.app.inject({
      method: 'GET',
      url: `/api/v1/referrals/${r.id}/captures/${captureId}/content`,
      headers: { cookie: b.cookieHeader, range: 'bytes=0-99' },
    });
    expect(bytes.statusCode).toBe(206);
    expect(bytes.rawPayload.equals(mp4.subarray(0, 100))).toBe(true);
  });

  it('makes an evidence package from the page, recorded as a disclosure, downloadable from the banner', async () => {
    const r = await referralIn(t, 'referred', { people: { operative: people.operative, sergeant: people.sergeant } });
    const b = await t.browser(people.sergeant);
    await b.get(`/referrals/${r.id}/evidence`);
    await postUpload(b, r.id, [{ name: 'file', filename: 'clip.mp4', data: mp4 }]);
    const form = await b.get(`/referrals/${r.id}/evidence/package`);
    expect(form.statusCode).toBe(200);
    const captureId = /name="captureIds" type="checkbox" value="([^"]+)"/.exec(form.body)?.[1];
    expect(captureId).toBeDefined();
    const missing = await b.post(`/referrals/${r.id}/evidence/package`, { recipient: '', purpose: '', captureIds: captureId! });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Enter who the package is for');
    const made = await b.post(`/referrals/${r.id}/evidence/package`, {
      recipient: 'DC Priya Shah, Operation Larch (Trident)',
      purpose: 'Evidence for the investigation of the March stabbing',
      captureIds: captureId!,
    });
    expect(made.statusCode).toBe(302);
    const banner = await b.get(made.headers.location!);
    const link = /href="(\/api\/v1\/referrals\/[^"]+\/evidence-packages\/[^"]+)" data-qa="package-download"/.exec(banner.body)?.[1];
    expect(link).toBeDefined();
    const zip = await t.app.inject({ method: 'GET', url: link!, headers: { cookie: b.cookieHeader } });
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    expect(zip.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it('shows no evidence to a requester, and no capture forms to an inspector', async () => {
    const r = await inReview();
    const requester = await t.browser(people.requester);
    expect((await requester.get(`/referrals/${r.id}/evidence`)).statusCode).toBe(403);
    const own = await requester.get(`/referrals/${r.id}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).not.toContain('data-qa="evidence-link"');
    const operative = await t.browser(people.operative);
    const early = await operative.get(`/referrals/${r.id}/evidence/package`);
    expect(early.statusCode).toBe(200);
    expect(early.body).toContain('data-qa="no-handling"');
    expect(early.body).not.toContain('data-qa="make"');
    const inspector = await t.browser(people.inspector);
    const seen = await inspector.get(`/referrals/${r.id}/evidence`);
    expect(seen.statusCode).toBe(200);
    expect(seen.body).not.toContain('data-qa="upload-form"');
    expect(seen.body).not.toContain('data-qa="make-package"');
  });
});

/** Issue 12 point 7: a machine without ffmpeg, ffprobe or yt-dlp still takes uploads, and the page says what to install. */
describe('evidence without the media tools', () => {
  let t: TestApp;
  const media = temporaryDir('rd-evidence-no-tools-');
  beforeAll(async () => {
    t = await createTestApp({ jobs: 'work', tools: { ffmpeg: null, ffprobe: null, ytDlp: null, fpcalc: null } });
  });
  afterAll(async () => {
    await t?.close();
    media.remove();
  });

  it('says on the evidence page what is missing and what to install, stores an upload, and says why it was not analysed', async () => {
    const operative = await t.user(['operative']);
    const r = await referralIn(t, 'in_review', { people: { operative } });
    const b = await t.browser(operative);
    const page = await b.get(`/referrals/${r.id}/evidence`);
    expect(page.statusCode).toBe(200);
    const warnings = [...page.body.matchAll(/data-qa="missing-tool"/g)].length;
    expect(warnings).toBeGreaterThanOrEqual(2);
    expect(page.body).toContain('install the Debian package ffmpeg');
    expect(page.body).toContain('install the Debian package yt-dlp');
    const { payload, contentType } = multipart([
      { name: 'file', filename: 'clip.webm', data: fs.readFileSync(await makeMedia(media.dir, 'no-tools.webm', 'webm', 1)) },
    ]);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/referrals/${r.id}/captures`,
      headers: { ...(await t.bearer(operative)), 'content-type': contentType },
      payload,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().mediaType).toBe('video/webm');
    const api = await t.api(operative);
    const seen = await eventually(async () => {
      const c = (await api.get(`/api/v1/referrals/${r.id}/captures/${res.json().id}`)).json;
      return c.analysis.status !== 'pending' && c;
    }, 'the analysis to give up');
    expect(seen.analysis).toMatchObject({
      status: 'failed',
      error: 'ffmpeg is not installed on the server: install the Debian package ffmpeg',
    });
    // A platform page cannot be captured without yt-dlp, and the capture says so.
    const asked = await api.post(`/api/v1/referrals/${r.id}/captures`, { sourceUrl: 'https://www.youtube.com/watch?v=abcdefghijk' });
    const failed = await eventually(async () => {
      const c = (await api.get(`/api/v1/referrals/${r.id}/captures/${asked.json.id}`)).json;
      return c.status !== 'pending' && c;
    }, 'the capture to fail');
    expect(failed.error).toContain('yt-dlp is not installed');
  });
});
