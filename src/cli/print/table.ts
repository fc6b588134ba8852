/** Renders rows as an aligned plain-text table (no colours, so pipes stay clean). */
export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Longest a cell may be before it is cut with an ellipsis. */
  maxWidth?: number;
}

export function renderTable(columns: Column[], rows: string[][]): string {
  const cells = rows.map((row) => row.map((cell, i) => clip(cell, columns[i]?.maxWidth)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, i) => (columns[i]?.align === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function clip(text: string, maxWidth: number | undefined): string {
  if (maxWidth === undefined || text.length <= maxWidth) return text;
  return `${text.slice(0, Math.max(0, maxWidth - 1))}…`;
}
