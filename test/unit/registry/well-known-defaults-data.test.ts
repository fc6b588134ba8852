import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ajvModule from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';

// The curated dataset of well-known product defaults (data/defaults/) and its JSON Schema.
// Every check below is a function returning the problems it finds, so that the same
// function is run on the shipped file and on broken copies of it: each check is shown
// to fail on the kind of entry it exists to catch.

const DATA_URL = new URL('../../../data/defaults/well-known-defaults.json', import.meta.url);
const SCHEMA_URL = new URL('../../../data/defaults/well-known-defaults.schema.json', import.meta.url);
const MINIMUM_ENTRIES = 250;

interface PortRange {
  from: number;
  to: number;
}

interface Entry {
  id: string;
  product: string;
  service: string;
  ports: Array<number | PortRange>;
  protocols: string[];
  category: string;
  summary: string;
  citation: { url: string; kind: string; checked: string };
  note?: string;
}

interface Dataset {
  version: number;
  entries: Entry[];
}

const rawText = readFileSync(DATA_URL, 'utf8');
const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as { $defs: { category: { enum: string[] } } };
const shipped = JSON.parse(rawText) as Dataset;

const Ajv2020 = ajvModule.default;
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validateDataset = ajv.compile(schema);

function copyOf(dataset: Dataset): Dataset {
  return structuredClone(dataset);
}

function firstEntry(dataset: Dataset): Entry {
  const entry = dataset.entries[0];
  if (entry === undefined) throw new Error('Expected the dataset to have at least one entry, got none');
  return entry;
}

function schemaProblems(dataset: unknown): string[] {
  if (validateDataset(dataset)) return [];
  return (validateDataset.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
}

function duplicateIdProblems(dataset: Dataset): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const entry of dataset.entries) {
    if (seen.has(entry.id)) problems.push(`id \`${entry.id}\` is used twice`);
    seen.add(entry.id);
  }
  return problems;
}

/** Two entries for one product and one service would be two answers to one question. */
function duplicateProductServiceProblems(dataset: Dataset): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const entry of dataset.entries) {
    const key = `${entry.product.toLowerCase()}\u0000${entry.service.toLowerCase()}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push(`${entry.product}'s ${entry.service} has two entries: \`${earlier}\` and \`${entry.id}\``);
    }
    seen.set(key, entry.id);
  }
  return problems;
}

function portNumbersOf(entry: Entry): number[] {
  const numbers: number[] = [];
  for (const port of entry.ports) {
    if (typeof port === 'number') numbers.push(port);
    else for (let value = port.from; value <= port.to; value += 1) numbers.push(value);
  }
  return numbers;
}

/** One product claiming one port and protocol for two of its services is a contradiction. */
function sameProductPortProblems(dataset: Dataset): string[] {
  const claims = new Map<string, string>();
  const problems: string[] = [];
  for (const entry of dataset.entries) {
    for (const protocol of entry.protocols) {
      for (const port of portNumbersOf(entry)) {
        const key = `${entry.product.toLowerCase()}\u0000${port}/${protocol}`;
        const earlier = claims.get(key);
        if (earlier !== undefined && earlier !== entry.id) {
          problems.push(`${entry.product} claims ${port}/${protocol} in both \`${earlier}\` and \`${entry.id}\``);
        }
        claims.set(key, entry.id);
      }
    }
  }
  return problems;
}

function rangeProblems(dataset: Dataset): string[] {
  const problems: string[] = [];
  for (const entry of dataset.entries) {
    for (const port of entry.ports) {
      if (typeof port !== 'number' && !(port.from < port.to)) {
        problems.push(`\`${entry.id}\`: expected a range with from < to, got ${port.from}–${port.to}`);
      }
    }
    const singles = entry.ports.filter((port): port is number => typeof port === 'number');
    if (new Set(singles).size !== singles.length) problems.push(`\`${entry.id}\` lists a port twice`);
  }
  return problems;
}

/** Branch names move; a source citation must name a tag or a commit. */
const MOVING_REFS = new Set(['main', 'master', 'head', 'develop', 'dev', 'trunk', 'latest', 'next', 'nightly']);

