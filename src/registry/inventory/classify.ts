/**
 * Which reader a file gets, from its name (and, for Helm charts, its place):
 *
 * | kind           | file names                                                                |
 * | -------------- | ------------------------------------------------------------------------- |
 * | compose        | docker-compose.yml, compose.yaml, docker-compose.override.yml, compose.prod.yaml … |
 * | helm-values    | values.yaml, values-prod.yaml, values.dev.yml                              |
 * | spring         | application.properties, application-dev.yml, bootstrap.yaml …              |
 * | dockerfile     | Dockerfile, Dockerfile.dev, api.Dockerfile, Containerfile                  |
 * | env            | .env, .env.local, .env.production, prod.env                                |
 * | systemd-socket | *.socket                                                                   |
 * | package-json   | package.json                                                               |
 * | manifests      | any other *.yaml / *.yml: Kubernetes objects, and compose-shaped documents |
 *
 * Files under a Helm chart's `templates/` are Go templates, not YAML until
 * rendered: they are passed over (the chart's values.yaml is read).
 */
import type { Reader } from './reader.js';
import { readCompose } from './compose.js';
import { readDockerfile } from './dockerfile.js';
import { readEnvFile } from './env-file.js';
import { readHelmValues } from './helm-values.js';
import { readYamlManifests } from './manifests.js';
import { readPackageJson } from './package-json.js';
import { readSpringProperties, readSpringYaml } from './spring.js';
import { readSystemdSocket } from './systemd-socket.js';

export interface Classified {
  reader: Reader;
  /** A YAML file: read only when its text mentions a port (`port`, `expose`), since any other YAML declares none. */
  yaml: boolean;
}

const COMPOSE = /^(?:docker-)?compose(?:\.[\w.-]+)?\.ya?ml$/i;
const HELM_VALUES = /^values(?:[.-][\w.-]+)?\.ya?ml$/i;
const SPRING_PROPERTIES = /^(?:application|bootstrap)(?:[.-][\w.-]+)?\.properties$/i;
const SPRING_YAML = /^(?:application|bootstrap)(?:[.-][\w.-]+)?\.ya?ml$/i;
const DOCKERFILE = /^(?:(?:dockerfile|containerfile)(?:[.-][\w.-]+)?|[\w.-]+\.(?:dockerfile|containerfile))$/i;
/** `Dockerfile.md`, `Dockerfile.bak`: documents and copies named after a Dockerfile, not Dockerfiles. */
const NOT_A_DOCKERFILE = /\.(?:md|markdown|txt|rst|adoc|html?|orig|bak|swp|log|json|ya?ml|sh|ps1|py|js|ts)$/i;
const ENV = /^(?:\.env(?:\.[\w.-]+)?|[\w.-]+\.env)$/i;
const YAML = /\.ya?ml$/i;

/** The reader for a file name; null for files the inventory does not read. */
export function classify(name: string): Classified | null {
  if (name === 'package.json') return { reader: readPackageJson, yaml: false };
  if (COMPOSE.test(name)) return { reader: readCompose, yaml: true };
  if (HELM_VALUES.test(name)) return { reader: readHelmValues, yaml: true };
  if (SPRING_PROPERTIES.test(name)) return { reader: readSpringProperties, yaml: false };
  if (SPRING_YAML.test(name)) return { reader: readSpringYaml, yaml: true };
  if (DOCKERFILE.test(name) && !NOT_A_DOCKERFILE.test(name)) return { reader: readDockerfile, yaml: false };
  if (ENV.test(name)) return { reader: readEnvFile, yaml: false };
  if (name.endsWith('.socket')) return { reader: readSystemdSocket, yaml: false };
  if (YAML.test(name)) return { reader: readYamlManifests, yaml: true };
  return null;
}

/** A YAML text that could declare a port: the readers look only at keys and values naming ports. */
export function mayDeclarePorts(text: string): boolean {
  return /port|expose/i.test(text);
}
