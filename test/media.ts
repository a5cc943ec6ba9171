import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Media made on the fly by ffmpeg for the tests (issue 12: no shipped media). */
export type MediaKind = 'mp4' | 'webm' | 'mp3' | 'wav' | 'mkv-video-only';

/**
 * Writes `seconds` of a test pattern with a tone (or the tone alone for audio kinds) to
 * `dir/name` and returns its path. Deterministic for the same arguments.
 */
export async function makeMedia(dir: string, name: string, kind: MediaKind, seconds = 3, frequency = 440): Promise<string> {
  const out = path.join(dir, name);
  const video = ['-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=15:duration=${seconds}`];
  const audio = ['-f', 'lavfi', '-i', `sine=frequency=${frequency}:sample_rate=44100:duration=${seconds}`];
  const args: Record<MediaKind, string[]> = {
    mp4: [
      ...video,
      ...audio,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-movflags',
      '+faststart',
      '-shortest',
    ],
    webm: [...video, ...audio, '-c:v', 'libvpx', '-deadline', 'realtime', '-c:a', 'libopus', '-shortest'],
    mp3: [...audio, '-c:a', 'libmp3lame', '-b:a', '128k'],
    wav: [...audio, '-c:a', 'pcm_s16le'],
    'mkv-video-only': [...video, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
  };
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args[kind], '-bitexact', out], { timeout: 60_000 });
  return out;
}
