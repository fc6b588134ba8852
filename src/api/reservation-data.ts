import { InvalidArgumentError, RegistryParseError, describeValue } from '../errors/index.js';
import type { EntryIndex } from '../registry/entry-index.js';
import { parseReservations, reservationsToIndex } from '../registry/reservations.js';

/**
 * Reservations given to the library as data rather than as a file: the
 * entries of a reservation file's `reservations` list, with the same rules
 * (src/registry/reservations.ts) and the same messages.
 */
export interface ReservationInput {
  /** One port (1-65535); or give `ports`. */
  port?: number;
  /** A range `"7410-7419"`, a single `"7400"`, or a port number. */
  ports?: string | number;
  /** tcp (default), udp, sctp or dccp, or a list of them. */
  protocol?: string | readonly string[];
  /** The service the ports are reserved for. */
  service: string;
  /** Who holds the reservation (a team). */
  owner?: string;
  /** Anything else to say about it. */
  note?: string;
}

/** The origin reports show for reservations given as data. */
export const RESERVATIONS_DATA_ORIGIN = 'reservations given as data';

/** Validates the list and indexes it like a reservation file's. */
export function reservationsFromData(data: unknown): { index: EntryIndex; count: number } {
  if (!Array.isArray(data)) {
    throw new InvalidArgumentError(
      `Expected \`reservations\` to be a list of { port | ports, protocol?, service, owner?, note? }, got ${describeValue(data)}`,
    );
  }
  data.forEach((item: unknown, position) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new InvalidArgumentError(`Expected reservation ${position + 1} to be an object, got ${describeValue(item)}`);
    }
    for (const [key, value] of Object.entries(item)) {
      // Values JSON would change on the way (NaN → null, a function dropped) are refused here rather than coerced.
      const plain =
        value === undefined ||
        typeof value === 'string' ||
        (typeof value === 'number' && Number.isFinite(value)) ||
        (Array.isArray(value) && value.every((element) => typeof element === 'string'));
      if (!plain) throw new InvalidArgumentError(`Expected reservation ${position + 1} \`${key}\` to be text or a number, got ${describeValue(value)}`);
    }
  });
  let reservations;
  try {
    reservations = parseReservations(JSON.stringify({ reservations: data }), RESERVATIONS_DATA_ORIGIN, { format: 'json' }) ?? [];
  } catch (error) {
    if (!(error instanceof RegistryParseError)) throw error;
    // The file reader's message without its `file:line: ` prefix: the data has no lines.
    const message = error.message.replace(/^reservations given as data(?::\d+)?: /, '');
    throw new InvalidArgumentError(message, { cause: error });
  }
  for (const reservation of reservations) delete reservation.line;
  return { index: reservationsToIndex(reservations, RESERVATIONS_DATA_ORIGIN), count: reservations.length };
}
