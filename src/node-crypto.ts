/**
 * Node's `crypto` module, loaded on first use. Loading it costs several
 * milliseconds of every start, and a sweep hashes only when it writes or
 * checks a resume file (docs/architecture.md, "Start-up of a sweep"). Callers
 * call `nodeCrypto()` where they need a function; `import type` costs nothing.
 */
import { createRequire } from 'node:module';

let loaded: typeof import('node:crypto') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
  loaded ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return loaded;
}
