/**
 * Human output (aligned tables, key/value lists, sats with separators) and `--json` output (one
 * JSON document: bigint as decimal strings, Dates as ISO strings, decimals as strings).
 */

/** Where the CLI writes: process.stdout/stderr, or a buffer in tests. */
export interface TextSink {
  write(text: string): unknown;
  /** True when it is a terminal (enables `\r` countdowns). */
  readonly isTTY?: boolean;
}

/** A column of {@link formatTable}. */
export interface Column {
  readonly header: string;
  /** Default is left; use right for amounts. */
  readonly align?: 'left' | 'right';
}

/** Serializes `value` as pretty JSON: bigint → decimal string, Date → ISO, big.js → its string. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

// String length in terminal columns, ignoring ANSI escapes (a good enough width for our ASCII tables).
// eslint-disable-next-line no-control-regex -- matching the ESC of ANSI colour codes is the point
const visibleLength = (text: string): number => [...text.replace(/\x1b\[[0-9;]*m/g, '')].length;

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * Formats rows under headers, columns separated by two spaces, trailing spaces trimmed.
 * @example formatTable([{ header: 'ID' }, { header: 'SAT', align: 'right' }], [['a', '1,000']])
 */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) =>
    Math.max(visibleLength(c.header), ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => pad(cells[i] ?? '', widths[i]!, c.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n') + '\n';
}

/** Formats `label  value` pairs with the values aligned. */
export function formatKeyValues(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...pairs.map(([k]) => visibleLength(k)));
  return pairs.map(([k, v]) => `${pad(k, width, 'left')}  ${v}`.trimEnd()).join('\n') + '\n';
}

/** 1234567n → '1,234,567'. */
export function groupDigits(value: bigint): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return negative ? `-${digits}` : digits;
}

/** Sats as `1,234 sat`. */
export function formatSat(sat: bigint): string {
  return `${groupDigits(sat)} sat`;
}

/** Msat as `1,234 sat`, or `1,234.567 sat` when not a whole sat. */
export function formatMsat(msat: bigint): string {
  const sat = msat / 1000n;
  const rest = (msat < 0n ? -msat : msat) % 1000n;
  return rest === 0n ? formatSat(sat) : `${groupDigits(sat)}.${rest.toString().padStart(3, '0')} sat`;
}

/** A Date as `2025-01-31 12:00:00Z` (UTC, seconds), or '-' for null. */
export function formatDate(date: Date | null | undefined): string {
  return date ? `${date.toISOString().slice(0, 19).replace('T', ' ')}Z` : '-';
}

/** Seconds as `1h 02m 03s`, `2m 05s` or `7s`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m ${String(sec).padStart(2, '0')}s`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/** `abcdef…` when longer than `max` characters. */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The printer one command uses: human text, or one JSON document with `--json`. */
export interface Printer {
  readonly json: boolean;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Prints `human()` in human mode, `toJson(data)` with `--json`. */
  result(data: unknown, human: () => string): void;
  /** A progress or status line for humans: stdout in human mode, stderr with `--json`. */
  info(line: string): void;
}

/** Creates the {@link Printer} for one run. */
export function createPrinter(options: {
  readonly json: boolean;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
}): Printer {
  const { json, stdout, stderr } = options;
  return {
    json,
    stdout,
    stderr,
    result(data, human) {
      stdout.write(json ? `${toJson(data)}\n` : human());
    },
    info(line) {
      (json ? stderr : stdout).write(`${line}\n`);
    },
  };
}
