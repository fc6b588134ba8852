// The bench's pure functions in one place, typed by parsers.d.mts, so the
// project's vitest suite can check them (test/unit/bench/) without a network.
export { parseNmapGrepable } from './peers/nmap.mjs';
export { parseMasscanList } from './peers/masscan.mjs';
export { parseZmapAddresses } from './peers/zmap.mjs';
export { parsePortpickJsonLines } from './portpick-runner.mjs';
export { nftRuleFor } from './lab/nft-filters.mjs';
export { expectedOpen, scoreFindings, seededPorts } from './lab/ground-truth.mjs';
export { addressKey } from './lab/addresses.mjs';
export { median, summarizeRuns } from './report.mjs';
export { memoryVerdict, MEMORY_RATIO_TARGET } from './memory.mjs';
export { evaluateTargets } from './targets.mjs';
export { nmapScenarioArgs } from './peers/nmap.mjs';
