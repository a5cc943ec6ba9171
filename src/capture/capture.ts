/**
 * Capture from a URL (issue 12, point 1): direct media by a plain HTTP(S) download, pages by yt-dlp.
 * A known platform's address goes straight to yt-dlp; any other address is fetched, and when it
 * answers with a web page (text/html) yt-dlp is given the page's final address instead. Either way
 * every connection passes the address guard, and the bytes go to the caller's sink.
 */
import { checkUrl, hostOf } from './address-guard.js';
import { deliver, openGuarded, type Downloaded, type DownloadOptions } from './download.js';
import { Watch } from './watch.js';
import { captureWithYtDlp, type YtDlpCaptured } from './yt-dlp.js';

export type CaptureOptions<T> = DownloadOptions<T> & {
  /** The yt-dlp program from the tools finder, or null when it is not installed (pages then fail). */
  ytDlpPath: string | null;
};

export type Captured<T> = Downloaded<T> | YtDlpCaptured<T>;

/**
 * Platforms whose pages hold the video behind scripts: a plain GET would fetch the page, never the
 * video. A subdomain counts (m.youtube.com, vm.tiktok.com).
 */
const PLATFORM_HOSTS = [
  'youtube.com',
  'youtu.be',
  'tiktok.com',
  'instagram.com',
  'x.com',
  'twitter.com',
  'facebook.com',
  'fb.watch',
  'snapchat.com',
];

const PAGE_TYPES = new Set(['text/html', 'application/xhtml+xml']);

function isPlatformHost(host: string): boolean {
  return PLATFORM_HOSTS.some((p) => host === p || host.endsWith(`.${p}`));
}

/** Captures `url` into `options.sink`; throws a CaptureFailed with the reason when it cannot. */
export async function captureUrl<T>(url: string, options: CaptureOptions<T>): Promise<Captured<T>> {
  const watch = new Watch(options);
  try {
    const target = checkUrl(url, options.allowedHosts);
    if (isPlatformHost(hostOf(target))) return await captureWithYtDlp(target.href, options, watch);
    const opened = await openGuarded(target.href, options, watch);
    if (opened.contentType && PAGE_TYPES.has(opened.contentType)) {
      opened.response.destroy();
      return await captureWithYtDlp(opened.finalUrl, options, watch);
    }
    return await deliver(opened, options, watch);
  } finally {
    watch.dispose();
  }
}
