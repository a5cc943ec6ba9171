import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMedia } from '../../test/media.js';
import { startMediaServer, type MediaServer } from '../../test/media-server.js';
import { captureUrl, type CaptureOptions } from './capture.js';
import { CaptureFailed } from './capture-error.js';

type Hashed = { sha256: string; size: number };

let dir: string;
let clipSha256: string;
let server: MediaServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'capture-test-'));
  const clip = await makeMedia(dir, 'clip.mp4', 'mp4', 2);
  clipSha256 = createHash('sha256')
    .update(await readFile(clip))
    .digest('hex');
  server = await startMediaServer({ 'clip.mp4': clip });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function hashing(body: AsyncIterable<Uint8Array>): Promise<Hashed> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

function options(over: Partial<CaptureOptions<Hashed>> = {}): CaptureOptions<Hashed> {
  return {
    sink: hashing,
    allowedHosts: ['127.0.0.1'],
    maxBytes: 10 * 1024 * 1024,
    timeoutMs: 60_000,
    idleTimeoutMs: 20_000,
    ytDlpPath: 'yt-dlp',
    ...over,
  };
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CaptureFailed);
  return (error as CaptureFailed).reason;
}

/** What the media server was asked for while `act` ran. */
async function asked(act: () => Promise<unknown>): Promise<MediaServer['requests']> {
  const before = server.requests.length;
  await act();
  return server.requests.slice(before);
}

describe('captureUrl', () => {
  it('captures the video on a web page with yt-dlp, every request through the guard proxy, with its metadata', async () => {
    const progress: number[] = [];
    const page = server.url('/page?src=files/clip.mp4&title=A%20clip%20for%20review');
    let got: Awaited<ReturnType<typeof captureUrl<Hashed>>> | undefined;
    const requests = await asked(async () => {
      got = await captureUrl(page, options({ onProgress: (b) => progress.push(b) }));
    });
    expect(got).toMatchObject({ result: { sha256: clipSha256 }, finalUrl: page, contentType: 'video/mp4', tool: 'yt-dlp' });
    expect(got?.toolVersion).toMatch(/^\d{4}\.\d{2}\.\d{2}/);
    expect(got?.tool === 'yt-dlp' && got.metadata).toMatchObject({
      extractor: expect.any(String),
      webpage_url: page,
      title: expect.stringContaining('A clip for review'),
    });
    expect(progress.at(-1)).toBe(got?.result.size);
    // Our own GET saw the page; then yt-dlp fetched the page and the clip, and only through the proxy.
    const byYtDlp = requests.slice(1);
    expect(requests[0]).toEqual({ url: '/page?src=files/clip.mp4&title=A%20clip%20for%20review', via: undefined });
    expect(byYtDlp.map((r) => r.url)).toEqual(
      expect.arrayContaining(['/page?src=files/clip.mp4&title=A%20clip%20for%20review', '/files/clip.mp4']),
    );
    for (const r of byYtDlp) expect(r.via).toBe('1.1 referral-desk-capture');
  });

  it('fails a page whose video is on localhost with the guard reason, the video never fetched', async () => {
    const src = encodeURIComponent(`http://localhost:${server.port}/files/clip.mp4`);
    let reason = '';
    const requests = await asked(async () => {
      reason = await reasonOf(captureUrl(server.url(`/page?src=${src}`), options()));
    });
    expect(reason).toMatch(/^The address resolves to a loopback address \((127\.0\.0\.1|::1)\), which captures may not reach$/);
    expect(requests.map((r) => r.url)).not.toContain('/files/clip.mp4');
  });

  it('never lets a page point yt-dlp at a local file', async () => {
    let sinkCalled = false;
    const sink = async (body: AsyncIterable<Uint8Array>) => {
      sinkCalled = true;
      return hashing(body);
    };
    const page = server.url(`/page?src=${encodeURIComponent('file:///etc/passwd')}`);
    expect(await reasonOf(captureUrl(page, options({ sink })))).toMatch(/^yt-dlp/);
    expect(sinkCalled).toBe(false);
  });

  it('says when yt-dlp finds no video on a page', async () => {
    expect(await reasonOf(captureUrl(server.url('/page?title=Words'), options()))).toBe('yt-dlp found no video on the page');
  });

  it('fails a video on a page that is larger than the limit, keeping nothing', async () => {
    let sinkCalled = false;
    const reason = await reasonOf(
      captureUrl(
        server.url('/page?src=files/clip.mp4'),
        options({
          maxBytes: 10_000,
          sink: async (body) => {
            sinkCalled = true;
            return hashing(body);
          },
        }),
      ),
    );
    expect(reason).toMatch(/^The (video is larger than|server sent more than) the 9\.8 KiB limit$/);
    expect(sinkCalled).toBe(false);
  });

  it('without yt-dlp still downloads direct media, and fails pages saying what to install', async () => {
    const direct = await captureUrl(server.url('/files/clip.mp4'), options({ ytDlpPath: null }));
    expect(direct).toMatchObject({ result: { sha256: clipSha256 }, tool: 'http' });
    const install = 'yt-dlp is not installed: install the Debian package yt-dlp';
    expect(await reasonOf(captureUrl(server.url('/page?src=files/clip.mp4'), options({ ytDlpPath: null })))).toBe(install);
    const broken = captureUrl(server.url('/page?src=files/clip.mp4'), options({ ytDlpPath: path.join(dir, 'no-such-yt-dlp') }));
    expect(await reasonOf(broken)).toBe('yt-dlp could not be run: install the Debian package yt-dlp');
    // A platform's page goes to yt-dlp without a plain GET first (nothing leaves the machine here).
    expect(await reasonOf(captureUrl('https://www.youtube.com/watch?v=abc', options({ ytDlpPath: null })))).toBe(install);
  });

  it('gives a page that redirects the guard on every hop, then yt-dlp the final page', async () => {
    const to = encodeURIComponent('/page?src=files/clip.mp4');
    const got = await captureUrl(server.url(`/redirect?to=${to}`), options());
    expect(got).toMatchObject({ result: { sha256: clipSha256 }, tool: 'yt-dlp', finalUrl: server.url('/page?src=files/clip.mp4') });
  });

  it('stops yt-dlp at the overall time-out when the video stalls', async () => {
    const page = server.url(`/page?src=${encodeURIComponent('/stall?bytes=100')}`);
    expect(await reasonOf(captureUrl(page, options({ timeoutMs: 3_000 })))).toBe('Timed out after 3 seconds');
  });

  it('lets yt-dlp give up on a stalled video after its socket time-out', async () => {
    const page = server.url(`/page?src=${encodeURIComponent('/stall?bytes=100')}`);
    const reason = await reasonOf(captureUrl(page, options({ idleTimeoutMs: 1_000 })));
    expect(reason).toMatch(/^yt-dlp(: the server stopped answering| could not download the video from the page)$/);
  });
});
