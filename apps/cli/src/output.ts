import type { Command } from 'commander';

import type { CliIo } from './context.js';

/** One column of a human-readable table. */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/** Seconds as the shortest of `1d2h30m15s` parts, matching what `--clear-interval` accepts. */
export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}s`);
  return parts.join('');
}

/** A cell: dates as ISO-8601 UTC to the second, absent values as "-", booleans as yes/no. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  // Cells are single-line: a newline inside (e.g. a subject) would break the columns.
  return String(value).replace(/\s*\n\s*/g, ' ');
}

/** A plain, space-aligned table with a header row; `empty` is printed instead when there are no rows. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], empty: string): string {
  if (rows.length === 0) return `${empty}\n`;
  const cells = rows.map((row) => columns.map((c) => formatValue(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/**
 * Prints a command's result: one JSON document with `--json` (dates as ISO strings), else the
 * human text. Both forms are built by the caller so each command decides what a human needs.
 */
export function emit(io: CliIo, command: Command, json: unknown, human: string | (() => string)): void {
  if (wantsJson(command)) io.stdout(JSON.stringify(json, null, 2) + '\n');
  else {
    const text = typeof human === 'function' ? human() : human;
    io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/** `--json` given on the command itself or before the command group (`roombook --json user list`). */
export function wantsJson(command: Command): boolean {
  return command.optsWithGlobals<{ json?: boolean }>().json === true;
}

/** Adds the `--json` flag every leaf command carries. */
export function withJson(command: Command): Command {
  return command.option('--json', 'print one JSON document instead of text');
}
