/**
 * A Markdown table of `rows` under `columns` ([title, cell(row)] pairs), each column as wide as its
 * widest cell, then the notes (if any) below it: the summaries the fault and compose suites print.
 */
export function markdownTable(columns, rows, notes = []) {
  const cells = rows.map((row) => columns.map(([, cell]) => String(cell(row))));
  const widths = columns.map(([title], i) => Math.max(title.length, ...cells.map((line) => line[i].length)));
  const line = (values) => `| ${values.map((value, i) => value.padEnd(widths[i])).join(' | ')} |`;
  const table = [line(columns.map(([title]) => title)), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)];
  return [...table, ...(notes.length > 0 ? ['', 'notes:', ...notes] : [])].join('\n');
}
