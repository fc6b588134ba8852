/**
 * Root of portpick's typed errors. Every error the library throws on bad input
 * or a failed operation is a PortpickError subclass with a stable `code`, a
 * message that says what was expected and what came, and the underlying `cause`.
 */
export class PortpickError extends Error {
  /** Stable and machine-readable (`ERR_PORT_SPEC` …): branch on it, or on the class, never on the message. */
  readonly code: string;

  /** @internal The library makes these errors; callers catch them. */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Renders a received value for an error message: `70000` (number), `"abc"` (string). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `\`${value}\``;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return `\`${String(value)}\` (${typeof value})`;
  }
  if (value === null) return '`null`';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value}`;
}
