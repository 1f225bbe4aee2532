/** Column names the model jobs write (without the `@mappingVersion` suffix added by columnKey). */

/** Normalised sample embeddings, n × dim Float32, stored in parts outside the text store. */
export const EMBEDDING_COLUMN = 'sample.emb';
