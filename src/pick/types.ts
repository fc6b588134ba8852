/**
 * Small shared shapes of the port picker: inputs that other layers produce
 * (the bind prober, the network sweep) and the inclusive port range.
 */

/** An inclusive range of ports, `start ≤ end`. */
export interface PortRange {
  start: number;
  end: number;
}

/**
 * The outcome of trying to bind one (address, port) on this machine.
 * Produced by the bind prober (another module); consumed here as plain data.
 * - free:        bind succeeded (and was released at once)
 * - in-use:      EADDRINUSE: something holds the port on that address
 * - denied:      EACCES/EPERM: a privileged port, or a range the OS refuses
 *                (Windows Hyper-V/WSL excluded ranges) while nothing listens
 * - unsupported: the address family is unavailable (e.g. IPv6 disabled)
 */
export interface BindProbeResult {
  address: string;
  outcome: 'free' | 'in-use' | 'denied' | 'unsupported';
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
