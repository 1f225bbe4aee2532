/** Exit codes of the CLI (documented in `thinksift --help`). */
export const EXIT = {
  ok: 0,
  /** Something failed while running (a bug, a disk error). */
  failed: 1,
  /** Bad arguments: unknown flag, missing --in, unreadable file. */
  usage: 2,
  /** The input cannot be read as a dataset (empty, binary, not Parquet). */
  input: 3,
  /** The recipe cannot be reproduced here: another file, a column or embeddings it needs are missing. */
  cannotReproduce: 4,
} as const;

/** An error the CLI prints as one sentence (no stack) and exits with `code`. */
export class CliError extends Error {
  constructor(message: string, readonly code: number = EXIT.failed) {
    super(message);
  }
}
