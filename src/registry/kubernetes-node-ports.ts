/**
 * Kubernetes gives every Service of type NodePort (and LoadBalancer, by
 * default) a port from this range on every node: kube-apiserver's
 * `--service-node-port-range`, default 30000-32767. A service default in the
 * range can collide with a NodePort on any cluster node, for every transport
 * a Service may use (TCP, UDP, SCTP).
 */
export const KUBERNETES_NODE_PORT_RANGE: Readonly<{ start: number; end: number }> = Object.freeze({ start: 30000, end: 32767 });

export function isKubernetesNodePort(port: number): boolean {
  return port >= KUBERNETES_NODE_PORT_RANGE.start && port <= KUBERNETES_NODE_PORT_RANGE.end;
}
