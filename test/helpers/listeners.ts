import { createServer, type Server } from 'node:net';

/** TCP listeners that accept and close at once, one per port (the scanner tests' open ports); rejects if a port is taken. */
export function listenAll(ports: readonly number[], host: string, ipv6Only = false): Promise<Server[]> {
  return Promise.all(
    ports.map(
      (port) =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer((socket) => socket.destroy());
          server.once('error', reject);
          server.listen({ port, host, exclusive: true, ipv6Only }, () => resolve(server));
        }),
    ),
  );
}

export async function closeAll(servers: readonly Server[]): Promise<void> {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
}
