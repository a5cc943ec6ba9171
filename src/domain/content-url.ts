/**
 * Pure rules about a content URL (SOP 8.3.5): is it a web address, which content does it name
 * (the deconfliction key), and does its host belong to the platforms chosen (SOP 8.3.6).
 */

/** SOP 8.3.5: a link a person can open; other schemes (ftp:, javascript:, data:) are refused. */
export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Sub-domains that show the same content as the bare host. */
const SAME_CONTENT_PREFIX = /^(www|m)\./;

/**
 * Query parameters that track who shared a link, not which content it names. Removing them lets
 * two requesters' copies of one link meet in deconfliction.
 */
const TRACKING_PARAM = /^(utm_.*|si|fbclid|gclid|igshid|igsh|mibextid|feature|_r|_t)$/i;

const YOUTUBE_HOSTS = new Set(['youtube.com', 'youtu.be', 'music.youtube.com', 'youtube-nocookie.com']);
const YOUTUBE_ID = /^[\w-]{6,20}$/;

const normaliseHost = (host: string) => host.toLowerCase().replace(/\.$/, '').replace(SAME_CONTENT_PREFIX, '');

/** The YouTube video id of youtu.be/ID, /watch?v=ID, /shorts/ID, /embed/ID or /live/ID. */
function youtubeId(host: string, u: URL): string | null {
  if (!YOUTUBE_HOSTS.has(host)) return null;
  const segments = u.pathname.split('/').filter(Boolean);
  let id: string | null | undefined = null;
  if (host === 'youtu.be') id = segments[0];
  else if (segments[0] === 'watch') id = u.searchParams.get('v');
  else if (segments[0] && ['shorts', 'embed', 'live', 'v'].includes(segments[0])) id = segments[1];
  return id && YOUTUBE_ID.test(id) ? id : null;
}

/**
 * The URL reduced to what identifies the content, for deconfliction (one open referral per piece
 * of content, SOP 8.1/8.2): scheme, fragment, `www.`/`m.`, a trailing slash and tracking
 * parameters are dropped; the host is lower-cased; remaining parameters are sorted. Paths keep
 * their case (YouTube ids are case-sensitive). Throws on a URL that does not parse.
 */
export function contentKey(value: string): string {
  const u = new URL(value.trim());
  const host = normaliseHost(u.hostname);
  const yt = youtubeId(host, u);
  if (yt) return `youtube.com/watch?v=${yt}`;
  const params = [...u.searchParams]
    .filter(([k]) => !TRACKING_PARAM.test(k))
    .sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)));
  const query = params.length ? `?${new URLSearchParams(params).toString()}` : '';
  const port = u.port ? `:${u.port}` : '';
  const path = u.pathname.replace(/\/+$/, '');
  return `${host}${port}${path}${query}`;
}

/** True when the host is one of the platform's hosts or a sub-domain of one (`www.` ignored). */
export function hostBelongsTo(host: string, platformHosts: readonly string[]): boolean {
  const h = normaliseHost(host);
  return platformHosts.some((p) => {
    const ph = normaliseHost(p);
    return h === ph || h.endsWith(`.${ph}`);
  });
}

/** SOP 8.3.6: does the URL's host belong to any of the chosen platforms? False for a URL that does not parse. */
export function urlMatchesPlatforms(value: string, platformHosts: readonly string[]): boolean {
  try {
    return hostBelongsTo(new URL(value).hostname, platformHosts);
  } catch {
    return false;
  }
}
