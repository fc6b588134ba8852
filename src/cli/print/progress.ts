import type { ScanProgress } from '../../scan/types.js';

/**
 * A one-line progress bar with rate and ETA, redrawn in place on a terminal.
 * Only used when stderr is a TTY; in pipes nothing extra is written.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly width = 30,
  ) {}

  update(progress: ScanProgress, now = Date.now()): void {
    if (now - this.lastDraw < 100 && progress.completed < progress.planned) return;
    this.lastDraw = now;
    this.drawn = true;
    this.stream.write(`\r${formatProgress(progress, this.width)}\x1b[K`);
  }

  /** Clears the bar so the final report starts on a clean line. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}

export function formatProgress(progress: ScanProgress, width = 30): string {
  const fraction = progress.planned > 0 ? Math.min(1, progress.completed / progress.planned) : 1;
  const filled = Math.round(fraction * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  const percent = (fraction * 100).toFixed(1).padStart(5);
  const rate = `${formatCount(progress.ratePerSecond)}/s`;
  const eta = progress.etaSeconds === null ? 'ETA --' : `ETA ${formatDuration(progress.etaSeconds)}`;
  return `[${bar}] ${percent}%  ${formatCount(progress.completed)}/${formatCount(progress.planned)} probes  ${rate}  ${eta}  open ${progress.open}`;
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
