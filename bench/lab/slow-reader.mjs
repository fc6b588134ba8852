// A consumer that reads its standard input at a fixed rate (bytes per second),
// for the slow-reader scenario: what a sweep piped into a slow program sees.
// Counts bytes and lines and writes them, with the seconds it took, as JSON to
// REPORT_FILE when the input ends.
//   node slow-reader.mjs BYTES_PER_SECOND REPORT_FILE
import { writeFileSync } from 'node:fs';

const rate = Number(process.argv[2]);
const reportFile = process.argv[3];
if (!(rate > 0) || !reportFile) {
  process.stderr.write('usage: node slow-reader.mjs BYTES_PER_SECOND REPORT_FILE\n');
  process.exit(2);
}
const started = performance.now();
let bytes = 0;
let lines = 0;
process.stdin.on('data', (chunk) => {
  bytes += chunk.length;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
  // Read no faster than `rate`: pause until this many bytes are due.
  const wait = started + (bytes / rate) * 1000 - performance.now();
  if (wait > 0) {
    process.stdin.pause();
    setTimeout(() => process.stdin.resume(), wait);
  }
});
process.stdin.on('end', () => {
  writeFileSync(reportFile, `${JSON.stringify({ bytes, lines, seconds: (performance.now() - started) / 1000 })}\n`);
});
