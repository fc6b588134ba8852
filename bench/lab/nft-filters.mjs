// nftables rules in the targets namespace that turn parts of the AnyIP range into
// silent, lossy or rate-limited hosts. Only SYNs (SYN without ACK) are matched, so
// established connections of connect scans are not disturbed — except by
// `return-loss`, which drops a share of every TCP packet the targets send back
// (SYN-ACK, RST and the rest: loss on the path target → scanner).
import { run } from './processes.mjs';

const SYN_ONLY = 'tcp flags & (syn|ack) == syn';

function lossPercent(filter) {
  const percent = filter.lossPercent ?? 1;
  if (!Number.isInteger(percent) || percent < 1 || percent > 99) {
    throw new Error(`Expected a loss of 1 to 99 whole percent, got \`${percent}\``);
  }
  return percent;
}

/** The chain a filter's rule belongs to: `in` (packets to the targets) or `out` (packets from them). */
export function nftChainFor(filter) {
  return filter.kind === 'return-loss' ? 'out' : 'in';
}

/** The rule line for one filter: { kind: 'silent'|'loss'|'return-loss'|'rate-limit', prefix, lossPercent?, ratePerSecond? }. */
export function nftRuleFor(filter) {
  const family = filter.prefix.includes(':') ? 'ip6' : 'ip';
  const match = `${family} daddr ${filter.prefix} ${SYN_ONLY}`;
  switch (filter.kind) {
    case 'return-loss':
      return `${family} saddr ${filter.prefix} meta l4proto tcp numgen random mod 100 < ${lossPercent(filter)} drop`;
    case 'silent':
      return `${match} drop`;
    case 'loss':
      return `${match} numgen random mod 100 < ${lossPercent(filter)} drop`;
    case 'rate-limit':
      return `${match} limit rate over ${filter.ratePerSecond}/second drop`;
    default:
      throw new Error(`Expected a filter kind silent, loss, return-loss or rate-limit, got \`${filter.kind}\``);
  }
}

/** The whole ruleset text (replaces the table `inet bench`). */
export function nftRulesetFor(filters) {
  const lines = (chain) => filters.filter((filter) => nftChainFor(filter) === chain).map((filter) => `    ${nftRuleFor(filter)}`);
  return [
    'table inet bench',
    'delete table inet bench',
    'table inet bench {',
    '  chain in {',
    '    type filter hook input priority 0;',
    ...lines('in'),
    '  }',
    '  chain out {',
    '    type filter hook output priority 0;',
    ...lines('out'),
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Installs the filters in a namespace (replacing earlier ones); [] removes them all. */
export async function applyFilters(namespace, filters) {
  await run(namespace.wrap(['nft', '-f', '-']), { input: nftRulesetFor(filters), check: true });
}
