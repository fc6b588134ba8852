// Types for bench/parsers.mjs (the bench is plain ESM JavaScript, no build step).
export interface Finding {
  address: string;
  port: number;
}
export function parseNmapGrepable(text: string): Finding[];
export function parseMasscanList(text: string): Finding[];
export function parseZmapAddresses(text: string): string[];
export function parsePortpickJsonLines(text: string): { findings: Finding[]; summary: Record<string, unknown> | null; badLines: number };
export type NftFilter =
  | { kind: 'silent'; prefix: string }
  | { kind: 'loss'; prefix: string; lossPercent?: number }
  | { kind: 'rate-limit'; prefix: string; ratePerSecond: number };
export function nftRuleFor(filter: NftFilter): string;
export interface ExpectedOpen {
  openCount: number;
  isOpen(address: string, port: number): boolean;
}
export function expectedOpen(options: { blocks: string[]; silent?: string[]; openPorts: number[] }): ExpectedOpen;
export interface Score {
  found: number;
  duplicates: number;
  unparsable: number;
  truePositives: number;
  falsePositives: number;
  missed: number;
  recall: number;
  precision: number;
}
export function scoreFindings(findings: Finding[], truth: ExpectedOpen): Score;
export function seededPorts(count: number, seed: number, options?: { min?: number; max?: number; avoid?: number[] }): number[];
export function addressKey(text: string): string;
export function median(values: Array<number | null | undefined>): number | null;
export interface MeasuredRun {
  wallMs: number;
  code: number | null;
  timedOut: boolean;
  cpuSeconds: number | null;
  peakRssKb: number | null;
  score: Score;
  notes?: string[];
}
export function summarizeRuns(runs: MeasuredRun[], plannedProbes: number, ceilingPerSecond: number | null): {
  status: string;
  runs: number;
  medianWallMs: number | null;
  probesPerSecond: number | null;
  fractionOfCeiling: number | null;
  recall: number | null;
  precision: number | null;
  missed: number | null;
  falsePositives: number | null;
  peakRssKb: number | null;
  cpuSeconds: number | null;
  firstError: string | null;
};
export const MEMORY_RATIO_TARGET: number;
export function memoryVerdict(smallPeakKb: number | null, largePeakKb: number | null): { ratio: number | null; met: boolean | null };
export interface TargetVerdict {
  target: string;
  met: boolean | null;
  detail: string;
  speedup?: number;
}
/** `results` is a bench result object (run.mjs JSON); only the fields the targets read are needed. */
export function evaluateTargets(results: unknown): TargetVerdict[];
export function nmapScenarioArgs(scenario: { silent: string[] }): string[];
