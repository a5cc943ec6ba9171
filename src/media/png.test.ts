import { describe, expect, it } from 'vitest';
import { pngDimensions } from './png.js';

/** A PNG's signature and IHDR chunk (the chunk's CRC is not checked). */
function pngHead(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), ihdr]);
}

describe('pngDimensions', () => {
  it('reads the width and height from the header', () => {
    expect(pngDimensions(pngHead(1300, 736))).toEqual({ width: 1300, height: 736 });
    expect(pngDimensions(new Uint8Array(pngHead(1, 70000)))).toEqual({ width: 1, height: 70000 });
  });

  it('reads a PNG that sits inside a larger buffer', () => {
    const outer = Buffer.concat([Buffer.from('xxxx'), pngHead(12, 34)]);
    expect(pngDimensions(outer.subarray(4))).toEqual({ width: 12, height: 34 });
  });

  it('refuses what is not a PNG: empty, cut short, another signature, no IHDR first, zero size', () => {
    expect(pngDimensions(Buffer.alloc(0))).toBeNull();
    expect(pngDimensions(pngHead(10, 10).subarray(0, 23))).toBeNull();
    expect(pngDimensions(Buffer.concat([Buffer.from('GIF89a..'), pngHead(10, 10).subarray(8)]))).toBeNull();
    const noIhdr = pngHead(10, 10);
    noIhdr.write('IDAT', 12, 'latin1');
    expect(pngDimensions(noIhdr)).toBeNull();
    expect(pngDimensions(pngHead(0, 10))).toBeNull();
  });
});
