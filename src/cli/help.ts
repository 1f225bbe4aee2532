/** `--help` text of every command. */

const EXITS = `Exit codes: 0 done · 1 failed · 2 bad arguments · 3 the input is not a readable dataset ·
4 the recipe cannot be reproduced here (another file, a missing column, embeddings needed).
Progress goes to stderr: a bar on a terminal, JSON lines with --progress json, none with --progress none.
`;

export const HELP = {
  main: `thinksift — ThinkSift's recipes, measure, selection and export from the command line.

Usage: npx thinksift <command> [options]   (Node ≥ 20, from a clone after npm install)

Commands:
  select    reproduce a shared selection link on a file: same selection hash, same export bytes
  measure   measure a file (or one shard of it) into a Parquet part; --pipe: JSONL stdin → stdout
  merge     join measured parts (any number of shards), then select and export with a recipe
  score     the difficulty quantifier or perplexity/RSR of every sample → a score file (JSONL)
  embed     sentence embeddings of every sample → JSONL
  pairs     ThinkPO preference pairs (long vs short CoT), exported as the app does
  perturb   SkyThought perturbations of the selection, exported as the app does

Run thinksift <command> --help for its options.
${EXITS}`,
  select: `thinksift select --recipe LINK --in FILE [--out DIR] [options]

Reads FILE as the app does (JSONL, JSON, CSV, Parquet, gzipped or not), checks its SHA-256 against
the recipe's, measures what the recipe needs with the recipe's settings and field mapping, selects
with the app's code, prints {"selectionHash", "selected", …} on stdout, and with --out writes the
export and its manifest as the app's Export stage does (same file names, same bytes). A recipe with
"one per near-duplicate group" gets its groups computed here, as the app's Near-duplicates → Find
does ("nearDup": {"groups", "samplesInGroups"} in the summary); with --columns, the part must have
been measured with --recipe (or --near-dup[-thinking]). A recipe's manual marks (always / never
keep, by sample id) apply as in the app: "marks": {"kept", "never", "rejected", "unknown"} in the
summary, and stderr names each keep mark a filter drops and ids the file does not have.

  --recipe LINK        a ThinkSift link (https://…#r=…), "#r=…", or a recipe / manifest JSON file
  --in FILE            the dataset file the link was made on
  --out DIR            write the export here (else only the hash is printed)
  --format ID          trl-messages (default), trl-prompt-completion, llamafactory-alpaca,
                       llamafactory-sharegpt, openrlhf, axolotl-chat-template, original
  --style S            think-tags (default), sky, answer-only, original
  --file-type T        jsonl (default) or parquet
  --columns PART       use measured columns (from measure or merge) instead of measuring again
  --scores FILE        join precomputed scores (JSONL rows {"id": …, "<column>": number}, or a CSV /
                       Parquet with an id field; .gz too) by sample id, as the app imports them
  --embeddings FILE    this file's embeddings (thinksift embed output), for the DEITA filter and RDS+
  --validation-embeddings FILE   RDS+: the embeddings of the recipe's validation file
  --allow-other-file   select even when FILE is not the recipe's file (the hash will differ)
  --host URL           model host for a Hub tokenizer id (default: the Hugging Face Hub)
  --progress MODE      bar | json | none
${EXITS}`,
  measure: `thinksift measure --in FILE --out PART.parquet [--shard i/N] [feature settings]
thinksift measure --pipe [feature settings] < rows.jsonl > measured.jsonl

Measures every sample (tokens with the recipe's tokenizer, steps, rethinking words, boxed answer,
agreement, correctness) as the app's feature pass does. With --shard i/N only the records whose
index mod N is i are measured (every shard still reads the whole file, to number records); merge
joins the parts. --pipe reads JSONL rows on stdin and writes each row on stdout with a "thinksift"
field ({"samples": [{"id", features…}]}); a bad row is reported on stderr and written with
{"thinksift": {"error", "line"}} (and "raw" when it is not a JSON object): one line out per line in.

  --recipe LINK            take the feature settings and field mapping from a recipe (and its
                           near-duplicate settings when its "one per near-duplicate group" is on)
  --near-dup               also the app's model-free near-duplicate groups (MinHash, Jaccard over
                           the question): the part gets nd_text and, for a whole file, nd_group
                           (group id = first sample of the group) and nd_size; a shard keeps only
                           nd_text, and merge computes the groups over all shards
  --near-dup-thinking      compare the question and the thinking (implies --near-dup)
  --near-dup-threshold J   Jaccard from 0.5 to 1 (default 0.8, or the recipe's)
  --tokenizer ID           default thinksift/qwen3-tokenizer (bundled); or a Hub id
  --step-separator REGEX   default \\n\\s*\\n
  --rethink-words a,b,…    default: the app's list
  --name NAME              (--pipe) the file name sample ids are made with
  --host URL, --progress MODE
${EXITS}`,
  merge: `thinksift merge PART... [--out MERGED.parquet] [--recipe LINK [--in FILE --export DIR]]

Joins the parts of measure --shard (all N shards, one file, one setting) into the app's sample
order and runs the global steps (question groups, pass rates, categories, and near-duplicate
groups when the parts hold near-duplicate texts: --out writes nd_group / nd_size). With --recipe it
selects and prints the selection hash; with --in and --export it writes the export as select does.
One part or N parts give the same columns and the same selection hash.

  --format, --style, --file-type, --scores, --allow-other-file: as in select
${EXITS}`,
  score: `thinksift score --in FILE --model MODEL [--job difficulty|perplexity] [--out scores.jsonl] [options]

Runs the app's model job on every sample (transformers.js on onnxruntime-node, CPU) and writes a
score file: JSONL rows {"id", "model_difficulty"} (difficulty: Select2Reason's quantifier on the
question) or {"id", "model_nll", "model_rsr", "model_mean_rank", "model_entropy"} (perplexity: token
statistics of the response given the question). select --scores joins it back by sample id, as it
joins scores computed elsewhere (e.g. a vLLM pass on a cluster).

  --model MODEL     a model folder (config.json, tokenizer files, onnx/model*.onnx), or a Hub id
                    (default: the recipe's model)
  --recipe LINK     the field mapping and the models of a recipe
  --job J           difficulty (default) or perplexity
  --variant V       select2reason (default) or binary (difficulty)
  --max-tokens N    response tokens scored per sample (perplexity; default 8192)
  --batch N         samples per forward (default 8)
  --dtype D         auto (q8 when the model has it, else fp32, fp16), fp32, fp16, q8, q4f16
  --shard i/N       only the records whose index mod N is i
  --out FILE        default - (stdout)
  --pipe            JSONL rows on stdin → the same rows on stdout with "thinksift": {"samples":
                    [{"id", <columns>}]} (32 rows per model call; bad rows passed through, as measure --pipe)
  --name NAME       (--pipe) the file name sample ids are made with
  --host URL, --progress MODE
${EXITS}`,
  embed: `thinksift embed --in FILE --model MODEL [--think-words N] [--out vectors.jsonl] [options]

The app's embeddings (mean-pooled, normalised vectors of the question, plus the first N words of the
thinking) as JSONL rows {"id", "embedding": [...]}. Options as in score (--batch default 32).
Near-duplicate groups, DEITA and RDS+ on these vectors are not in the CLI yet.
${EXITS}`,
  pairs: `thinksift pairs --in LONG [--in SHORT] --out DIR [options]

ThinkPO preference pairs built and exported by the app's pair code: chosen = a long CoT of LONG,
rejected = a short CoT of SHORT joined on the question (--source join, the default with two files),
a short solution field of the same rows (--source field), or the shortest generation of the same
question (--source group, the default with one file). Defaults are ThinkPO's rule: the two final
answers agree and the chosen side has < 8,192 tokens. Prints {"pairs", "candidates", "dropped", …}.

  --join-key K                 question (normalised text, default) or id
  --field F                    --source field: the row field with the short solution (default solution)
  --chosen-answer-field F      answer read when a side has no \\boxed{} (default: the file's own, e.g. pred; "" = boxes only)
  --rejected-answer-field F
  --no-agree                   do not require the two answers to agree
  --require-reference          also require agreement with the reference answer (ours)
  --min-ratio R                chosen ≥ R × rejected tokens (ours; default 0 = off)
  --max-chosen-tokens N|none   default 8191 (ThinkPO's < 8192)
  --max-rejected-tokens N|none default none
  --bucket B, --bucket-size N  all (default), smallest, middle, largest; 1000
  --style S                    think-tags (default), sky, answer-only, original
  --format F                   trl-preference (default), trl-preference-implicit, llamafactory-ranking, openrlhf-pairs
  --recipe LINK                the tokenizer and field mapping of a recipe; --only-selection: its selection only
  --tokenizer ID, --progress MODE
${EXITS}`,
  perturb: `thinksift perturb --recipe LINK --in FILE --out DIR --op OP [--p PERCENT] [--seed N] [options]

SkyThought's perturbations of the recipe's selection (or of every sample with --all), written in any
export format with a manifest naming the operation, p, the seed and the edited region: the same
files as the app's Pairs & Perturb stage → Export.

  --op OP            shuffle (default), delete, insert (steps from other samples of the set),
                     digits (corrupt numbers), keywords (remove rethinking words), none
  --p PERCENT        share of steps / matches, 0–100 (default 33)
  --seed N           default 0; each sample has its own stream seeded by N and its id
  --region R         digits / keywords: turn (thinking and answer) or thinking
  --keywords a,b,…   keywords: the words removed (default: the app's list)
  --wrong-answers    keep only samples marked incorrect
  --all              every sample, not the recipe's selection
  --format, --style, --file-type, --columns, --scores, --allow-other-file: as in select
${EXITS}`,
} as const;
