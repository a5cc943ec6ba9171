import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { seeded } from '../bench/random.js';

const run = promisify(execFile);

/**
 * Music made by ffmpeg for the recognition tests (issue 13 point 6: no shipped music). Each seed
 * gives a different track that differs as songs do: its own tempo, key, melody of random notes
 * with rests, timbre (harmonic weights and decay), bass line, drums and background noise; the same
 * seed always gives the same track.
 */

/**
 * A per-note pseudo-random number in [0, 1) inside the ffmpeg expression: `index` is the note's
 * number, `k` a constant drawn from the seed, so each track has its own sequence of notes.
 */
function hash(index: string, k: number): string {
  return `mod(sin(${index}*${k.toFixed(4)})*43758.5453,1)`;
}

/**
 * The `aevalsrc` expression of the track for `seed`: melody, bass, drums and noise. Each part is
 * computed once a sample into a variable (`st`/`ld`), which makes generation several times faster.
 */
function musicExpression(seed: number): string {
  const random = seeded(seed);
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  const beat = (30 / between(88, 152)).toFixed(5); // an eighth note at 88-152 beats a minute
  const root = between(180, 340); // the melody's lowest note, in Hz
  const [k1, k2, k3, k4] = [between(11, 97), between(11, 97), between(11, 97), between(11, 97)];
  const [h2, h3] = [between(0, 0.6).toFixed(3), between(0, 0.4).toFixed(3)]; // timbre: 2nd and 3rd harmonics
  const decay = between(2.5, 9).toFixed(2);
  const drums = between(0.08, 0.18).toFixed(3);
  const steps = [
    `st(0,floor(t/${beat}))`, // the melody's note number
    `st(1,2*PI*${root.toFixed(2)}*pow(2,floor(${hash('ld(0)', k1)}*15)/12)*t)`, // its phase
    `st(2,0.22*gt(${hash('ld(0)', k2)},0.15)*exp(-${decay}*(t-ld(0)*${beat})))`, // its loudness, with rests
    `st(3,2*PI*${(root / 2).toFixed(2)}*pow(2,floor(${hash(`floor(t/(4*${beat}))`, k3)}*8)/12)*t)`, // the bass, every half bar
    `st(4,2*${hash('n', k4 + 1000)}-1)`, // white noise from the sample number
    `ld(2)*(sin(ld(1))+${h2}*sin(2*ld(1))+${h3}*sin(3*ld(1)))+0.14*(sin(ld(3))+0.3*sin(2*ld(3)))` +
      `+${drums}*exp(-35*mod(t,2*${beat}))*ld(4)+0.015*ld(4)`,
  ];
  return steps.join(';');
}

/** Encodes the lavfi `source` as a 44.1 kHz MP3 at 128 kb/s to `out` (`extra`: options before the codec's). */
async function mp3(source: string, out: string, extra: string[], timeoutMs: number): Promise<string> {
  const input = ['-f', 'lavfi', '-i', source];
  await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...input, ...extra, '-c:a', 'libmp3lame', '-b:a', '128k', out], {
    timeout: timeoutMs,
  });
  return out;
}

/**
 * Writes the track for `seed`, `seconds` long, as a 44.1 kHz MP3 at 128 kb/s (the form a library
 * entry typically holds) to `dir/track-<seed>.mp3` and returns its path. The sound is computed at
 * 11,025 Hz, a quarter of the cost: that is the rate Chromaprint listens at.
 */
export function makeTrack(dir: string, seed: number, seconds: number): Promise<string> {
  const source = `aevalsrc=exprs='${musicExpression(seed)}':s=11025:d=${seconds}`;
  return mp3(source, path.join(dir, `track-${seed}.mp3`), ['-ar', '44100'], 120_000);
}

/** Silence or a pure tone, `seconds` long, as an MP3: things that must match no music. */
export function makePlain(dir: string, kind: 'silence' | 'tone', seconds: number): Promise<string> {
  const source = kind === 'silence' ? `anullsrc=r=44100:cl=mono:d=${seconds}` : `sine=frequency=440:sample_rate=44100:duration=${seconds}`;
  return mp3(source, path.join(dir, `${kind}.mp3`), ['-t', String(seconds)], 60_000);
}
