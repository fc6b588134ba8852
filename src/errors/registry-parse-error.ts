import { PortpickError } from './portpick-error.js';

/**
 * A registry file (IANA CSV/XML, nmap-services, services, reservations) that is malformed.
 * Its `code` is `ERR_REGISTRY_PARSE`.
 */
export class RegistryParseError extends PortpickError {
  readonly file: string;
  readonly line: number | undefined;

  /** @internal The library makes these errors; callers catch them. */
  constructor(message: string, file: string, line?: number, options?: { cause?: unknown }) {
    super('ERR_REGISTRY_PARSE', line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`, options);
    this.file = file;
    this.line = line;
  }
}
