/**
 * What `portpick inventory` reads from an organisation's code: every port a
 * file declares, where, for what, and how sure the reading is.
 */
import type { Protocol } from '../types.js';

/** The kinds of file the inventory reads (see readers.ts for how each is recognised). */
export const INVENTORY_KINDS = [
  'compose',
  'kubernetes',
  'helm-values',
  'dockerfile',
  'env',
  'systemd-socket',
  'package-json',
  'spring',
] as const;
/** @useDeclaredType */
export type InventoryKind = (typeof INVENTORY_KINDS)[number];

/**
 * How sure a reading is:
 * - high:   a literal number in a field that is a port by definition (compose `ports`, `containerPort`, `EXPOSE`, `ListenStream`, `server.port`)
 * - medium: a port by name or by default (`${WEB_PORT:-8080}`, `API_PORT=8080`, a Helm value `httpPort`, `--port 5174` in a script)
 * - low:    a likely port with another plausible meaning (`-p 4000` in a script)
 */
export type Confidence = 'high' | 'medium' | 'low';

/** One port (or range) one file declares. */
export interface PortFinding {
  /** First and last port: equal for one port; a range for `8000-8010`. */
  first: number;
  last: number;
  protocol: Protocol;
  /** The file, as the walked directory was given joined with its path inside it. */
  file: string;
  /** 1-based line of the value. */
  line: number;
  kind: InventoryKind;
  /** The service or object the port belongs to: `service web`, `Service/api`, `Deployment/api container app`, `script dev`. */
  owner: string;
  /** The field read: `ports`, `expose`, `containerPort`, `nodePort`, `EXPOSE`, `PORT`, `ListenStream`, `server.port` … */
  field: string;
  /** What the port is on that object: published on the host, the container's, a Service's … */
  role?: 'published' | 'container' | 'service' | 'target' | 'node' | 'host' | 'listen' | 'value';
  confidence: Confidence;
  /** How the value was obtained when it was not a plain literal. */
  note?: string;
}

/** A file the inventory could not read, or read only in part. */
export interface InventoryProblem {
  file: string;
  /** 1-based line, when the problem has one (malformed YAML). */
  line?: number;
  /** malformed: skipped (whole file or one YAML document); unreadable: could not be read; unresolved: a value that names a variable with no default. */
  problem: 'malformed' | 'unreadable' | 'unresolved';
  message: string;
}

/** Files passed over on purpose, counted per reason (never silently: the report shows them). */
export interface InventorySkips {
  /** Directories, and files of the kinds the inventory reads, ignored by a .gitignore. */
  gitignored: number;
  /** node_modules, vendor and other vendored or tool directories. */
  vendored: number;
  /** Symbolic links whose target is outside the walked directory, or already walked. */
  symlinks: number;
  /** A file of a kind the inventory reads, but binary (a NUL byte) or larger than the limit. */
  binaryOrLarge: number;
  /** Helm chart templates (Go templates, not YAML until rendered; values.yaml is read). */
  helmTemplates: number;
}

export interface InventoryReport {
  /** The directories walked, as given. */
  roots: string[];
  findings: PortFinding[];
  problems: InventoryProblem[];
  skipped: InventorySkips;
  /** Files in the directories walked (ignored and skipped directories are not walked). */
  filesSeen: number;
  /** Files read because their name or place marks a kind the inventory reads. */
  filesRead: number;
  /** Findings per kind. */
  byKind: Record<InventoryKind, number>;
}
