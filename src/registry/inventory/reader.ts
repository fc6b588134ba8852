import type { InventoryProblem, PortFinding } from './types.js';

/** What a reader gets besides the file's text. */
export interface ReadContext {
  /** The file as reported: the walked directory as given, joined with the path inside it. */
  file: string;
  /** The text of a file in the same directory (compose reads `.env` there); null when absent or unreadable. */
  sibling(name: string): string | null;
}

export interface ReaderResult {
  findings: PortFinding[];
  problems: InventoryProblem[];
}

/** Reads one kind of file. Never throws on bad content: it reports a problem and reads what it can. */
export type Reader = (text: string, context: ReadContext) => ReaderResult;
