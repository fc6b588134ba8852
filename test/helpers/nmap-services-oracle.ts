/**
 * A second, deliberately naive reading of nmap-services (split each line on
 * whitespace), so tests on the installed file compare the parser with an
 * independent count instead of figures of one nmap version.
 */
export interface NmapServicesCounts {
  /** Distinct (port, protocol) rows of tcp, udp and sctp; the first row of a key wins, as in nmap. */
  entries: number;
  byProtocol: { tcp: number; udp: number; sctp: number; dccp: number };
  /** Rows named `unknown`. */
  unknownNamed: number;
  /** Rows whose open-frequency is 0. */
  zeroFrequency: number;
  /** The tcp port with the highest open-frequency, and that frequency. */
  topTcp: { port: number; frequency: number };
  /** tcp ports with an open-frequency above 0. */
  seenOpenTcp: Set<number>;
}

export function countNmapServices(text: string): NmapServicesCounts {
  const seen = new Set<string>();
  const counts: NmapServicesCounts = {
    entries: 0,
    byProtocol: { tcp: 0, udp: 0, sctp: 0, dccp: 0 },
    unknownNamed: 0,
    zeroFrequency: 0,
    topTcp: { port: 0, frequency: -1 },
    seenOpenTcp: new Set(),
  };
  for (const line of text.split('\n')) {
    const fields = line.split('#')[0]!.trim().split(/\s+/);
    if (fields.length < 3) continue;
    const [name, key, ratio] = fields as [string, string, string];
    const [portText, protocol] = key.split('/') as [string, string];
    if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp') continue;
    if (seen.has(key)) continue;
    seen.add(key);
    const frequency = Number(ratio);
    counts.entries += 1;
    counts.byProtocol[protocol] += 1;
    if (name === 'unknown') counts.unknownNamed += 1;
    if (frequency === 0) counts.zeroFrequency += 1;
    if (protocol === 'tcp' && frequency > 0) counts.seenOpenTcp.add(Number(portText));
    if (protocol === 'tcp' && frequency > counts.topTcp.frequency) counts.topTcp = { port: Number(portText), frequency };
  }
  return counts;
}
