// Text that people read in generated files (--help, README, status lines): aligned columns,
// Markdown tables, prices and config templates shown as written. Never shell: that is
// scripts/lib/shell/.
import type { Template } from './template-string.ts';

/**
 * Rows as aligned columns, two spaces in front and between. Every column but the last is as
 * wide as its widest cell, at most `widest` (a longer cell pushes its row out).
 */
export function columns(rows: readonly (readonly string[])[], widest = Number.POSITIVE_INFINITY): string[] {
  if (rows.length === 0) return [];
  const count = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: count }, (_, column) =>
    Math.min(widest, Math.max(...rows.map((row) => row[column]?.length ?? 0))),
  );
  return rows.map((row) =>
    `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}`.trimEnd(),
  );
}

/** A Markdown table, followed by a blank line; none at all without rows. */
export function markdownTable(
  headings: readonly string[],
  rows: readonly (readonly (string | number | undefined)[])[],
): string[] {
  if (rows.length === 0) return [];
  const cell = (text: string | number | undefined) =>
    String(text ?? '')
      .replace(/\|/g, '\\|')
      .replace(/\r?\n/g, ' ') || ' ';
  return [
    `| ${headings.join(' | ')} |`,
    `|${headings.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
  ];
}

/** A monthly price in cents as people write it: Free, $10/month, $12.50/month. */
export function price(cents: number | undefined): string {
  if (cents === undefined) return '';
  if (cents === 0) return 'Free';
  return `$${cents % 100 === 0 ? cents / 100 : (cents / 100).toFixed(2)}/month`;
}

/** A template as it is written in a config: `${NAME}` for variables, `$$` for a literal `$`. */
export function showTemplate(template: Template | undefined): string {
  return (template ?? [])
    .map((part) => ('variable' in part ? `\${${part.variable}}` : part.literal.replaceAll('$', '$$')))
    .join('');
}
