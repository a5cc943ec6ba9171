import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from './csv.js';

describe('CSV (RFC 4180, with formula injection guarded)', () => {
  it.each([
    ['plain', 'tiktok', 'tiktok'],
    ['a comma', 'a,b', '"a,b"'],
    ['quotes, doubled', 'say "hi"', '"say ""hi"""'],
    ['a line break', 'two\nlines', '"two\nlines"'],
    ['a CRLF', 'two\r\nlines', '"two\r\nlines"'],
    ['curly quotes and accents, untouched', 'Siân’s “site”', 'Siân’s “site”'],
    ['a formula', '=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['a plus', '+44 7700 900123', "'+44 7700 900123"],
    ['a minus', '-2+3', "'-2+3"],
    ['an at', '@SUM(A1)', "'@SUM(A1)"],
    ['a leading tab', '\t=1', "'\t=1"],
    ['a leading CR', '\r=1', `"'\r=1"`],
    ['empty', '', ''],
  ])('writes %s as a field that reads back as text', (_name, value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it('writes numbers as they are, negative ones too (they are figures, not formulas)', () => {
    expect(csvField(0)).toBe('0');
    expect(csvField(-3)).toBe('-3');
  });

  it('writes the header and each record ending in CRLF', () => {
    expect(
      toCsv(
        ['figure', 'value'],
        [
          ['a,b', 1],
          ['c', 2],
        ],
      ),
    ).toBe('figure,value\r\n"a,b",1\r\nc,2\r\n');
    expect(toCsv(['only'], [])).toBe('only\r\n');
  });
});
