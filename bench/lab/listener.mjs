// Ground-truth listener: accepts on every given port and closes at once.
//   node bench/lab/listener.mjs HOST PORT[,PORT...]
// HOST "::" listens dual-stack (IPv4 and IPv6). Prints "ready" once every port
// listens; exits when stdin closes (its parent went away) or after 3 hours.
import { createServer } from 'node:net';

const [host, portList] = process.argv.slice(2);
if (!host || !portList) {
  process.stderr.write('usage: node bench/lab/listener.mjs HOST PORT[,PORT...]\n');
  process.exit(2);
}
const ports = portList.split(',').map((text) => {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write(`Expected a port from 1 to 65535, got \`${text}\`\n`);
    process.exit(2);
  }
  return port;
});

await Promise.all(ports.map((port) => new Promise((resolve, reject) => {
  const server = createServer({ pauseOnConnect: true }, (socket) => socket.destroy());
  server.on('error', reject);
  server.listen({ host, port, backlog: 65535, ipv6Only: false }, resolve);
})));
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
setTimeout(() => process.exit(0), 3 * 3600 * 1000).unref();