function citationProblems(dataset: Dataset): string[] {
  const problems: string[] = [];
  for (const entry of dataset.entries) {
    const { url, kind } = entry.citation;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      problems.push(`\`${entry.id}\`: expected a well-formed URL, got \`${url}\``);
      continue;
    }
    if (parsed.protocol !== 'https:') problems.push(`\`${entry.id}\`: expected an https URL, got \`${url}\``);
    if (!parsed.hostname.includes('.') || parsed.username !== '' || parsed.password !== '') {
      problems.push(`\`${entry.id}\`: expected a public host name without credentials, got \`${url}\``);
    }
    if (parsed.href !== url && `${parsed.href}` !== encodeURI(url)) {
      problems.push(`\`${entry.id}\`: expected the URL in normal form, got \`${url}\` (normal form \`${parsed.href}\`)`);
    }
    if (kind === 'source') {
      const match = /^\/[^/]+\/[^/]+\/blob\/([^/]+)\/.+/.exec(parsed.pathname);
      const ref = match?.[1];
      if (parsed.hostname !== 'github.com' || ref === undefined) {
        problems.push(`\`${entry.id}\`: expected a source citation of the form https://github.com/OWNER/REPO/blob/REF/PATH, got \`${url}\``);
      } else if (MOVING_REFS.has(ref.toLowerCase())) {
        problems.push(`\`${entry.id}\`: expected a source citation pinned to a tag or commit, got the branch \`${ref}\``);
      } else if (!/^#L\d+(-L\d+)?$/.test(parsed.hash)) {
        problems.push(`\`${entry.id}\`: expected a source citation to point at a line (#L…), got \`${parsed.hash}\``);
      }
    }
  }
  return problems;
}

function checkedDateProblems(dataset: Dataset): string[] {
  const problems: string[] = [];
  for (const entry of dataset.entries) {
    const { checked } = entry.citation;
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(checked);
    const date = new Date(`${checked}T00:00:00Z`);
    const isCalendarDate =
      match !== null &&
      !Number.isNaN(date.getTime()) &&
      date.getUTCFullYear() === Number(match[1]) &&
      date.getUTCMonth() + 1 === Number(match[2]) &&
      date.getUTCDate() === Number(match[3]);
    if (!isCalendarDate) problems.push(`\`${entry.id}\`: expected a calendar date YYYY-MM-DD, got \`${checked}\``);
    else if (date.getUTCFullYear() < 2020) problems.push(`\`${entry.id}\`: expected a check after 2020, got \`${checked}\``);
  }
  return problems;
}

function categoryProblems(dataset: Dataset): string[] {
  const known = new Set(schema.$defs.category.enum);
  return dataset.entries
    .filter((entry) => !known.has(entry.category))
    .map((entry) => `\`${entry.id}\`: expected a category from the schema, got \`${entry.category}\``);
}

function allProblems(dataset: Dataset): string[] {
  return [
    ...schemaProblems(dataset),
    ...duplicateIdProblems(dataset),
    ...duplicateProductServiceProblems(dataset),
    ...sameProductPortProblems(dataset),
    ...rangeProblems(dataset),
    ...citationProblems(dataset),
    ...checkedDateProblems(dataset),
    ...categoryProblems(dataset),
  ];
}

/** Ports that several products default to: expected (3000, 8080, …), reported for information only. */
function sharedPorts(dataset: Dataset): Map<string, string[]> {
  const products = new Map<string, Set<string>>();
  for (const entry of dataset.entries) {
    for (const protocol of entry.protocols) {
      for (const port of portNumbersOf(entry)) {
        const key = `${port}/${protocol}`;
        const names = products.get(key) ?? new Set<string>();
        names.add(entry.product);
        products.set(key, names);
      }
    }
  }
  const shared = new Map<string, string[]>();
  for (const [key, names] of products) if (names.size > 1) shared.set(key, [...names].sort());
  return shared;
}

describe('the well-known defaults dataset (data/defaults/well-known-defaults.json)', () => {
  it('parses as JSON and points at its schema', () => {
    expect(() => JSON.parse(rawText) as unknown).not.toThrow();
    expect((JSON.parse(rawText) as { $schema?: string }).$schema).toBe('./well-known-defaults.schema.json');
    expect(fileURLToPath(SCHEMA_URL)).toMatch(/well-known-defaults\.schema\.json$/);
  });

  it('validates against its JSON Schema', () => {
    expect(schemaProblems(shipped)).toEqual([]);
  });

  it(`has at least ${MINIMUM_ENTRIES} entries`, () => {
    expect(shipped.entries.length).toBeGreaterThanOrEqual(MINIMUM_ENTRIES);
  });

  it('has unique ids and one entry per product and service', () => {
    expect(duplicateIdProblems(shipped)).toEqual([]);
    expect(duplicateProductServiceProblems(shipped)).toEqual([]);
  });

  it('never has one product claim one port for two of its services', () => {
    expect(sameProductPortProblems(shipped)).toEqual([]);
  });

  it('has valid port ranges and no port listed twice in an entry', () => {
    expect(rangeProblems(shipped)).toEqual([]);
  });

  it('cites a well-formed https URL for every entry, source citations pinned to a tag or commit and a line', () => {
    expect(citationProblems(shipped)).toEqual([]);
  });

  it('records a calendar date for every check of a citation', () => {
    expect(checkedDateProblems(shipped)).toEqual([]);
  });

  it('uses only categories of the schema', () => {
    expect(categoryProblems(shipped)).toEqual([]);
  });

  it('lists the ports several products share, for information', () => {
    const shared = sharedPorts(shipped);
    const lines = [...shared].map(([port, names]) => `${port}: ${names.join(', ')}`);
    console.info(`Ports several products default to (${lines.length}):\n${lines.join('\n')}`);
    for (const names of shared.values()) expect(names.length).toBeGreaterThan(1);
  });
});

