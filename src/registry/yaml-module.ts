/**
 * The `yaml` package, loaded on first use. Loading it costs about 50 ms of a
 * command's start (docs/architecture.md, "Start-up and registry reading"), and
 * most commands read no YAML: only reservation files, `--org` directories,
 * `inventory` and `reserve` do. Code that parses YAML calls `yamlPackage()` where it
 * needs a function; types are imported with `import type`, which costs nothing.
 */
import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';

let loaded: typeof YamlModule | undefined;

export function yamlPackage(): typeof YamlModule {
  loaded ??= createRequire(import.meta.url)('yaml') as typeof YamlModule;
  return loaded;
}
