import { KUBERNETES_NODE_PORT_RANGE, isKubernetesNodePort } from '../registry/kubernetes-node-ports.js';
import type { OsReservedPorts } from '../registry/os-reserved-ports.js';
import type { Protocol } from '../registry/types.js';
import type { KubernetesVerdict, OsReservedVerdict } from './verdict.js';

/**
 * Platform ranges:
 *
 * | source      | conflict                                         | warning                                  |
 * | ----------- | ------------------------------------------------ | ---------------------------------------- |
 * | kubernetes  | in the NodePort range, with `k8s`                | in the NodePort range                    |
 * | os-reserved | in one of this machine's Windows excluded ranges | in this machine's ip_local_reserved_ports |
 */

export function kubernetesVerdict(port: number, k8s: boolean): KubernetesVerdict {
  const nodePortRange = { ...KUBERNETES_NODE_PORT_RANGE };
  const span = `${nodePortRange.start}-${nodePortRange.end}`;
  const inside = isKubernetesNodePort(port);
  const evidence = { nodePortRange, inside, k8s };
  if (!inside) {
    return { source: 'kubernetes', status: 'ok', summary: `Port ${port} is outside the Kubernetes NodePort range (${span}).`, evidence };
  }
  if (k8s) {
    return {
      source: 'kubernetes',
      status: 'conflict',
      summary: `Port ${port} is in the Kubernetes NodePort range (${span}): a NodePort Service may hold it on every node of the cluster.`,
      evidence,
    };
  }
  return {
    source: 'kubernetes',
    status: 'warning',
    summary:
      `Port ${port} is in the Kubernetes NodePort range (${span}): if the service is exposed as a NodePort or runs beside ` +
      'one on a cluster node, they collide (--k8s makes this a conflict).',
    evidence,
  };
}

/** `whyMissing`: the source's own note when it is absent (not Linux or Windows, unreadable). */
export function osReservedVerdict(
  reserved: OsReservedPorts | null | undefined,
  protocol: Protocol,
  port: number,
  whyMissing?: string,
): OsReservedVerdict {
  if (reserved === null || reserved === undefined) {
    return {
      source: 'os-reserved',
      status: 'not-checked',
      summary: whyMissing ? `${capitalise(whyMissing)}.` : "This machine's reserved port ranges were NOT checked.",
      evidence: { linuxReserved: null, windowsExcluded: null, origin: null },
    };
  }
  const contains = (range: { start: number; end: number }): boolean => port >= range.start && port <= range.end;
  const linuxReserved = reserved.linux === null ? null : reserved.linux.ranges.filter(contains);
  const windowsRanges = reserved.windows === null ? null : protocol === 'tcp' ? reserved.windows.tcp : protocol === 'udp' ? reserved.windows.udp : [];
  const windowsExcluded = windowsRanges === null ? null : windowsRanges.filter(contains).map((range) => ({ ...range }));
  const origin = reserved.windows?.origin ?? reserved.linux?.origin ?? null;
  const evidence = { linuxReserved, windowsExcluded, origin };
  const where = `${port}/${protocol}`;
  const spans = (ranges: readonly { start: number; end: number }[]): string =>
    ranges.map((range) => (range.start === range.end ? String(range.start) : `${range.start}-${range.end}`)).join(', ');
  if (windowsExcluded !== null && windowsExcluded.length > 0) {
    const administered = windowsExcluded.some((range) => range.administered) ? ' (administered)' : ' (Hyper-V/WinNAT/WSL reserve these and move them at boot)';
    return {
      source: 'os-reserved',
      status: 'conflict',
      summary: `This machine's Windows excluded port range ${spans(windowsExcluded)}${administered} contains ${where}: binding it fails with "access denied" although nothing listens.`,
      evidence,
    };
  }
  if (linuxReserved !== null && linuxReserved.length > 0) {
    return {
      source: 'os-reserved',
      status: 'warning',
      summary: `This machine lists ${port} in net.ipv4.ip_local_reserved_ports (${spans(linuxReserved)}): an administrator set it aside, usually for a service of this machine.`,
      evidence,
    };
  }
  return {
    source: 'os-reserved',
    status: 'ok',
    summary: `No reserved port range of this machine contains ${where} (${origin ?? 'none read'}).`,
    evidence,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
