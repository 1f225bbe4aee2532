/**
 * Progress on stderr, so stdout stays the data (--pipe) or the result: a redrawn bar with rate and
 * ETA on a terminal, one JSON object per line with `--progress json` (for a scheduler's log or a
 * parent process), nothing with `--progress none` (the default when stderr is not a terminal).
 */
import { formatBytes, formatCount, formatDuration, type ProgressEvent } from '../core/rate';

export type ProgressMode = 'bar' | 'json' | 'none';

/** `auto` → a bar on a terminal, else none. */
export function progressMode(flag: string | undefined, isTty: boolean): ProgressMode {
  if (flag === 'json' || flag === 'none' || flag === 'bar') return flag;
  return isTty ? 'bar' : 'none';
}

const BAR_WIDTH = 24;
const BAR_MS = 100; // redraw at most 10 times a second
const JSON_MS = 1000; // a log line a second is plenty for a scheduler's log

/** The bar line for one event (no newline). Units are bytes when `bytes`, else rows. */
export function barLine(p: ProgressEvent, bytes: boolean): string {
  const frac = p.total ? Math.min(1, p.done / p.total) : undefined;
  const fill = frac === undefined ? 0 : Math.round(frac * BAR_WIDTH);
  const bar = `[${'#'.repeat(fill)}${'-'.repeat(BAR_WIDTH - fill)}]`;
  const amount = bytes ? `${formatBytes(p.done)}${p.total ? ` / ${formatBytes(p.total)}` : ''}` : `${formatCount(p.done)}${p.total ? ` / ${formatCount(p.total)}` : ''}`;
  const rate = p.rate ? ` ${bytes ? `${formatBytes(p.rate)}/s` : `${formatCount(p.rate)}/s`}` : '';
  const counts = p.counts ? Object.entries(p.counts).map(([k, v]) => ` ${k} ${formatCount(v)}`).join('') : '';
  const eta = p.eta !== undefined ? ` ETA ${formatDuration(p.eta)}` : '';
  return `${p.stage} ${bar} ${frac === undefined ? '' : `${(100 * frac).toFixed(0)}% `}${amount}${rate}${eta}${counts}`;
}

/** A progress sink writing to `out` (process.stderr) in `mode`. Call end() before printing anything else. */
export class Progress {
  private last = -Infinity; // the first event is always shown
  private drawn = false;

  constructor(private readonly mode: ProgressMode, private readonly out: { write(s: string): unknown } = process.stderr) {}

  /** Report an event; `bytes` says the units are bytes. Throttled. */
  update(p: ProgressEvent, bytes = false): void {
    if (this.mode === 'none') return;
    const now = performance.now();
    const final = p.total !== undefined && p.done >= p.total;
    if (!final && now - this.last < (this.mode === 'json' ? JSON_MS : BAR_MS)) return;
    this.last = now;
    if (this.mode === 'json') this.out.write(JSON.stringify({ type: 'progress', ...p, unit: bytes ? 'bytes' : 'rows' }) + '\n');
    else {
      this.out.write(`\r\x1b[2K${barLine(p, bytes)}`);
      this.drawn = true;
    }
  }

  /** A message line (a notice or the result) that must not be mixed into the bar. */
  note(message: string, fields: Record<string, unknown> = {}): void {
    this.end();
    if (this.mode === 'json') this.out.write(JSON.stringify({ type: 'note', message, ...fields }) + '\n');
    else this.out.write(message + '\n');
  }

  /** Finish the bar line. */
  end(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
