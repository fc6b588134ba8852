/**
 * node:crypto, loaded on first use. The command line is one bundle, and every
 * static import of a Node module in it runs at start-up; node:crypto costs
 * ~6 ms there, which a sweep (seed from /dev/urandom, plan fingerprint only
 * when a resume needs it) never has to pay.
 */
import { createRequire } from 'node:module';

const requireBuiltin = createRequire(import.meta.url);
let loaded: typeof import('node:crypto') | null = null;

export function nodeCrypto(): typeof import('node:crypto') {
  loaded ??= requireBuiltin('node:crypto') as typeof import('node:crypto');
  return loaded;
}
