/**
 * import() of a module outside the program (the bench's .mjs files). The
 * command line's bundle runs inside a vm.Script (portpick.cts), where a plain
 * import() has no loader behind it once V8's compile cache is used; there the
 * bin passes its own import() as `__portpickImport`. From tsc's build (no such
 * binding) this is an ordinary import().
 */
declare const __portpickImport: ((specifier: string) => Promise<unknown>) | undefined;

export function importModule(specifier: string): Promise<unknown> {
  if (typeof __portpickImport === 'function') return __portpickImport(specifier);
  return import(specifier);
}
