/** Embedding core: vector helpers, near-duplicate grouping, diversity / RDS+ selection, 2-D PCA. */
export * from './vectors';
export * from './dedup';
export * from './diversity';
export * from './pca';
export * from './lsh';
