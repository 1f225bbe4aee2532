/**
 * The streaming text parsers behind one entry point, so ingest code picks a parser by the format
 * sniffFormat returned and never imports a parser directly.
 */
import type { TextRecordParser } from '../types';
import type { TextParserOptions } from './common';
import { createCsvParser, type CsvParserOptions } from './csv';
import { createJsonArrayParser } from './json';
import { createJsonlParser } from './jsonl';

export type { TextParserOptions } from './common';
export { createCsvParser, detectDelimiter, headerNames, type CsvParserOptions } from './csv';
export { createJsonArrayParser, type JsonArrayParser } from './json';
export { createJsonlParser } from './jsonl';
export { formatFromName, sniffFormat, sniffFormatFromName, type SniffResult } from './sniff';

/** The formats read as decoded text (Parquet is columnar binary and has its own reader). */
export type TextFormat = 'jsonl' | 'json' | 'csv';

/**
 * A push parser for `format`: jsonl → createJsonlParser, json → createJsonArrayParser (its
 * `arrayPath` is there at run time), csv → createCsvParser (`delimiter` is used only for csv).
 * Throws RangeError for any other format, which is a programming error, not a user one.
 */
export function createTextParser(
  format: TextFormat,
  opts: TextParserOptions & Pick<CsvParserOptions, 'delimiter'> = {},
): TextRecordParser {
  switch (format) {
    case 'jsonl':
      return createJsonlParser(opts);
    case 'json':
      return createJsonArrayParser(opts);
    case 'csv':
      return createCsvParser(opts);
    default:
      throw new RangeError(`no text parser for format ${JSON.stringify(format)}`);
  }
}
