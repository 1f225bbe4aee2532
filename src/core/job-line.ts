/**
 * The one status line of a job (features, model scores, export): what runs, how far, how fast,
 * how long left, and how it ended. Pure, so the wording is unit-tested: a line must never claim
 * a job is running after it stopped, nor leave "ETA —" where a finished job should say "done".
 */
import { formatCount, formatDuration, type ProgressEvent } from './rate';

export type JobOutcome = 'running' | 'done' | 'failed' | 'cancelled';

/**
 * `what`: the job's name ("Measuring"); `unit`: what `done` counts ("samples"); `elapsedMs`: time
 * since the job started (the caller's clock), used for the average rate of a finished job and
 * the elapsed time. `reason` is appended to a failed line.
 */
export function jobLine(what: string, p: ProgressEvent | undefined, outcome: JobOutcome, unit: string, elapsedMs?: number, reason?: string): string {
  const of = p ? `${formatCount(p.done)}${p.total !== undefined ? ` / ${formatCount(p.total)}` : ''} ${unit}` : '';
  const pct = p?.total ? ` (${Math.floor((100 * Math.min(p.done, p.total)) / p.total)}%)` : '';
  const secs = elapsedMs !== undefined ? elapsedMs / 1000 : undefined;
  if (outcome === 'running') {
    if (!p) return `${what}: starting…`;
    const rate = p.rate ? `${formatCount(p.rate)} ${unit}/s` : 'measuring the rate…';
    const eta = p.rate && p.total !== undefined ? ` · ETA ${formatDuration(p.eta ?? (p.total - p.done) / p.rate)}` : '';
    return `${what}: ${of}${pct} · ${rate}${eta}`;
  }
  if (outcome === 'done') {
    const avg = p && secs && secs > 0.05 ? ` (${formatCount(p.done / secs)} ${unit}/s)` : '';
    return `${what}: done · ${of || 'nothing to do'}${secs !== undefined ? ` in ${formatDuration(Math.max(secs, 1))}` : ''}${avg}`;
  }
  const at = of ? ` at ${of}${pct}` : '';
  if (outcome === 'cancelled') return `${what}: cancelled${at}; the finished part is kept`;
  return `${what}: failed${at}${reason ? ` — ${reason}` : ''}`;
}
