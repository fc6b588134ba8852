// nftables rules in the targets namespace that turn parts of the AnyIP range into
// silent, lossy or rate-limited hosts. Only SYNs (SYN without ACK) are matched, so
// established connections of connect scans are not disturbed.
import { run } from './processes.mjs';

const SYN_ONLY = 'tcp flags & (syn|ack) == syn';

/** The rule line for one filter: { kind: 'silent'|'loss'|'rate-limit', prefix, lossPercent?, ratePerSecond? }. */
export function nftRuleFor(filter) {
  const family = filter.prefix.includes(':') ? 'ip6' : 'ip';
  const match = `${family} daddr ${filter.prefix} ${SYN_ONLY}`;
  switch (filter.kind) {
    case 'silent':
      return `${match} drop`;
    case 'loss': {
      const percent = filter.lossPercent ?? 1;
      if (!Number.isInteger(percent) || percent < 1 || percent > 99) {
        throw new Error(`Expected a loss of 1 to 99 whole percent, got \`${percent}\``);
      }
      return `${match} numgen random mod 100 < ${percent} drop`;
    }
    case 'rate-limit':
      return `${match} limit rate over ${filter.ratePerSecond}/second drop`;
    default:
      throw new Error(`Expected a filter kind silent, loss or rate-limit, got \`${filter.kind}\``);
  }
}

/** The whole ruleset text (replaces the table `inet bench`). */
export function nftRulesetFor(filters) {
  const lines = filters.map((filter) => `    ${nftRuleFor(filter)}`);
  return [
    'table inet bench',
    'delete table inet bench',
    'table inet bench {',
    '  chain in {',
    '    type filter hook input priority 0;',
    ...lines,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Installs the filters in a namespace (replacing earlier ones); [] removes them all. */
export async function applyFilters(namespace, filters) {
  await run(namespace.wrap(['nft', '-f', '-']), { input: nftRulesetFor(filters), check: true });
}
