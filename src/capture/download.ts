/**
 * The plain HTTP(S) download for direct media (issue 12, point 1): GET through the address guard,
 * redirects followed by hand (at most 5, each target checked again: scheme, credentials, address),
 * an overall and an idle time-out, a size cap on the bytes received (a Content-Length is believed
 * only when it says too much), progress, and the body handed as a stream to the caller's sink (the
 * evidence store's `put`), never held whole in memory.
 */
import http from 'node:http';
import https from 'node:https';
import { checkUrl } from './address-guard.js';
import { CaptureFailed, formatBytes, refused } from './capture-error.js';
import { guardedLookup } from './guarded-connection.js';
import { Watch, type WatchLimits } from './watch.js';

/** Takes the body as it arrives and stores it; what it returns is the capture's `result`. */
export type Sink<T> = (body: AsyncIterable<Uint8Array>) => Promise<T>;

export type DownloadOptions<T> = WatchLimits & {
  sink: Sink<T>;
  /** CAPTURE_ALLOWED_HOSTS: hosts (as written in URLs) that may resolve to any address. */
  allowedHosts: readonly string[];
  /** More bytes than this fails the capture (EVIDENCE_MAX_BYTES). */
  maxBytes: number;
  /** Called as bytes arrive, with the total when the server said it. */
  onProgress?: (bytes: number, total?: number) => void;
};

export type Downloaded<T> = {
  result: T;
  /** Where the bytes came from after redirects (may hold a query string: store it, never log it). */
  finalUrl: string;
  /** The server's media type, lower-cased, without parameters; null when it sent none. */
  contentType: string | null;
  tool: 'http';
  /** The client that fetched it: `node/<version>`. */
  toolVersion: string;
};

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Downloads `url` into `options.sink`; throws a CaptureFailed with the reason when it cannot. */
export async function download<T>(url: string, options: DownloadOptions<T>): Promise<Downloaded<T>> {
  const watch = new Watch(options);
  try {
    return await deliver(await openGuarded(url, options, watch), options, watch);
  } finally {
    watch.dispose();
  }
}

/** A successful response after its redirects, its body not yet read. */
type Opened = { response: http.IncomingMessage; finalUrl: string; contentType: string | null; total?: number };

/**
 * GETs `url`, following at most 5 redirects, each checked again; answers the first 2xx response
 * whose declared size is within the cap. Used by `download` and by `captureUrl` to see whether
 * the address is a page (text/html) before anything is stored.
 */
export async function openGuarded(
  url: string,
  options: { allowedHosts: readonly string[]; maxBytes: number },
  watch: Watch,
): Promise<Opened> {
  let target = checkUrl(url, options.allowedHosts);
  for (let redirects = 0; ; redirects += 1) {
    const response = await request(target, options.allowedHosts, watch);
    const status = response.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      response.destroy();
      const location = response.headers.location;
      if (!location) throw new CaptureFailed(`The server answered ${status} without saying where to go`);
      if (redirects >= MAX_REDIRECTS) throw refused(`The address redirected more than ${MAX_REDIRECTS} times`);
      target = checkUrl(new URL(location, target), options.allowedHosts);
      continue;
    }
    if (status < 200 || status > 299) {
      response.destroy();
      throw new CaptureFailed(`The server answered ${status} ${http.STATUS_CODES[status] ?? ''}`.trim());
    }
    const declared = Number(response.headers['content-length']);
    const total = Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined;
    if (total !== undefined && total > options.maxBytes) {
      response.destroy();
      throw tooLarge(options.maxBytes);
    }
    return { response, finalUrl: target.href, contentType: mediaTypeOf(response.headers['content-type']), total };
  }
}

/** Hands an opened response's body to the sink: the end of a plain download. */
export async function deliver<T>(opened: Opened, options: DownloadOptions<T>, watch: Watch): Promise<Downloaded<T>> {
  return {
    result: await streamInto(opened, options, watch),
    finalUrl: opened.finalUrl,
    contentType: opened.contentType,
    tool: 'http',
    toolVersion: `node/${process.versions.node}`,
  };
}

/** Reads the body into the sink, counting bytes; stops reading the moment the cap is passed. */
async function streamInto<T>(
  opened: Opened,
  options: { sink: Sink<T>; maxBytes: number; onProgress?: (bytes: number, total?: number) => void },
  watch: Watch,
): Promise<T> {
  const { response, total } = opened;
  const failure: { reason?: CaptureFailed } = {};
  async function* body(): AsyncGenerator<Uint8Array> {
    let bytes = 0;
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > options.maxBytes) throw (failure.reason = tooLarge(options.maxBytes));
        watch.touch();
        options.onProgress?.(bytes, total);
        yield chunk;
      }
    } catch (error) {
      throw (failure.reason = watch.reason ?? (error instanceof CaptureFailed ? error : cutShort()));
    } finally {
      response.destroy();
    }
    if (total !== undefined && bytes < total) throw (failure.reason = cutShort());
  }
  const onAbort = () => response.destroy(watch.reason);
  watch.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await options.sink(body());
  } catch (error) {
    // The sink (the store) may wrap or replace the body's error; the reason is ours to give.
    throw failure.reason ?? watch.reason ?? error;
  } finally {
    watch.signal.removeEventListener('abort', onAbort);
    response.destroy();
  }
}

function request(url: URL, allowedHosts: readonly string[], watch: Watch): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, {
      // A fresh connection each time, made through the guard: no pooled socket skips the lookup.
      agent: false,
      lookup: guardedLookup(allowedHosts),
      signal: watch.signal,
      headers: { 'user-agent': 'referral-desk-capture', accept: '*/*', 'accept-encoding': 'identity' },
    });
    req.once('response', resolve);
    req.once('error', (error) => reject(watch.reason ?? (error instanceof CaptureFailed ? error : connectionFailure(error))));
  });
}

function connectionFailure(error: NodeJS.ErrnoException): CaptureFailed {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return new CaptureFailed('The server refused the connection');
  if (code === 'ECONNRESET' || code === 'EPIPE') return new CaptureFailed('The server closed the connection');
  if (/CERT|SSL|TLS/.test(code)) return new CaptureFailed("The server's TLS certificate could not be verified");
  return new CaptureFailed('The server could not be reached');
}

function cutShort(): CaptureFailed {
  return new CaptureFailed('The connection closed before the whole file arrived');
}

function tooLarge(maxBytes: number): CaptureFailed {
  return refused(`The server sent more than the ${formatBytes(maxBytes)} limit`);
}

function mediaTypeOf(header: string | undefined): string | null {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type || null;
}
