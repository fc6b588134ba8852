/**
 * Small shared shapes of the port picker: inputs that other layers produce
 * (the bind prober, the network sweep) and the inclusive port range.
 */
export type { BindProbeResult } from '../registry/bind-probe.js';

/** An inclusive range of ports, `start ≤ end`. */
export interface PortRange {
  start: number;
  end: number;
}

/** What a network sweep found for the port(s) in question. */
export interface NetworkFinding {
  /** The networks swept, as the user gave them (`198.51.100.0/24` …). */
  networks: string[];
  /** Every (address, port) found open; only entries for the port being judged matter to it. */
  openOn: { address: string; port: number }[];
  /** Probes sent. */
  probes: number;
  /** False when the sweep was interrupted or some probes stayed undecided. */
  complete: boolean;
}
