import { describe, expect, it } from 'vitest';
import { metadataOf, reasonFromYtDlp } from './yt-dlp-output.js';

describe('metadataOf', () => {
  it('keeps only the allow-listed fields, bounded and without control characters', () => {
    const kept = metadataOf({
      id: 'abc',
      title: `A\u0000title\n${'x'.repeat(2000)}`,
      uploader: 'Someone',
      uploader_id: '@someone',
      upload_date: '20260101',
      webpage_url: 'https://www.example.com/v/abc',
      extractor: 'youtube',
      duration: 12.5,
      formats: [{ url: 'https://signed.example.com/?sig=secret' }],
      http_headers: { Cookie: 'session=1' },
      description: 'long text',
    });
    expect(Object.keys(kept).sort()).toEqual([
      'duration',
      'extractor',
      'id',
      'title',
      'upload_date',
      'uploader',
      'uploader_id',
      'webpage_url',
    ]);
    expect(kept.title).toHaveLength(500);
    expect(kept.title!.startsWith('A title ')).toBe(true);
    expect(kept.duration).toBe(12.5);
  });

  it('drops values of the wrong type', () => {
    expect(metadataOf({ id: 7, title: null, duration: '12', extractor: ['x'] })).toEqual({});
  });
});

describe('reasonFromYtDlp', () => {
  it.each([
    ['[download] File is larger than max-filesize (128023 bytes > 10000 bytes). Aborting.', 'The video is larger than the 9.8 KiB limit'],
    ['ERROR: Unsupported URL: http://127.0.0.1:1/page?q=name', 'yt-dlp found no video on the page'],
    [
      'ERROR: [youtube] abc: Private video. Sign in if you have been granted access',
      'The video can only be seen after signing in, which captures do not do',
    ],
    ['ERROR: [generic] page: Unable to download webpage: HTTP Error 404: Not Found', 'yt-dlp: the server answered 404'],
    [
      'ERROR: [generic] x: Something odd at https://example.com/a?name=Jane+Doe happened',
      'yt-dlp could not capture the page: Something odd at (an address) happened',
    ],
    [
      "ERROR: unable to download video data: [Errno 2] No such file or directory: '/tmp/capture-x/capture.unknown_video.part'",
      'yt-dlp could not download the video from the page',
    ],
    ["ERROR: [generic] x: Cannot write '/tmp/capture-x/Jane Doe.mp4'", 'yt-dlp could not capture the page: Cannot write (…)'],
    ['', 'yt-dlp left no video'],
  ])('reads %j', (output, reason) => {
    expect(reasonFromYtDlp(output, 10_000).reason).toBe(reason);
  });
});
