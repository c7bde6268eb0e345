import { toCsv } from './csv.js';

describe('toCsv', () => {
  it('writes RFC 4180 with a BOM, quoting what needs it', () => {
    expect(toCsv(['名称', '说明'], [['民政局', 'a,"b"'], ['x', 3]])).toBe('\uFEFF名称,说明\r\n民政局,"a,""b"""\r\nx,3\r\n');
  });

  it('keeps a text a spreadsheet would run as a formula from running (CSV injection)', () => {
    expect(toCsv(['a'], [['=HYPERLINK("http://x")'], ['+1'], ['-2+3'], ['@SUM(A1)'], ['2026-11-27'], [-5]])).toBe(
      '\uFEFFa\r\n"\'=HYPERLINK(""http://x"")"\r\n\'+1\r\n\'-2+3\r\n\'@SUM(A1)\r\n2026-11-27\r\n-5\r\n',
    );
  });
});
