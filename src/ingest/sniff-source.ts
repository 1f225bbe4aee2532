import { sniffFormat } from '../core/parse/sniff';
import type { CoreIssue, FileFormat } from '../core/types';
import type { TextEncodingName } from '../core/parse/sniff';
import { gunzipStream } from './gunzip';
import { streamOf, textHead, type OpenedSource } from './source';

/** What the content says a source is. `format` null: refused, `issue` says why. */
export interface SourceSniff {
  format: FileFormat | null;
  compressed: 'gzip' | null;
  encoding?: TextEncodingName;
  issue?: CoreIssue;
}

/**
 * Decide the format from the content, the name being only a hint, inside gzip too: the
 * decompressed head is sniffed like a plain file, so binary data in a `.jsonl.gz` is refused
 * rather than read as JSONL. Leading whitespace is skipped before sniffing (as far as the
 * source allows: a File is read on, a URL only has its first 64 KB), so a file opening with
 * blank lines is judged by its first character.
 */
export async function sniffSource(source: OpenedSource): Promise<SourceSniff> {
  const name = source.info.name;
  const outer = sniffFormat(source.head, name, source.size);
  if (outer.compressed !== 'gzip') {
    const h = source.head;
    const blank = h.length > 0 && (h[0] === 32 || h[0] === 9 || h[0] === 10 || h[0] === 13 || h[0] === 0xef);
    if (!source.blob || outer.format === 'parquet' || outer.encoding || !blank) return outer;
    // The head opens with whitespace, maybe more than it holds: judge by what follows it.
    const t = await textHead(source.blob.stream());
    if (t.skipped === 0) return outer;
    if (t.head.length === 0) return sniffFormat(new Uint8Array(0), name, 0);
    const again = sniffFormat(t.head, name, t.ended ? t.head.length : undefined);
    return again.issue?.code === 'empty-file' ? { ...again, issue: { ...again.issue, message: `${name} holds only whitespace` } } : again;
  }
  const innerName = name.replace(/\.gz$/i, '');
  const raw = source.blob ? source.blob.stream() : streamOf(source.head);
  const inner = await textHead(gunzipStream(raw));
  if (inner.head.length === 0 && inner.skipped === 0) {
    return { format: null, compressed: 'gzip', issue: { code: 'truncated-gzip', message: `${name}: the gzip data is empty or corrupt`, where: { file: name } } };
  }
  if (inner.head.length === 0) {
    return { format: null, compressed: 'gzip', issue: { code: 'empty-file', message: `${name} holds only whitespace`, where: { file: name } } };
  }
  // The content decides; the name without .gz is only the tie-breaker sniffFormat uses anyway.
  const res = sniffFormat(inner.head, innerName, inner.ended ? inner.head.length : undefined);
  const issue = res.issue ? { ...res.issue, message: res.issue.message.replace(innerName, `${name} (decompressed)`) } : outer.issue;
  return { ...res, compressed: 'gzip', ...(issue ? { issue } : {}) };
}
