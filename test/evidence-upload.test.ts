import { sql } from 'drizzle-orm';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, referralIn } from './factories.js';
import { createTestApp, type TestApp, type TestUser } from './harness.js';
import { eventually, evidenceRows, filesUnder, multipart, sha256Of, upload } from './evidence-support.js';
import { makeMedia } from './media.js';
import { temporaryDir } from './processes.js';

/** Issue 12 points 1, 2, 3, 4 and 6 through the API (SOP 9.1): uploads, reading back, analysis, bad input. */
describe('evidence uploads (SOP 9.1)', () => {
  let t: TestApp;
  let people: Record<'operative' | 'other' | 'sergeant' | 'inspector' | 'requester', TestUser>;
  const media = temporaryDir('rd-evidence-media-');
  let mp4: Buffer;
  let mp3: Buffer;

  beforeAll(async () => {
    t = await createTestApp({ jobs: 'work', config: {} });
    people = await castOf(t, {
      operative: { displayName: 'Dev Okafor', roles: ['operative'] },
      other: { displayName: 'Sam Lee-Hughes', roles: ['operative'] },
      sergeant: { displayName: 'Sgt Mia Ford', roles: ['sergeant'] },
      inspector: { displayName: 'Insp Joe Bann', roles: ['inspector'] },
      requester: { displayName: 'PC Ana Ruiz', roles: ['requester'] },
    });
    mp4 = fs.readFileSync(await makeMedia(media.dir, 'clip.mp4', 'mp4', 3));
    mp3 = fs.readFileSync(await makeMedia(media.dir, 'tone.mp3', 'mp3', 2));
  });
  afterAll(async () => {
    await t?.close();
    media.remove();
  });

  const inReview = () => referralIn(t, 'in_review', { people: { operative: people.operative, sergeant: people.sergeant } });

  it('stores an upload under its SHA-256, reads the type from the bytes, and gives back the same bytes, whole or in ranges', async () => {
    const r = await inReview();
    const res = await upload(t, people.operative, r.id, [{ name: 'file', filename: 'drill-video.txt', data: mp4, type: 'text/plain' }]);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      referralId: r.id,
      status: 'stored',
      sha256: sha256Of(mp4),
      size: mp4.length,
      mediaType: 'video/mp4', // from the bytes, not from ".txt" or the part's Content-Type
      originalName: 'drill-video.txt',
      capturedBy: { id: people.operative.id, name: 'Dev Okafor' },
      source: { kind: 'upload' },
      duplicates: [],
      libraryMatches: [],
    });
    const base = `/api/v1/referrals/${r.id}/captures/${res.json.id}`;
    const api = await t.api(people.operative);
    const whole = await t.app.inject({ method: 'GET', url: `${base}/content`, headers: await t.bearer(people.operative) });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.rawPayload.equals(mp4)).toBe(true);
    for (const [start, end] of [
      [0, 0],
      [10, 19],
      [65_530, 65_545],
      [mp4.length - 5, mp4.length - 1],
    ] as const) {
      const part = await t.app.inject({
        method: 'GET',
        url: `${base}/content`,
        headers: { ...(await t.bearer(people.operative)), range: `bytes=${start}-${end}` },
      });
      expect(part.statusCode).toBe(206);
      expect(part.headers['content-range']).toBe(`bytes ${start}-${end}/${mp4.length}`);
      expect(part.rawPayload.equals(mp4.subarray(start, end + 1))).toBe(true);
    }
    const beyond = await t.app.inject({
      method: 'GET',
      url: `${base}/content`,
      headers: { ...(await t.bearer(people.operative)), range: `bytes=${mp4.length + 10}-` },
    });
    expect(beyond.statusCode).toBe(416);
    expect((await api.get(`/api/v1/referrals/${r.id}/captures`)).json.items.map((c: { id: string }) => c.id)).toEqual([res.json.id]);
  });

  it('analyses stored media in the background: metadata, a proposed format, a contact sheet and a waveform (SOP 9.1)', async () => {
    const r = await inReview();
    const { json } = await upload(t, people.operative, r.id, [{ name: 'file', filename: 'clip.mp4', data: mp4 }]);
    const api = await t.api(people.operative);
    const done = await eventually(async () => {
      const c = (await api.get(`/api/v1/referrals/${r.id}/captures/${json.id}`)).json;
      return c.analysis.status !== 'pending' && c;
    }, 'the analysis');
    expect(done.analysis).toMatchObject({
      status: 'done',
      hasAudio: true,
      video: { codec: 'h264', width: 320, height: 240 },
      audio: { codec: 'aac', channels: 1, sampleRate: 44100 },
      proposedContentFormat: 'video',
      hasContactSheet: true,
      hasWaveform: true,
    });
    expect(done.analysis.durationSeconds).toBeCloseTo(3, 0);
    for (const which of ['contact-sheet', 'waveform']) {
      const png = await t.app.inject({
        method: 'GET',
        url: `/api/v1/referrals/${r.id}/captures/${json.id}/${which}`,
        headers: await t.bearer(people.inspector),
      });
      expect(png.statusCode).toBe(200);
      expect(png.headers['content-type']).toBe('image/png');
      expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    }
    // Audio alone: no contact sheet, a waveform, proposed as audio.
    const audio = await upload(t, people.operative, r.id, [{ name: 'file', filename: 'tone.mp3', data: mp3 }]);
    const heard = await eventually(async () => {
      const c = (await api.get(`/api/v1/referrals/${r.id}/captures/${audio.json.id}`)).json;
      return c.analysis.status !== 'pending' && c;
    }, 'the audio analysis');
    expect(heard.mediaType).toBe('audio/mpeg');
    expect(heard.analysis).toMatchObject({ status: 'done', proposedContentFormat: 'audio', hasContactSheet: false, hasWaveform: true });
  });

  it('keeps bytes that are not media as evidence, with the analysis failed and why', async () => {
    const r = await inReview();
    const api = await t.api(people.operative);
    const cases = [
      { data: Buffer.from('Screenshot notes: @jd_drill posted at 21:14\n'), mediaType: 'text/plain' },
      { data: Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 1)]), mediaType: 'application/zip' },
      { data: mp4.subarray(0, 900), mediaType: 'video/mp4' },
    ];
    for (const c of cases) {
      const res = await upload(t, people.operative, r.id, [{ name: 'file', filename: 'x', data: c.data }]);
      expect(res.status).toBe(201);
      expect(res.json.mediaType).toBe(c.mediaType);
      const seen = await eventually(async () => {
        const got = (await api.get(`/api/v1/referrals/${r.id}/captures/${res.json.id}`)).json;
        return got.analysis.status !== 'pending' && got;
      }, 'the analysis');
      expect(seen.analysis.status).toBe('failed');
      expect(seen.analysis.error).toMatch(/\w+ \w+/);
      expect(seen.status).toBe('stored');
    }
  });

  it('stores the same bytes once and shows every other open referral holding them (deconfliction by content)', async () => {
    const first = await inReview();
    const second = await inReview();
    const bytes = Buffer.concat([mp3, Buffer.from('same-bytes-marker')]);
    const before = await evidenceRows(t);
    const a = await upload(t, people.operative, first.id, [{ name: 'file', filename: 'a.mp3', data: bytes }]);
    const b = await upload(t, people.operative, second.id, [{ name: 'file', filename: 'b.mp3', data: bytes }]);
    expect(a.json.sha256).toBe(b.json.sha256);
    expect(b.json.duplicates).toEqual([{ referralId: first.id, reference: first.reference }]);
    const after = await evidenceRows(t);
    expect(after.captures - before.captures).toBe(2);
    expect(after.objects - before.objects).toBe(1);
    const again = (await (await t.api(people.operative)).get(`/api/v1/referrals/${first.id}/captures/${a.json.id}`)).json;
    expect(again.duplicates).toEqual([{ referralId: second.id, reference: second.reference }]);
  });

  it('stores the same bytes sent at once by several people once, with one analysis job (parallel requests)', async () => {
    const referrals = await Promise.all([inReview(), inReview(), inReview(), inReview(), inReview()]);
    const bytes = Buffer.concat([mp3, Buffer.from(`parallel-${referrals[0]!.id}`)]);
    const before = await evidenceRows(t);
    const answers = await Promise.all(
      referrals.map((r) => upload(t, people.sergeant, r.id, [{ name: 'file', filename: 'same.mp3', data: bytes }])),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.json.sha256))).toEqual(new Set([sha256Of(bytes)]));
    const after = await evidenceRows(t);
    expect(after.captures - before.captures).toBe(5);
    expect(after.objects - before.objects).toBe(1);
    const { rows } = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from pgboss.job where name = 'evidence-analyse' and data->>'sha256' = ${sha256Of(bytes)}`,
    );
    expect(rows[0]!.n).toBe(1);
    expect(
      fs.readFileSync(
        path.join(t.config.dataDir, 'evidence', 'objects', sha256Of(bytes).slice(0, 2), sha256Of(bytes).slice(2, 4), sha256Of(bytes)),
      ).length,
    ).toBeGreaterThan(bytes.length);
  });

  it('keeps a hostile name only as escaped metadata, never as a path', async () => {
    const r = await inReview();
    const name = '../../etc/passwd\u0001\u202Egpj.exe';
    const res = await upload(t, people.operative, r.id, [{ name: 'file', filename: name, data: Buffer.from('not media at all') }]);
    expect(res.status).toBe(201);
    // The folders go (busboy keeps the base name: a Windows path could name the officer's account); the rest is escaped.
    expect(res.json.originalName).toBe('passwd\\u0001\\u202egpj.exe');
    const content = await t.app.inject({
      method: 'GET',
      url: `/api/v1/referrals/${r.id}/captures/${res.json.id}/content`,
      headers: await t.bearer(people.operative),
    });
    expect(content.headers['content-disposition']).toBe(`attachment; filename="${r.reference}-${res.json.sha256.slice(0, 12)}.txt"`);
    expect(content.headers['content-type']).toBe('application/octet-stream');
    expect(filesUnder(path.join(t.config.dataDir, 'evidence')).some((f) => f.includes('passwd'))).toBe(false);
  });

  describe('refuses bad uploads clearly and keeps nothing of them', () => {
    it.each([
      ['zero bytes', [{ name: 'file', filename: 'empty.mp4', data: Buffer.alloc(0) }], 'file', 'The selected file is empty'],
      ['no file part', [{ name: 'note', data: 'hello' }], 'file', 'Select a file to upload'],
      ['no parts at all', [], 'file', 'Select a file to upload'],
      ['a form sent with no file chosen', [{ name: 'file', filename: '', data: Buffer.alloc(0) }], 'file', 'Select a file to upload'],
      [
        'two file parts',
        [
          { name: 'file', filename: 'a.mp3', data: Buffer.from('first file') },
          { name: 'file', filename: 'b.mp3', data: Buffer.from('second') },
        ],
        'file',
        'Send one file only',
      ],
      [
        'a file under another name',
        [{ name: 'upload', filename: 'a.mp3', data: Buffer.from('bytes') }],
        'file',
        'Send the file in a part named file',
      ],
    ])('%s: 400 naming the field', async (_what, parts, field, message) => {
      const r = await inReview();
      const before = await evidenceRows(t);
      const res = await upload(t, people.operative, r.id, parts);
      expect(res.status).toBe(400);
      expect(res.json.fields).toEqual([{ path: field, message }]);
      expect(await evidenceRows(t)).toEqual(before);
    });

    it('an upload over EVIDENCE_MAX_BYTES: 413, no row and no object or temporary file', async () => {
      const small = await createTestApp({
        config: { dataDir: temporaryDir('rd-evidence-limit-').dir, evidence: { ...t.config.evidence, maxBytes: 1_000 } },
      });
      try {
        const [op] = [await small.user(['sergeant'])];
        const r = await referralIn(small, 'in_review');
        const res = await upload(small, op!, r.id, [{ name: 'file', filename: 'big.bin', data: Buffer.alloc(5_000, 7) }]);
        expect(res.status).toBe(413);
        expect(res.json.error).toMatch(/larger than the limit of 1000 bytes/);
        expect(await evidenceRows(small)).toEqual({ captures: 0, objects: 0 });
        expect(filesUnder(path.join(small.config.dataDir, 'evidence'))).toEqual([]);
        const fits = await upload(small, op!, r.id, [{ name: 'file', filename: 'fits.bin', data: Buffer.alloc(1_000, 7) }]);
        expect(fits.status).toBe(201);
      } finally {
        await small.close();
      }
    });

    it('a URL that is not http(s): 400 at sourceUrl; a body that is neither JSON nor multipart: 415', async () => {
      const r = await inReview();
      const api = await t.api(people.operative);
      for (const sourceUrl of ['ftp://example.org/a.mp4', 'file:///etc/passwd', 'javascript:alert(1)', '']) {
        const res = await api.post(`/api/v1/referrals/${r.id}/captures`, { sourceUrl });
        expect(res.status).toBe(400);
        expect(res.json.fields[0].path).toBe('sourceUrl');
      }
      const text = await t.app.inject({
        method: 'POST',
        url: `/api/v1/referrals/${r.id}/captures`,
        headers: { ...(await t.bearer(people.operative)), 'content-type': 'text/plain' },
        payload: 'https://www.youtube.com/watch?v=abcdefghijk',
      });
      expect(text.statusCode).toBe(415);
    });
  });

  describe('who may capture and read (SOP 9.1)', () => {
    it('the assignee and any sergeant capture; another operative and an inspector may not; a closed referral takes no more', async () => {
      const r = await inReview();
      const file = [{ name: 'file', filename: 'a.txt', data: Buffer.from(`who may capture ${r.id}`) }];
      expect((await upload(t, people.operative, r.id, file)).status).toBe(201);
      expect((await upload(t, people.sergeant, r.id, file)).status).toBe(201);
      const other = await upload(t, people.other, r.id, file);
      expect(other.status).toBe(403);
      expect(other.json.error).toMatch(/assigned/);
      expect((await upload(t, people.inspector, r.id, file)).status).toBe(403);
      expect((await upload(t, people.requester, r.id, file)).status).toBe(403);
      const closed = await referralIn(t, 'closed', { people: { operative: people.operative } });
      expect((await upload(t, people.sergeant, closed.id, file)).status).toBe(409);
      expect((await upload(t, people.operative, '6b3a1c52-1111-4111-8111-111111111111', file)).status).toBe(404);
    });

    it('requesters see no evidence at all; inspectors read it', async () => {
      const r = await inReview();
      const { json } = await upload(t, people.operative, r.id, [{ name: 'file', filename: 'x.txt', data: Buffer.from(`read ${r.id}`) }]);
      const requester = await t.api(people.requester);
      expect((await requester.get(`/api/v1/referrals/${r.id}/captures`)).status).toBe(403);
      expect((await requester.get(`/api/v1/referrals/${r.id}/captures/${json.id}/content`)).status).toBe(403);
      expect((await (await t.api(people.inspector)).get(`/api/v1/referrals/${r.id}/captures/${json.id}`)).status).toBe(200);
    });

    it('takes multipart on the API only with a bearer token: a session cookie could come from a cross-site form (decision 015)', async () => {
      const r = await inReview();
      const browser = await t.browser(people.operative);
      const { payload, contentType } = multipart([{ name: 'file', filename: 'a.txt', data: Buffer.from('cross-site?') }]);
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/referrals/${r.id}/captures`,
        headers: { cookie: browser.cookieHeader, 'content-type': contentType },
        payload,
      });
      expect(res.statusCode).toBe(403);
    });
  });

  it('records each upload as a collection, and each view as a consultation with its purpose (DPA 2018 s.62)', async () => {
    const r = await inReview();
    const { json } = await upload(t, people.operative, r.id, [{ name: 'file', filename: 'x.txt', data: Buffer.from(`audit ${r.id}`) }]);
    await t.app.inject({
      method: 'GET',
      url: `/api/v1/referrals/${r.id}/captures/${json.id}/content`,
      headers: await t.bearer(people.inspector),
    });
    // A player's later range of the same view is not another consultation.
    await t.app.inject({
      method: 'GET',
      url: `/api/v1/referrals/${r.id}/captures/${json.id}/content`,
      headers: { ...(await t.bearer(people.inspector)), range: 'bytes=5-' },
    });
    const entries = (await t.services.audit.list({ entity: 'capture', entityId: json.id }, 1, 50)).items;
    expect(entries.map((e) => e.operation).sort()).toEqual(['collect', 'consult']);
    const consult = entries.find((e) => e.operation === 'consult');
    expect(consult).toMatchObject({ purpose: 'Reviewing the referral’s evidence (SOP 9.1)' });
  });
});
