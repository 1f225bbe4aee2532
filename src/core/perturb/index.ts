/** SkyThought-style perturbations of reasoning traces (methods.md §2); see ops.ts for the entry point. */
export * from './spec';
export * from './ops';
export * from './structure';
export * from './content';
export * from './donors';
export * from './display';
export * from './subset';
