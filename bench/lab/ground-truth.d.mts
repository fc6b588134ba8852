// Types for bench/lab/ground-truth.mjs (the bench is plain ESM JavaScript, no build step).
export function listenerCommand(): { kind: string; argv: string[] };
/** A seeded generator (mulberry32): numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number;
export function seededPorts(count: number, seed: number, options?: { min?: number; max?: number; avoid?: number[] }): number[];
export function startListeners(namespace: unknown, host: string, ports: number[]): Promise<{ stop(): Promise<void> | void }>;
export function expectedOpen(options: { blocks: string[]; silent?: string[]; openPorts: number[] }): {
  openCount: number;
  isOpen(address: string, port: number): boolean;
};
export function scoreFindings(
  findings: { address: string; port: number }[],
  truth: { isOpen(address: string, port: number): boolean },
): Record<string, number>;
