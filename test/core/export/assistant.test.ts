import { describe, expect, it } from 'vitest';
import { RESPONSE_STYLES, responseText, type ResponseStyle } from '../../../src/core/export/assistant';
import { splitThink } from '../../../src/core/schema/think';
import { RESPONSES_THINK_TAGS, SAMPLES, TRUNCATED, UNTAGGED, WITH_SYSTEM } from './fixtures';

const BOT = '<|begin_of_thought|>';
const EOT = '<|end_of_thought|>';
const BOS = '<|begin_of_solution|>';
const EOS = '<|end_of_solution|>';

describe('responseText: think-tags (default)', () => {
  it('writes <think>\\n{think}\\n</think>\\n\\n{answer}', () => {
    expect(responseText(WITH_SYSTEM)).toBe(
      '<think>\nTwo plus two.\n\nThat is "4".\n</think>\n\nThe answer is $\\boxed{4}$.',
    );
    expect(responseText(WITH_SYSTEM, 'think-tags')).toBe(responseText(WITH_SYSTEM));
  });
  it('matches the hand-written responses of the fixtures', () => {
    expect(SAMPLES.map((s) => responseText(s))).toEqual(RESPONSES_THINK_TAGS);
  });
  it('a sample with no thinking gets an empty block, so every record of a file has the same layout', () => {
    expect(responseText(UNTAGGED)).toBe(`<think>\n\n</think>\n\n${UNTAGGED.answer}`);
  });
  it('a sample cut inside its thinking keeps the block unclosed', () => {
    expect(responseText(TRUNCATED)).toBe('<think>\nWe need √2.\nWait, check the sign');
  });
  it('a closed think block with an empty answer follows the layout literally', () => {
    expect(responseText({ think: 'x', answer: '', truncated: false })).toBe('<think>\nx\n</think>\n\n');
  });
  it('a truncated sample with an answer (cut in a Sky solution block) has a closed think block', () => {
    expect(responseText({ think: 't', answer: 'partial sol', truncated: true })).toBe('<think>\nt\n</think>\n\npartial sol');
  });
  it('empty think and answer give an empty response', () => {
    expect(responseText({ think: '', answer: '', truncated: false })).toBe('');
    expect(responseText({ think: '', answer: '', truncated: true })).toBe('');
  });
});

describe('responseText: sky', () => {
  it('writes the Sky-T1 thought and solution blocks', () => {
    expect(responseText(WITH_SYSTEM, 'sky')).toBe(
      `${BOT}\n\nTwo plus two.\n\nThat is "4".\n\n${EOT}\n\n${BOS}\n\nThe answer is $\\boxed{4}$.\n\n${EOS}`,
    );
  });
  it('cut inside the thought: the thought block stays open, no solution', () => {
    expect(responseText(TRUNCATED, 'sky')).toBe(`${BOT}\n\nWe need √2.\nWait, check the sign`);
  });
  it('cut inside the solution: the solution block stays open', () => {
    expect(responseText({ think: 't', answer: 'partial', truncated: true }, 'sky')).toBe(
      `${BOT}\n\nt\n\n${EOT}\n\n${BOS}\n\npartial`,
    );
  });
  it('a sample with no thinking gets an empty thought block', () => {
    expect(responseText(UNTAGGED, 'sky')).toBe(`${BOT}\n\n\n\n${EOT}\n\n${BOS}\n\n${UNTAGGED.answer}\n\n${EOS}`);
  });
});

describe('responseText: answer-only', () => {
  it('drops the thinking', () => {
    expect(responseText(WITH_SYSTEM, 'answer-only')).toBe('The answer is $\\boxed{4}$.');
    expect(responseText(UNTAGGED, 'answer-only')).toBe(UNTAGGED.answer);
  });
  it('is empty for a sample cut inside its thinking', () => {
    expect(responseText(TRUNCATED, 'answer-only')).toBe('');
  });
});

describe('responseText: round trip through splitThink', () => {
  const cases = [
    '<think>\nLet me add.\n\n2+2=4\n</think>\n\nThe answer is \\boxed{4}.',
    `${BOT}\n\nStep one.\n\nStep two.\n\n${EOT}\n\n${BOS}\n\n**4**\n\n${EOS}`,
    '<think>\nunfinished thought',
    `${BOT}\n\nunfinished thought`,
    `${BOT}\n\nthought\n\n${EOT}\n\n${BOS}\n\nunfinished solution`,
    'plain short solution',
  ];
  for (const text of cases) {
    for (const style of ['think-tags', 'sky'] as ResponseStyle[]) {
      it(`${style}: ${JSON.stringify(text.slice(0, 30))}`, () => {
        const s = splitThink(text);
        const again = splitThink(responseText(s, style));
        // think-tags has no end-of-answer marker, so a cut inside a Sky solution block reads back
        // as complete; everything else keeps its truncation flag.
        const truncated = style === 'think-tags' && s.answer !== '' ? false : s.truncated;
        expect({ think: again.think, answer: again.answer, truncated: again.truncated }).toEqual({
          think: s.think,
          answer: s.answer,
          truncated,
        });
      });
    }
  }
});

describe('responseText: original', () => {
  it('writes the response exactly as the file holds it, and refuses without it', () => {
    const original = '  Untouched text\n\nwith **no** tags  ';
    expect(responseText({ ...UNTAGGED, original }, 'original')).toBe(original);
    expect(responseText({ ...WITH_SYSTEM, original }, 'original')).toBe(original);
    expect(() => responseText(UNTAGGED, 'original')).toThrow(/original response text/);
  });
});

it('rejects an unknown style', () => {
  expect(RESPONSE_STYLES).toEqual(['think-tags', 'sky', 'answer-only', 'original']);
  expect(() => responseText(WITH_SYSTEM, 'bogus' as ResponseStyle)).toThrow(TypeError);
});
