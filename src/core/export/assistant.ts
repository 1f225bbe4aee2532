/**
 * Rebuilding the assistant response a trainer learns from, out of a Sample's `think` and `answer`.
 *
 * Ingest split each response into `think` and `answer` (src/core/schema/think.ts) and trimmed both,
 * so the export decides how the two parts are put back together. One layout is chosen per export
 * and applied to every record, so a file never mixes formats (a Sky-T1 eval file holds tagged and
 * untagged traces side by side; re-tagging makes them one format):
 *
 * - 'think-tags' (default) — the DeepSeek-R1 / OpenR1-Math layout (methods.md §0):
 *   `<think>\n{think}\n</think>\n\n{answer}`. A sample with no thinking (think === '', e.g. a
 *   one-paragraph untagged solution) gets an empty block, `<think>\n\n</think>\n\n{answer}`, as
 *   Qwen3's chat template writes a turn without thinking: every record has the block.
 * - 'sky' — the Sky-T1 / Bespoke-Stratos layout (methods.md §0):
 *   `<|begin_of_thought|>\n\n{think}\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\n{answer}\n\n<|end_of_solution|>`,
 *   with an empty thought block for an empty think.
 * - 'answer-only' — the answer with the thinking dropped (a short-CoT / distillation baseline).
 * - 'original' — the response exactly as the file holds it (`sample.original`, which the caller
 *   reads from the stored row): nothing re-tagged, so a file whose rows differ keeps its mix.
 *
 * Truncated samples (`truncated: true`: the generation limit was hit before the model closed its
 * block) keep their unclosed text as it was: nothing is closed or repaired, because inventing a
 * closing tag would teach the model an ending it never produced.
 * - Cut inside the thinking (ingest leaves `answer === ''`): 'think-tags' gives `<think>\n{think}`
 *   and 'sky' gives `<|begin_of_thought|>\n\n{think}`, with no closing tag and no answer part.
 * - Cut inside the Sky-T1 solution block (`answer !== ''`): 'sky' closes the thought block, opens
 *   the solution and leaves it open (no `<|end_of_solution|>`); 'think-tags' is the normal
 *   layout, since it has no end-of-answer marker to leave out.
 * - 'answer-only' of a sample cut inside its thinking is '' — there is nothing to train on, so the
 *   exporter should skip it (see `skipReason` in formats.ts).
 * Whether truncated samples are exported at all is the caller's (the recipe's) decision.
 *
 * The layout is applied literally: a closed think block with an empty answer ends in `\n\n`.
 *
 * Caution for users (not something this code can fix): some chat templates rewrite assistant
 * turns. DeepSeek-R1-Distill templates keep only the text after `</think>` of an assistant
 * message, which removes the thinking from the training text; check the rendered template of the
 * model being trained.
 */
import type { Sample } from '../types';
import { BOS, BOT, EOS, EOT, THINK_CLOSE, THINK_OPEN } from '../schema/think';

/** How the assistant response is laid out. */
export type ResponseStyle = 'think-tags' | 'sky' | 'answer-only' | 'original';

export const RESPONSE_STYLES: readonly ResponseStyle[] = ['think-tags', 'sky', 'answer-only', 'original'];

/** What `responseText` reads: the split parts, and for 'original' the untouched response text. */
export type AssistantSource = Pick<Sample, 'think' | 'answer' | 'truncated'> & { original?: string };

/**
 * The assistant response for `sample` in `style` (see the module comment for every case).
 * @throws TypeError for 'original' when `sample.original` is missing, and for an unknown style.
 */
export function responseText(sample: AssistantSource, style: ResponseStyle = 'think-tags'): string {
  const { think, answer, truncated } = sample;
  if (style === 'answer-only') return answer;
  if (style === 'original') {
    if (sample.original === undefined) throw new TypeError('the original response text was not provided');
    return sample.original;
  }
  if (think === '' && answer === '') return '';
  // The generation stopped inside the thinking block: ingest put everything in `think`.
  const cutInThink = truncated && answer === '' && think !== '';
  if (style === 'think-tags') {
    if (cutInThink) return THINK_OPEN + '\n' + think;
    return THINK_OPEN + '\n' + think + '\n' + THINK_CLOSE + '\n\n' + answer;
  }
  if (style === 'sky') {
    if (cutInThink) return BOT + '\n\n' + think;
    const open = BOT + '\n\n' + think + '\n\n' + EOT + '\n\n' + BOS + '\n\n' + answer;
    return truncated ? open : open + '\n\n' + EOS;
  }
  throw new TypeError(`unknown response style: ${String(style)}`);
}
