import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMedia } from '../../test/media.js';
import { startMediaServer, type MediaServer } from '../../test/media-server.js';
import { CaptureFailed } from './capture-error.js';
import { download, type DownloadOptions } from './download.js';

let dir: string;
let clip: string;
let server: MediaServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'capture-download-'));
  clip = await makeMedia(dir, 'clip.mp4', 'mp4', 2);
  server = await startMediaServer({ 'clip.mp4': clip });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A sink as the evidence store is one: it hashes and counts what it is given. */
async function hashing(body: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

function options(over: Partial<DownloadOptions<{ sha256: string; size: number }>> = {}): DownloadOptions<{ sha256: string; size: number }> {
  return { sink: hashing, allowedHosts: ['127.0.0.1'], maxBytes: 10 * 1024 * 1024, timeoutMs: 20_000, idleTimeoutMs: 10_000, ...over };
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CaptureFailed);
  return (error as CaptureFailed).reason;
}

async function sha256Of(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

describe('download of direct media', () => {
  it('stores the exact bytes of the file through the sink, with its type, and reports progress', async () => {
    const progress: [number, number | undefined][] = [];
    const got = await download(server.url('/files/clip.mp4'), options({ onProgress: (b, t) => progress.push([b, t]) }));
    const size = (await readFile(clip)).length;
    expect(got.result).toEqual({ sha256: await sha256Of(clip), size });
    expect(got).toMatchObject({ finalUrl: server.url('/files/clip.mp4'), contentType: 'video/mp4', tool: 'http' });
    expect(got.toolVersion).toBe(`node/${process.versions.node}`);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual([size, size]);
    expect(progress.map(([b]) => b)).toEqual([...progress.map(([b]) => b)].sort((a, b) => a - b));
  });

  it('follows a chain of five redirects, absolute and relative, and says where it ended', async () => {
    const got = await download(server.url('/chain/5/files/clip.mp4'), options());
    expect(got.result.sha256).toBe(await sha256Of(clip));
    expect(got.finalUrl).toBe(server.url('/files/clip.mp4'));
  });

  it('refuses a sixth redirect', async () => {
    expect(await reasonOf(download(server.url('/chain/6/files/clip.mp4'), options()))).toBe('The address redirected more than 5 times');
  });

  it('refuses a redirect to localhost, which is not an allowed host, before connecting there', async () => {
    const before = server.requests.length;
    const to = encodeURIComponent(`http://localhost:${server.port}/files/clip.mp4`);
    const reason = await reasonOf(download(server.url(`/redirect?to=${to}`), options()));
    expect(reason).toMatch(/^The address resolves to a loopback address \((127\.0\.0\.1|::1)\), which captures may not reach$/);
    expect(server.requests.slice(before).map((r) => r.url)).toEqual([`/redirect?to=${to}`]);
  });

  it('reaches a name in the allowed list wherever it resolves', async () => {
    const got = await download(`http://localhost:${server.port}/files/clip.mp4`, options({ allowedHosts: ['localhost'] }));
    expect(got.result.sha256).toBe(await sha256Of(clip));
  });

  it('refuses a redirect to another scheme', async () => {
    const reason = await reasonOf(download(server.url(`/redirect?to=${encodeURIComponent('file:///etc/passwd')}`), options()));
    expect(reason).toBe('Only http and https addresses can be captured');
  });

  it('refuses localhost itself although it is the same machine as the allowed 127.0.0.1', async () => {
    const before = server.requests.length;
    const reason = await reasonOf(download(`http://localhost:${server.port}/files/clip.mp4`, options()));
    expect(reason).toMatch(/loopback address/);
    expect(server.requests.length).toBe(before);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'a link-local address (169.254.169.254)'],
    ['http://10.0.0.1/', 'a private network address (10.0.0.1)'],
    ['http://[::1]/', 'a loopback address (::1)'],
    ['http://[::ffff:127.0.0.1]/', 'a loopback address (::ffff:7f00:1)'],
    ['http://0.0.0.0/', 'an unspecified address (0.0.0.0)'],
    ['http://0x7f.1/', 'a loopback address (127.0.0.1)'],
    ['https://[fd00::1]:8443/', 'a private network address (fd00::1)'],
  ])('refuses %s without connecting', async (url, what) => {
    // Nothing listens on most of these; a refusal that came from connecting would say so instead.
    expect(await reasonOf(download(url, options({ allowedHosts: [] })))).toBe(
      `The address resolves to ${what}, which captures may not reach`,
    );
  });

  it.each(['ftp://127.0.0.1/clip.mp4', 'file:///etc/passwd', 'javascript:alert(1)', 'data:video/mp4;base64,AAAA'])(
    'refuses %s',
    async (url) => {
      expect(await reasonOf(download(url, options()))).toBe('Only http and https addresses can be captured');
    },
  );

  it('refuses credentials in the address', async () => {
    const before = server.requests.length;
    const reason = await reasonOf(download(`http://user:secret@127.0.0.1:${server.port}/files/clip.mp4`, options()));
    expect(reason).toBe('Addresses with a user name or password in them cannot be captured');
    expect(reason).not.toMatch(/secret/);
    expect(server.requests.length).toBe(before);
  });

  it('refuses at once a Content-Length above the cap, giving the sink nothing', async () => {
    let given = 0;
    const reason = await reasonOf(
      download(
        server.url('/big?bytes=5000000'),
        options({
          maxBytes: 1024 * 1024,
          sink: async (body) => {
            for await (const c of body) given += c.length;
            return { sha256: '', size: given };
          },
        }),
      ),
    );
    expect(reason).toBe('The server sent more than the 1 MiB limit');
    expect(given).toBe(0);
  });

  it('stops reading an endless body without a length at the cap, and hangs up', async () => {
    let given = 0;
    const reason = await reasonOf(
      download(
        server.url('/endless'),
        options({
          maxBytes: 300_000,
          sink: async (body) => {
            for await (const c of body) given += c.length;
            return { sha256: '', size: given };
          },
        }),
      ),
    );
    expect(reason).toBe('The server sent more than the 293 KiB limit');
    expect(given).toBeLessThanOrEqual(300_000);
    await expect.poll(() => server.openResponses()).toBe(0);
  });

  it('takes no more than a lying Content-Length says, and fails when it says more than arrives', async () => {
    const got = await download(server.url('/lying?claim=1000&send=5000000'), options({ maxBytes: 4096 }));
    expect(got.result.size).toBe(1000);
    expect(await reasonOf(download(server.url('/lying?claim=100000&send=5000'), options()))).toBe(
      'The connection closed before the whole file arrived',
    );
  });

  it('gives up on a server that stops sending, after the idle time-out', async () => {
    expect(await reasonOf(download(server.url('/stall?bytes=100'), options({ idleTimeoutMs: 300 })))).toBe(
      'No data arrived for 0.3 seconds',
    );
    expect(await reasonOf(download(server.url('/stall?headers=no'), options({ idleTimeoutMs: 300 })))).toBe(
      'No data arrived for 0.3 seconds',
    );
  });

  it('gives up after the overall time-out even while bytes trickle', async () => {
    const reason = await reasonOf(download(server.url('/endless'), options({ maxBytes: 2 ** 40, timeoutMs: 400, sink: slowSink })));
    expect(reason).toBe('Timed out after 0.4 seconds');
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const reason = await reasonOf(download(server.url('/stall?bytes=10'), options({ signal: controller.signal })));
    expect(reason).toBe('The capture was cancelled');
  });

  it('says what the server answered when it is not a success', async () => {
    expect(await reasonOf(download(server.url('/files/missing.mp4'), options()))).toBe('The server answered 404 Not Found');
  });
});

async function slowSink(body: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { sha256: '', size };
}
