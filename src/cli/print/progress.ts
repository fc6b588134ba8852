import type { ScanProgress } from '../../scan/types.js';

/**
 * Progress on stderr.
 *
 * - On a terminal, ProgressBar: one line redrawn in place (`\r`, erase to the
 *   end of the line), never longer than the terminal is wide minus one column
 *   (a full-width line makes many terminals wrap, and the next redraw would
 *   then start a new line: bars stacking up). It reads the width at every draw
 *   and redraws at once when the terminal is resized; what does not fit is
 *   dropped, least useful first.
 * - Off a terminal (a pipe, a file, a Kubernetes Job's log), StatusLines: a
 *   plain status line every `everyMs`, as nmap's --stats-every does.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  private last: ScanProgress | null = null;
  private readonly onResize = (): void => {
    if (this.last) this.draw(this.last);
  };

  constructor(private readonly stream: NodeJS.WritableStream & { columns?: number; on?: NodeJS.EventEmitter['on'] }) {
    stream.on?.('resize', this.onResize);
  }

  /** The terminal's width now (80 when the stream does not say). */
  get columns(): number {
    const columns = this.stream.columns;
    return typeof columns === 'number' && columns > 0 ? columns : 80;
  }

  update(progress: ScanProgress, now = Date.now()): void {
    this.last = progress;
    if (now - this.lastDraw < 100 && progress.completed < progress.planned) return;
    this.lastDraw = now;
    this.draw(progress);
  }

  private draw(progress: ScanProgress): void {
    this.drawn = true;
    this.stream.write(`\r${formatProgress(progress, this.columns - 1)}\x1b[K`);
  }

  /** Clears the bar so the final report starts on a clean line. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }

  /** Clears the bar and stops following the terminal's width. */
  stop(): void {
    this.clear();
    this.last = null;
    (this.stream as NodeJS.EventEmitter).off?.('resize', this.onResize);
  }
}

/**
 * The bar's text in at most `width` characters: `[###...] 12.3%  123.4k/1.00M probes  9.9k/s  ETA 1m30s  open 42`;
 * as the width shrinks the bar narrows (to 10), then goes, then parts go, least useful first.
 */
export function formatProgress(progress: ScanProgress, width = 79): string {
  const fraction = progress.planned > 0 ? Math.min(1, progress.completed / progress.planned) : 1;
  const percent = `${(fraction * 100).toFixed(1)}%`;
  const counts = `${formatCount(progress.completed)}/${formatCount(progress.planned)}`;
  const rate = `${formatCount(progress.ratePerSecond)}/s`;
  const eta = progress.etaSeconds === null ? 'ETA --' : `ETA ${formatDuration(progress.etaSeconds)}`;
  const open = `open ${formatCount(progress.open)}`;
  // Richest first; each layout drops what matters least.
  const layouts = [
    [percent, `${counts} probes`, rate, eta, open],
    [percent, counts, rate, eta, open],
    [percent, counts, eta, open],
    [percent, eta, open],
    [percent, eta],
    [percent],
  ];
  // The words matter more than the bar: the richest text that fits, with a bar when there is room for one.
  for (const parts of layouts) {
    const text = parts.join('  ');
    const room = width - text.length - 1; // one space between the bar and the text
    if (room >= 12) {
      const inner = Math.min(30, room - 2);
      const filled = Math.round(fraction * inner);
      return `[${'#'.repeat(filled)}${'.'.repeat(inner - filled)}] ${text}`;
    }
    if (text.length <= width) return text;
  }
  return percent.slice(0, Math.max(0, width));
}

/** One line for logs: `portpick: 12.3% done, 123,456 of 1,000,000 probes, 9,876/s, 42 open, 10s elapsed, ETA 1m30s`. */
export function formatStatusLine(progress: ScanProgress, elapsedSeconds: number): string {
  const fraction = progress.planned > 0 ? Math.min(1, progress.completed / progress.planned) : 1;
  const group = (value: number): string => Math.round(value).toLocaleString('en-US');
  const eta = progress.etaSeconds === null ? 'ETA --' : `ETA ${formatDuration(progress.etaSeconds)}`;
  return (
    `portpick: ${(fraction * 100).toFixed(1)}% done, ${group(progress.completed)} of ${group(progress.planned)} probes, ` +
    `${group(progress.ratePerSecond)}/s, ${group(progress.open)} open, ${formatDuration(elapsedSeconds)} elapsed, ${eta}`
  );
}

/** Status lines off a terminal: the first after `everyMs`, then one every `everyMs`. */
export class StatusLines {
  private readonly startedMs: number;
  private nextMs: number;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly everyMs: number,
    now = Date.now(),
  ) {
    this.startedMs = now;
    this.nextMs = now + everyMs;
  }

  update(progress: ScanProgress, now = Date.now()): void {
    if (now < this.nextMs) return;
    while (this.nextMs <= now) this.nextMs += this.everyMs;
    this.stream.write(`${formatStatusLine(progress, (now - this.startedMs) / 1000)}\n`);
  }
}

export function formatCount(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value));
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

/**
 * Parses nmap's --stats-every value: a number of seconds, or a number with
 * `ms`, `s`, `m` or `h`. Null when the text is none of those.
 */
export function parseInterval(text: string): number | null {
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return Math.round(value * factor);
}
