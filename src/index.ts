// portpick's library API. Library code never prints and never exits.
export * from './errors/index.js';
export type * from './registry/types.js';
export { PROTOCOLS } from './registry/types.js';
export { EntryIndex } from './registry/entry-index.js';
