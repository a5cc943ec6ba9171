import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import yazl from 'yazl';

const run = promisify(execFile);

/** Media made on the fly by ffmpeg for the tests (issue 12: no shipped media). */
export type MediaKind = 'mp4' | 'webm' | 'mp3' | 'wav' | 'mkv-video-only' | 'mp4-portrait-stereo' | 'mp3-cover' | 'png';

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
    // Upright phone video with stereo sound at 48 kHz: the analysis must not assume the others' shape.
    'mp4-portrait-stereo': [
      ...['-f', 'lavfi', '-i', `testsrc2=size=360x640:rate=15:duration=${seconds}`],
      ...['-f', 'lavfi', '-i', `sine=frequency=${frequency}:sample_rate=48000:duration=${seconds}`],
      ...['-filter_complex', '[1:a]pan=stereo|c0=c0|c1=0.5*c0[a]', '-map', '0:v', '-map', '[a]'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'],
    ],
    // A song with cover art: the picture is a video stream that is not video.
    'mp3-cover': [
      ...audio,
      ...['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=1:duration=1', '-map', '0:a', '-map', '1:v'],
      ...['-c:a', 'libmp3lame', '-b:a', '128k', '-c:v', 'png', '-disposition:v', 'attached_pic', '-id3v2_version', '3'],
    ],
    png: ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=1', '-frames:v', '1', '-c:v', 'png'],
  };
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args[kind], '-bitexact', out], { timeout: 60_000 });
  return out;
}

/** The first `fraction` of `file`'s bytes in `dir/name`: an upload cut off part-way (issue 12 point 6). */
export async function truncatedCopy(file: string, dir: string, name: string, fraction = 0.5): Promise<string> {
  const bytes = await readFile(file);
  const out = path.join(dir, name);
  await writeFile(out, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return out;
}

/** A zip archive holding `inner` under its own name (issue 12 point 6: an archive is not media). */
export async function makeZip(dir: string, name: string, inner: string): Promise<string> {
  const out = path.join(dir, name);
  const zip = new yazl.ZipFile();
  zip.addFile(inner, path.basename(inner));
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(out));
  return out;
}
