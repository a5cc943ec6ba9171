import { describe, expect, it } from 'vitest';
import { proposedContentFormat } from './content-format.js';

const video = { codec: 'h264', width: 320, height: 240 };
const audio = { codec: 'aac', channels: 2, sampleRate: 48000 };

describe('proposedContentFormat (SOP 8.6.6)', () => {
  it('proposes video for a real video stream, with or without sound', () => {
    expect(proposedContentFormat({ container: 'mov', hasAudio: true, video, audio }, 'video/mp4')).toBe('video');
    expect(proposedContentFormat({ container: 'matroska,webm', hasAudio: false, video }, 'video/matroska')).toBe('video');
  });

  it('proposes audio for sound alone, whatever the container calls itself', () => {
    expect(proposedContentFormat({ container: 'mp3', hasAudio: true, audio }, 'audio/mpeg')).toBe('audio');
    expect(proposedContentFormat({ container: 'mov', hasAudio: true, audio }, 'video/mp4')).toBe('audio');
    expect(proposedContentFormat({ hasAudio: true }, 'audio/ogg')).toBe('audio');
  });

  it('proposes image for a picture, though ffprobe reports a one-frame video stream', () => {
    expect(proposedContentFormat({ container: 'png_pipe', hasAudio: false, video }, 'image/png')).toBe('image');
    expect(proposedContentFormat({}, 'image/heic')).toBe('image');
  });

  it('proposes text for text, and other for the rest or a failed analysis', () => {
    expect(proposedContentFormat({}, 'text/plain')).toBe('text');
    expect(proposedContentFormat({}, 'application/zip')).toBe('other');
    expect(proposedContentFormat({}, 'video/mp4')).toBe('other');
  });
});
