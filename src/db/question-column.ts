import { COL, columnKey } from '../core/batch';
import { openDb, type DatasetMeta, type DB } from './schema';

/**
 * Question parts read per IndexedDB request while streaming (a part is one ingest batch's
 * questions): the first part alone, so that the first hits come after one part, then 4 at a time
 * (~15 MB for a million short questions: what another request to IndexedDB may wait behind).
 */
const PARTS_PER_READ = 4;
/**
 * Characters of questions read from IndexedDB and not yet given out, at most: the groups are read
 * one after the other as fast as IndexedDB gives them, not as the caller takes them, up to this.
 * UTF-8 bytes: up to 3 per character.
 */
const READ_AHEAD_CHARS = 64_000_000;
/**
 * Questions of the read's first part given on their own, before the rest of that part: a search
 * typed as the dataset opens shows hits after these instead of after a whole part (a million
 * samples: 66,179 questions, ~45 ms of folding and scanning, and then cutting, on the 2-core VM).
 */
export const FIRST_QUESTIONS = 4096;

/** One stored part's questions, in sample order from sample `first`. */
export interface QuestionsPart {
  first: number;
  /**
   * Each question on its own: cut from `text` on first use, not before (the default search never
   * needs them for all-ASCII questions: a million cuts were ~55 ms of a search typed as the dataset
   * opened, and ~28 MB of strings, bench:open 2026-11-30).
   */
  readonly questions: string[];
  /** The part's questions one after the other, as decoded (what `questions` are cut from). */
  text: string;
  /** Each question's length (characters). */
  lens: Uint32Array;
  /** true: every character of `text` is ASCII (its UTF-8 is as long as it is); undefined: not known. */
  ascii?: boolean;
}

/** The stored questions of a dataset, part by part (see openQuestions). */
export interface QuestionColumn extends AsyncIterable<QuestionsPart> {
  /** Characters of all its questions (every part, also those before `from`). */
  chars: number;
}

/**
 * The samples' questions as stored at ingest (and by a re-map) in two columns of the dataset's
 * mapping version: `sample.questionChars` (each question's length) and `sample.questionText`
 * (each part's questions as UTF-8, one after the other). Reading them is what the default search
 * does on its first run; before them it parsed every record, thinking included (a million short
 * samples: 3.6 s on the 2-core VM, 2026-11-30; a long-CoT dataset: gigabytes).
 *
 * `from`: the first sample to read (a read stopped part way goes on there), 0 to the samples'
 * count; beyond it, RangeError. The read's first part comes in two pieces: its first
 * FIRST_QUESTIONS questions, then the rest.
 *
 * Its reading begins at once, up to `readAheadChars` ahead (see READ_AHEAD_CHARS). The column can
 * be iterated once.
 *
 * Resolves to undefined when the dataset has no such columns (ingested by a version before them)
 * or they do not cover every sample: the caller then reads the records, as before.
 */
