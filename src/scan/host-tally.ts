import type { RecordBatch } from './decode.js';
import type { SweepPlan } from './plan.js';

/**
 * Counts the distinct hosts that answered (open or closed) without keeping their
 * addresses: one bit per planned address, found from the probe's position
 * through the plan's permutation. A /8 costs 2 MiB however many probes are done,
 * where a set of address strings grew with every answering host.
 * Plans with more than 2^27 addresses (only huge IPv6 ranges) fall back to a set
 * of the addresses seen, which is the one case whose memory grows with answers.
 */
export class HostTally {
  private static readonly MAX_BITMAP_ADDRESSES = 2 ** 27;
  private readonly bits: Uint8Array | null;
  private readonly seen: Set<string> | null;
  private count = 0;

  constructor(private readonly plan: SweepPlan) {
    const fits = plan.addressCount <= HostTally.MAX_BITMAP_ADDRESSES;
    this.bits = fits ? new Uint8Array(Math.ceil(plan.addressCount / 8)) : null;
    this.seen = fits ? null : new Set<string>();
  }

  /**
   * Records that the host probed at shard-local `position` (address `address`)
   * answered. `ipv4`: the address's host-order value when it is IPv4 (found in
   * the plan's ranges, cheaper than the permutation), else null.
   */
  answered(position: number, address: string | (() => string), ipv4: number | null = null): void {
    if (this.bits) {
      const fromRanges = ipv4 === null ? -1 : this.plan.ipv4AddressIndex(ipv4);
      const addressIndex = fromRanges !== -1 ? fromRanges : this.plan.indexAt(position) % this.plan.addressCount;
      const byte = addressIndex >>> 3;
      const mask = 1 << (addressIndex & 7);
      const current = this.bits[byte] as number;
      if ((current & mask) === 0) {
        this.bits[byte] = current | mask;
        this.count += 1;
      }
      return;
    }
    const text = typeof address === 'string' ? address : address();
    if (this.seen && !this.seen.has(text)) {
      this.seen.add(text);
      this.count += 1;
    }
  }

  /** answered() for record `index` of `records`, probed at `position` (the address text is made only if needed). */
  answeredRecord(records: RecordBatch, index: number, position: number): void {
    if (this.bits) this.answered(position, '', records.ipv4(index));
    else this.answered(position, records.address(index));
  }

  get size(): number {
    return this.count;
  }
}
