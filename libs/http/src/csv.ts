/**
 * RFC 4180 CSV, with a BOM so spreadsheet programs open the Chinese text as UTF-8. A text that a
 * spreadsheet would run as a formula (=, +, -, @ first) is quoted with a leading apostrophe: the
 * cells hold what units typed (OWASP: CSV injection).
 */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (value: string | number) => {
    const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return '\uFEFF' + [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