describe('the dataset checks catch a broken entry', () => {
  it('finds nothing wrong with an unchanged copy', () => {
    expect(allProblems(copyOf(shipped))).toEqual([]);
  });

  it('rejects an entry that breaks the schema', () => {
    const wrongPort = copyOf(shipped);
    firstEntry(wrongPort).ports = [70_000];
    expect(schemaProblems(wrongPort).join('\n')).toMatch(/\/entries\/0\/ports\/0/);

    const wrongProtocol = copyOf(shipped);
    firstEntry(wrongProtocol).protocols = ['quic'];
    expect(schemaProblems(wrongProtocol)).not.toEqual([]);

    const noCitation = copyOf(shipped) as unknown as { entries: Array<Record<string, unknown>> };
    delete noCitation.entries[0]?.citation;
    expect(schemaProblems(noCitation).join('\n')).toMatch(/citation/);

    const unknownField = copyOf(shipped) as unknown as { entries: Array<Record<string, unknown>> };
    const entry = unknownField.entries[0];
    if (entry !== undefined) entry.iana = true;
    expect(schemaProblems(unknownField).join('\n')).toMatch(/additional properties/);

    const badId = copyOf(shipped);
    firstEntry(badId).id = 'Not Kebab';
    expect(schemaProblems(badId)).not.toEqual([]);
  });

  it('rejects a repeated id and a repeated product and service', () => {
    const repeated = copyOf(shipped);
    const copy = structuredClone(firstEntry(repeated));
    repeated.entries.push(copy);
    expect(duplicateIdProblems(repeated)).toHaveLength(1);

    copy.id = `${copy.id}-again`;
    copy.product = copy.product.toUpperCase();
    expect(duplicateIdProblems(repeated)).toEqual([]);
    expect(duplicateProductServiceProblems(repeated)).toHaveLength(1);
  });

  it('rejects one product claiming one port for two services', () => {
    const clash = copyOf(shipped);
    const copy = structuredClone(firstEntry(clash));
    copy.id = `${copy.id}-other`;
    copy.service = `${copy.service} (other)`;
    clash.entries.push(copy);
    expect(sameProductPortProblems(clash)).not.toEqual([]);
    copy.product = `${copy.product} Other`;
    expect(sameProductPortProblems(clash)).toEqual([]);
  });

  it('rejects an empty or backward range and a repeated port', () => {
    const backward = copyOf(shipped);
    firstEntry(backward).ports = [{ from: 5000, to: 4000 }];
    expect(rangeProblems(backward)).toHaveLength(1);
    firstEntry(backward).ports = [{ from: 5000, to: 5000 }];
    expect(rangeProblems(backward)).toHaveLength(1);
    firstEntry(backward).ports = [5000, 5000];
    expect(rangeProblems(backward)).toHaveLength(1);
  });

  it('rejects a citation that is not https, not well-formed, or a source not pinned to a tag, commit and line', () => {
    const urls: Array<[string, 'documentation' | 'source']> = [
      ['http://example.org/docs', 'documentation'],
      ['https://exa mple.org/docs', 'documentation'],
      ['https://localhost/docs', 'documentation'],
      ['https://user:secret@example.org/docs', 'documentation'],
      ['https://example.org/owner/repo/blob/v1/file.go#L3', 'source'],
      ['https://github.com/owner/repo/blob/main/file.go#L3', 'source'],
      ['https://github.com/owner/repo/blob/v1.2.3/file.go', 'source'],
      ['https://github.com/owner/repo/tree/v1.2.3/dir', 'source'],
    ];
    for (const [url, kind] of urls) {
      const broken = copyOf(shipped);
      firstEntry(broken).citation = { url, kind, checked: '2026-12-06' };
      expect(citationProblems(broken), url).toHaveLength(1);
    }
    const pinned = copyOf(shipped);
    firstEntry(pinned).citation = { url: 'https://github.com/owner/repo/blob/v1.2.3/file.go#L3-L5', kind: 'source', checked: '2026-12-06' };
    expect(citationProblems(pinned)).toEqual([]);
  });

  it('rejects a checked date that is not a calendar date', () => {
    for (const checked of ['2026-02-30', '2026-13-01', '06/12/2026', '2019-05-01']) {
      const broken = copyOf(shipped);
      firstEntry(broken).citation.checked = checked;
      expect(checkedDateProblems(broken), checked).toHaveLength(1);
    }
  });

  it('rejects a category outside the schema', () => {
    const broken = copyOf(shipped);
    firstEntry(broken).category = 'blockchain';
    expect(categoryProblems(broken)).toHaveLength(1);
    expect(schemaProblems(broken)).not.toEqual([]);
  });
});
