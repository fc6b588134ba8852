import { describe, expect, it } from 'vitest';
import { formatProgress, formatStatusLine, parseInterval, ProgressBar, StatusLines } from '../../src/cli/print/progress.js';
import type { ScanProgress } from '../../src/scan/types.js';

const big: ScanProgress = { completed: 123_456_789, planned: 4_294_967_296, open: 123_456, ratePerSecond: 187_654.3, etaSeconds: 22_222 };
const small: ScanProgress = { completed: 10, planned: 400, open: 1, ratePerSecond: 99, etaSeconds: null };

describe('progress bar text', () => {
  it('fits every width from 1 to 200 columns, keeping the most useful parts', () => {
    for (const progress of [big, small]) {
      for (let width = 1; width <= 200; width += 1) {
        const text = formatProgress(progress, width);
        expect(text.length, `${width}: ${text}`).toBeLessThanOrEqual(width);
        if (width >= 6) expect(text, `${width}`).toContain('%');
      }
    }
  });

  it('at 80 columns (79 usable) shows the bar and every part', () => {
    const text = formatProgress(big, 79);
    expect(text).toMatch(/^\[#*\.*\] 2\.9%  123\.46M\/4\.29G probes  187\.7k\/s  ETA 6h10m  open 123\.5k$/);
    expect(text.length).toBeLessThanOrEqual(79);
  });

  it('drops the least useful parts first as the terminal narrows', () => {
    expect(formatProgress(big, 70)).toBe('2.9%  123.46M/4.29G probes  187.7k/s  ETA 6h10m  open 123.5k');
    expect(formatProgress(big, 50)).toBe('2.9%  123.46M/4.29G  ETA 6h10m  open 123.5k');
    expect(formatProgress(big, 40)).toBe('2.9%  ETA 6h10m  open 123.5k');
    expect(formatProgress(big, 20)).toBe('2.9%  ETA 6h10m');
    expect(formatProgress(big, 12)).toBe('2.9%');
  });
});

describe('ProgressBar on a terminal', () => {
  const terminal = (columns: number) => {
    const writes: string[] = [];
    const listeners: Array<() => void> = [];
    const stream = {
      columns,
      write(text: string) {
        writes.push(text);
        return true;
      },
      on(event: string, listener: () => void) {
        if (event === 'resize') listeners.push(listener);
        return stream;
      },
      off() {
        return stream;
      },
    };
    return { stream, writes, resize: (to: number) => ((stream.columns = to), listeners.forEach((l) => l())) };
  };

  it('redraws one line in place, never wider than the terminal minus one column, and follows a resize', () => {
    const t = terminal(80);
    const bar = new ProgressBar(t.stream as unknown as NodeJS.WritableStream);
    bar.update(big, 1000);
    bar.update({ ...big, completed: big.completed + 1 }, 1200);
    t.resize(40);
    bar.clear();
    const draws = t.writes.filter((w) => w.length > 4);
    expect(draws).toHaveLength(3);
    for (const draw of draws) {
      expect(draw.startsWith('\r')).toBe(true);
      expect(draw.endsWith('\x1b[K')).toBe(true);
      expect(draw).not.toContain('\n');
    }
    expect(draws[0]!.length - 4).toBeLessThanOrEqual(79);
    expect(draws[2]!.length - 4).toBeLessThanOrEqual(39);
    expect(t.writes.at(-1)).toBe('\r\x1b[K');
  });
});

describe('status lines off a terminal', () => {
  it('writes one line every interval (the first after one interval), none before', () => {
    const lines: string[] = [];
    const stream = { write: (text: string) => lines.push(text) } as unknown as NodeJS.WritableStream;
    const status = new StatusLines(stream, 10_000, 0);
    status.update(small, 9_999);
    expect(lines).toEqual([]);
    status.update(small, 10_000);
    status.update(small, 15_000);
    status.update(small, 31_000);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('portpick: 2.5% done, 10 of 400 probes, 99/s, 1 open, 10s elapsed, ETA --\n');
  });

  it('formats big numbers with separators', () => {
    expect(formatStatusLine(big, 3600)).toBe('portpick: 2.9% done, 123,456,789 of 4,294,967,296 probes, 187,654/s, 123,456 open, 1h00m elapsed, ETA 6h10m');
  });

  it('parses --stats-every like nmap', () => {
    expect(parseInterval('10s')).toBe(10_000);
    expect(parseInterval('10')).toBe(10_000);
    expect(parseInterval('500ms')).toBe(500);
    expect(parseInterval('1.5m')).toBe(90_000);
    expect(parseInterval('2h')).toBe(7_200_000);
    expect(parseInterval('0')).toBe(0);
    expect(parseInterval('soon')).toBeNull();
    expect(parseInterval('-1s')).toBeNull();
  });
});