export async function openQuestions(meta: DatasetMeta, db?: DB, from = 0, readAheadChars = READ_AHEAD_CHARS): Promise<QuestionColumn | undefined> {
  const d = db ?? (await openDb());
  const v = meta.mappingVersion;
  const charsName = columnKey(COL.questionChars, v);
  const textName = columnKey(COL.questionText, v);
  const lens = await d.getAll('columns', IDBKeyRange.bound([meta.id, charsName, -Infinity], [meta.id, charsName, Infinity]));
  let total = 0;
  for (const p of lens) total += p.data.length;
  if (total !== meta.resume.samples || lens.some((p) => !(p.data instanceof Uint32Array))) return undefined;
  let chars = 0;
  // Indexed loops, not for…of: a search typed as the dataset opens runs this before the code is
  // optimised, and iterating a million lengths through the iterator took ~40 ms there (bench:open).
  const partChars = new Map<number, number>();
  for (let i = 0; i < lens.length; i++) {
    const c = lens[i].data as Uint32Array;
    let sum = 0;
    for (let k = 0; k < c.length; k++) sum += c[k];
    partChars.set(lens[i].part, sum);
    chars += sum;
  }
  if (!(from >= 0 && from <= total)) throw new RangeError(`${meta.name}: the stored questions have no sample ${from}`);
  // The parts that end at or before `from`, and how many questions of the next one it skips.
  let skip = 0;
  let before = 0;
  while (skip < lens.length && before + lens[skip].data.length <= from) before += lens[skip++].data.length;
  const within = from - before;
  lens.splice(0, skip);
  // Groups of parts: the first part alone (the first hits come after it), then PARTS_PER_READ at a time.
  const groups: (typeof lens)[] = [];
  for (let i = 0, step = 1; i < lens.length; i += step, step = PARTS_PER_READ) groups.push(lens.slice(i, i + step));
  const read = (g: typeof lens) =>
    // A part whose questions were all empty stored no text: it is simply absent here.
    d.getAll('columns', IDBKeyRange.bound([meta.id, textName, g[0].part], [meta.id, textName, g[g.length - 1].part])).then((ps) => new Map(ps.map((p) => [p.part, p.data as Uint8Array])));
  // Groups are read ahead, up to readAheadChars of questions not yet given out, from the open on,
  // not the first step of the iteration: a column opened ahead of a search (SearchService.ready)
  // has its first parts read, or on their way, by the time the search comes.
  const groupChars = groups.map((g) => g.reduce((c, p) => c + partChars.get(p.part)!, 0));
  const reads: Array<ReturnType<typeof read> | undefined> = [];
  let asked = 0;
  let aheadChars = 0;
  let inFlight = false;
  // One request at a time, the next asked for as the last one lands: a queue of large reads would
  // hold every other request to IndexedDB up behind it (the dataset's record a search reads first
  // waited ~280 ms behind 60 MB asked for at once; the table's reads would too).
  const askAhead = (): void => {
    if (stopped || inFlight || asked >= groups.length) return;
    // At least the next group, whatever its size.
    if (aheadChars > 0 && aheadChars + groupChars[asked] > readAheadChars) return;
    const gi = asked++;
    aheadChars += groupChars[gi];
    inFlight = true;
    const r = read(groups[gi]);
    const landed = () => {
      inFlight = false;
      if (iterated) askAhead();
    };
    r.then(landed, landed); // a failed read is seen when its turn comes
    reads[gi] = r;
  };
  // Only the first group before the iteration begins: a column opened ahead of a search that has
  // not come yet must not keep IndexedDB busy (the search's own first request would wait behind it).
  let iterated = false;
  // The reader stopped (a superseded search or read-ahead, a damaged part): nothing more is read
  // (the rest of a million questions was, ~60 MB, for nobody, beside the next search's own read).
  let stopped = false;
  askAhead();
  return {
    chars,
    async *[Symbol.asyncIterator]() {
      if (iterated) throw new Error('openQuestions: a column is read once; open it again to read it again');
      iterated = true;
      askAhead();
      try {
        const decoder = new TextDecoder();
        let first = from;
        for (let gi = 0; gi < groups.length; gi++) {
          const texts = await reads[gi]!;
          reads[gi] = undefined;
          // IndexedDB reads the next groups while this one is decoded, cut and scanned.
          aheadChars -= groupChars[gi];
          askAhead();
          for (const p of groups[gi]) {
            const n = p.data as Uint32Array;
            const bytes = texts.get(p.part);
            const text = bytes ? decoder.decode(bytes) : '';
            const chars = partChars.get(p.part)!;
            if (chars !== text.length) throw new Error(`${meta.name}: stored questions of part ${p.part} hold ${text.length} characters, their lengths say ${chars}`);
            const ascii = (bytes?.length ?? 0) === text.length;
            // Pieces of the part: [k0, k1) questions each; the read's first part skips `within` and
            // gives its first FIRST_QUESTIONS on their own.
            const cuts = gi === 0 && p === groups[0][0] ? [within, Math.min(n.length, within + FIRST_QUESTIONS), n.length] : [0, n.length];
            let at = 0;
            for (let k = 0; k < cuts[0]; k++) at += n[k];
            for (let c = 0; c + 1 < cuts.length; c++) {
              const [k0, k1] = [cuts[c], cuts[c + 1]];
              if (k1 <= k0) continue;
              const start = at;
              for (let k = k0; k < k1; k++) at += n[k];
              const whole = k0 === 0 && k1 === n.length;
              // A piece of a part that is not all ASCII may be: FoldBuilder tests it (ascii undefined).
              yield questionsPart(first, whole ? text : text.slice(start, at), whole ? n : n.subarray(k0, k1), ascii || (whole ? false : undefined));
              first += k1 - k0;
            }
          }
        }
      } finally {
        stopped = true;
        reads.length = 0; // the texts read ahead are let go
      }
    },
  };
}

/** A part whose questions are cut from `text` by `lens` on first use (see QuestionsPart.questions). */
function questionsPart(first: number, text: string, lens: Uint32Array, ascii: boolean | undefined): QuestionsPart {
  let cut: string[] | undefined;
  return {
    first,
    text,
    lens,
    ascii,
    get questions(): string[] {
      if (!cut) {
        cut = new Array<string>(lens.length);
        for (let k = 0, at = 0; k < lens.length; k++) {
          cut[k] = text.slice(at, at + lens[k]);
          at += lens[k];
        }
      }
      return cut;
    },
  };
}
