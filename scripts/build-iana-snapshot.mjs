#!/usr/bin/env node
// Writes dist/iana-snapshot.bin: the digest of the official IANA CSV kept in
// data/iana, which the shipped snapshot answers from (src/registry/iana-snapshot.ts).
// Runs after tsc (npm run build:ts). Without it portpick parses the CSV instead.
import { writeIanaSnapshot } from '../dist/registry/iana-snapshot.js';

if (!writeIanaSnapshot()) {
  console.warn('portpick: could not write dist/iana-snapshot.bin; the IANA snapshot will be parsed from data/iana at each start (slower).');
  if (process.argv.includes('--strict')) process.exitCode = 1;
}
