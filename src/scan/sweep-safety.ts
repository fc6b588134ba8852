/**
 * The rules that keep a sweep from surprising anyone beyond this host's links:
 *
 * - Wide sweeps towards routed networks need an explicit rate. A plan with more
 *   than one /16 of non-local addresses (NON_LOCAL_ADDRESS_LIMIT), or more than
 *   2^20 non-local probes (NON_LOCAL_PROBE_LIMIT), over the whole sweep (all
 *   shards), is refused unless `rate` (or `minRate`) is given — masscan refuses
 *   to start without a rate for the same reason. A dry run reports the refusal
 *   instead of failing, so a plan can be checked first.
 * - A ceiling by default: when any target is non-local and no rate was given,
 *   probes leave at most at DEFAULT_NON_LOCAL_RATE per second (zmap's default).
 *   Sweeps of this host and its links keep the adaptive ramp with no ceiling.
 * - The summary states the ceiling and why, and what the default exclusions
 *   (special-addresses.ts) took out.
 *
 * "Local" and "non-local" are decided from the kernel's routes (route-locality.ts).
 */
import { readIPv6Bytes } from './addresses.js';
import type { SweepPlan } from './plan.js';
import { countOutside, localRanges, type LocalRanges } from './route-locality.js';
import type { DefaultExclusion } from './special-addresses.js';
import type { IPv4Range, IPv6Range } from './targets.js';

export const DEFAULT_NON_LOCAL_RATE = 10_000;
export const NON_LOCAL_ADDRESS_LIMIT = 65_536;
export const NON_LOCAL_PROBE_LIMIT = 2 ** 20;

export interface RateRequest {
  /** Probes/s ceiling the caller gave (0 = no ceiling); undefined when none was given. */
  rate: number | undefined;
  /** The caller's wish for at least this rate (nmap's --min-rate); undefined when none. */
  minRate: number | undefined;
}

export interface SweepSafety {
  /** Probes/s ceiling in effect; 0 = none (the adaptive ramp alone). */
  rate: number;
  /** Why that ceiling, one sentence. */
  rateReason: string;
  localAddresses: number;
  nonLocalAddresses: number;
  /** Why the sweep would be refused; null when it may run. */
  refusal: string | null;
  /** What the default exclusions took out of the targets. */
  defaultExcluded: readonly DefaultExclusion[];
  /** Sentences for the summary's notes. */
  notes: string[];
}

const group = (value: number): string => value.toLocaleString('en-US');

function planRanges(plan: SweepPlan): { ipv4: IPv4Range[]; ipv6: IPv6Range[] } {
  const ipv4: IPv4Range[] = [];
  for (let i = 0; i < plan.ipv4Ranges.length; i += 2) ipv4.push({ first: plan.ipv4Ranges[i] as number, last: plan.ipv4Ranges[i + 1] as number });
  const ipv6: IPv6Range[] = [];
  for (let offset = 0; offset < plan.ipv6Ranges.length; offset += 32) {
    ipv6.push({ first: readIPv6Bytes(plan.ipv6Ranges, offset), last: readIPv6Bytes(plan.ipv6Ranges, offset + 16) });
  }
  return { ipv4, ipv6 };
}

/** Describes what the default exclusions took, or null when they took nothing. */
export function describeDefaultExclusions(excluded: readonly DefaultExclusion[]): string | null {
  if (excluded.length === 0) return null;
  const total = excluded.reduce((sum, block) => sum + block.addresses, 0);
  const blocks = excluded.map((block) => `${block.block} ${block.name} (${group(block.addresses)})`).join(', ');
  return `default exclusions skipped ${group(total)} addresses where no host can answer: ${blocks}; name a block explicitly, or pass --no-default-excludes, to sweep it`;
}

/** Applies the rules above to a plan. `local` defaults to the kernel's routes now. */
export function assessSweep(plan: SweepPlan, request: RateRequest, local: LocalRanges = localRanges()): SweepSafety {
  const { ipv4, ipv6 } = planRanges(plan);
  const nonLocalAddresses = countOutside(ipv4, local.ipv4) + countOutside(ipv6, local.ipv6);
  const localAddresses = plan.addressCount - nonLocalAddresses;
  const nonLocalProbes = nonLocalAddresses * plan.portCount;
  const explicit = request.rate !== undefined || request.minRate !== undefined;

  let refusal: string | null = null;
  if (!explicit && (nonLocalAddresses > NON_LOCAL_ADDRESS_LIMIT || nonLocalProbes > NON_LOCAL_PROBE_LIMIT)) {
    refusal =
      `Expected an explicit rate for a sweep of ${group(nonLocalAddresses)} addresses (${group(nonLocalProbes)} probes) ` +
      `beyond this host and its links, got none: sweeps wider than one /16 or 2^20 probes towards routed networks ` +
      `need --rate N (probes per second; --max-rate N is the same), so that nobody floods a network by accident`;
  }

  let rate: number;
  let rateReason: string;
  if (request.rate !== undefined) {
    rate = request.rate;
    rateReason = rate === 0 ? 'no ceiling (rate 0 given): the adaptive ramp alone' : `ceiling ${group(rate)} probes/s (given)`;
  } else if (nonLocalAddresses > 0) {
    rate = Math.max(DEFAULT_NON_LOCAL_RATE, request.minRate ?? 0);
    rateReason =
      request.minRate !== undefined && request.minRate > DEFAULT_NON_LOCAL_RATE
        ? `ceiling ${group(rate)} probes/s (min rate given, above the default ${group(DEFAULT_NON_LOCAL_RATE)} for targets beyond this host's links)`
        : `ceiling ${group(rate)} probes/s, the default for targets beyond this host's links (${group(nonLocalAddresses)} of ${group(plan.addressCount)} addresses); --rate or --max-rate to change it`;
  } else {
    rate = 0;
    rateReason = 'no ceiling: every target is on this host or its links, so the adaptive ramp alone paces the sweep';
  }

  const notes = [`rate: ${rateReason}`];
  if (request.minRate !== undefined) {
    notes.push(
      `min rate ${group(request.minRate)} probes/s: portpick holds no floor; its rate control starts at ${group(DEFAULT_NON_LOCAL_RATE)} probes/s and slows down only on measured loss, to keep results exact`,
    );
  }
  const exclusions = describeDefaultExclusions(plan.defaultExcluded);
  if (exclusions) notes.push(exclusions);
  return { rate, rateReason, localAddresses, nonLocalAddresses, refusal, defaultExcluded: plan.defaultExcluded, notes };
}
