import { printJson, type CliContext } from '../context.js';

/**
 * The `schema` every `--json` document of the port-choice commands carries
 * (docs/json-schemas.md), first among its keys: `portpick.<kind>/<major>`.
 * The major version changes when a field is removed, renamed or changes
 * meaning; adding a field does not change it.
 */
export const JSON_SCHEMAS = {
  check: 'portpick.check/1',
  checkList: 'portpick.check-list/1',
  suggest: 'portpick.suggest/1',
  pick: 'portpick.pick/1',
  free: 'portpick.free/1',
  inventory: 'portpick.inventory/1',
  map: 'portpick.map/1',
} as const;

export type JsonKind = keyof typeof JSON_SCHEMAS;

/** The report with its schema id first. */
export function withSchema<T extends object>(kind: JsonKind, report: T): { schema: string } & T {
  return { schema: JSON_SCHEMAS[kind], ...report };
}

export function printReport(ctx: CliContext, kind: JsonKind, report: object): void {
  printJson(ctx, withSchema(kind, report));
}
