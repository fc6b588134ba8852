// portpick's library API. Library code never prints and never exits.
export * from './errors/index.js';
export type * from './registry/types.js';
export { PROTOCOLS } from './registry/types.js';
export { EntryIndex } from './registry/entry-index.js';

// Sweeps (src/scan/): scan(), shards, resume, and the parsers behind them.
export type * from './scan/types.js';
export { scan, scanMany, type ScanHandle, type ScanPlanInfo } from './scan/scan.js';
export type { ScanOptions } from './scan/scan-options.js';
export type { ScanMode } from './scan/engine-choice.js';
export { readResumeFile, writeResumeFile, type ResumeState } from './scan/resume.js';
export { parsePortSpec, topPortsFromNmap } from './scan/ports.js';
export { parseTargetSpec, resolveTargets, type TargetSet, type TargetInput } from './scan/targets.js';
export { parseShard, parseSeed } from './scan/scan-options.js';
