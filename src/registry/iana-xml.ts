import { RegistryParseError } from '../errors/registry-parse-error.js';
import { parsePortField, parseProtocolField } from './iana-csv.js';
import { RecordIanaRegistry, newestIanaDate, type IanaRecord } from './iana-registry.js';

/**
 * The XML form of the IANA registry (service-names-port-numbers.xml):
 *
 *   <registry id="service-names-port-numbers"> <updated>2026-04-09</updated>
 *     <record date="2002-05" updated="2017-06-05">
 *       <name>…</name> <protocol>tcp</protocol> <number>6000-6063</number>
 *       <description>…</description> <assignee><xref type="person" data="X"/></assignee>
 *       <contact>…</contact> <xref type="rfc" data="rfc6335"/> <note>…</note>
 *       <unauthorized>…</unauthorized> <sc>…</sc>
 *     </record> …
 *     <people> <person id="X"><name>…</name><updated>…</updated></person> … </people>
 *   </registry>
 *
 * A small hand-written reader of just that: elements, attributes, text, the five
 * predefined entities and numeric references, comments, processing instructions,
 * CDATA and a DOCTYPE without an internal subset. Records are the <record>
 * elements whose parent is a <registry>; everything else (people, notes) is skipped.
 */
export function parseIanaXml(text: string, file: string): RecordIanaRegistry {
  const { records, updated } = readIanaXmlRecords(text, file);
  return new RecordIanaRegistry(records, { origin: file, updated: updated ?? newestIanaDate(records), file });
}

export interface IanaXmlContent {
  records: IanaRecord[];
  /** The root <updated> date, when present. */
  updated: string | undefined;
  /** The root element's id attribute (`service-names-port-numbers` for the real file). */
  registryId: string | undefined;
}

/** Mutable state of the record being read. */
interface RecordDraft {
  line: number;
  date: string | undefined;
  updated: string | undefined;
  fields: Map<string, string>;
  assignee: string[];
  contact: string[];
  people: string[];
  references: string[];
}

/** Fields read as plain text (inline <xref> becomes `[data]`, <br/> a line break). */
const TEXT_FIELDS = new Set(['name', 'protocol', 'number', 'description', 'note', 'unauthorized', 'sc']);

export function readIanaXmlRecords(text: string, file: string): IanaXmlContent {
  const records: IanaRecord[] = [];
  const stack: string[] = [];
  let updated: string | undefined;
  let registryId: string | undefined;
  let draft: RecordDraft | undefined;
  /** Which text field of the draft is open, and at what stack depth. */
  let field: { name: string; depth: number; text: string } | undefined;
  /** Inside <assignee> or <contact> of the draft. */
  let party: 'assignee' | 'contact' | undefined;
  let rootUpdated: { depth: number; text: string } | undefined;

  const onText = (value: string): void => {
    if (field) field.text += value;
    else if (rootUpdated) rootUpdated.text += value;
  };

  const onOpen = (name: string, attributes: Map<string, string>, selfClosing: boolean, line: number): void => {
    const parent = stack[stack.length - 1];
    if (stack.length === 0) {
      if (name !== 'registry') throw new RegistryParseError(`Expected the root element <registry>, got <${name}>`, file, line);
      registryId = attributes.get('id');
    }
    if (name === 'record' && parent === 'registry' && !draft) {
      draft = {
        line,
        date: attributes.get('date'),
        updated: attributes.get('updated'),
        fields: new Map(),
        assignee: [],
        contact: [],
        people: [],
        references: [],
      };
    } else if (draft && name === 'xref') {
      const rendered = renderXref(attributes);
      if (field) field.text += rendered;
      else if (party) draft[party].push(rendered);
      else if (attributes.get('type') === 'person') draft.people.push(rendered);
      else draft.references.push(rendered);
    } else if (draft && name === 'br') {
      if (field) field.text += '\n';
    } else if (draft && parent === 'record' && (name === 'assignee' || name === 'contact') && !selfClosing) {
      party = name;
    } else if (draft && parent === 'record' && TEXT_FIELDS.has(name) && !field) {
      if (selfClosing) draft.fields.set(name, '');
      else field = { name, depth: stack.length + 1, text: '' };
    } else if (!draft && name === 'updated' && parent === 'registry' && stack.length === 1 && !selfClosing) {
      rootUpdated = { depth: stack.length + 1, text: '' };
    }
    if (!selfClosing) stack.push(name);
  };

  const onClose = (name: string, line: number): void => {
    const open = stack.pop();
    if (open !== name) {
      throw new RegistryParseError(`Expected </${open ?? 'nothing'}>, got </${name}>`, file, line);
    }
    const depth = stack.length + 1;
    if (field && field.depth === depth && field.name === name && draft) {
      draft.fields.set(name, field.text);
      field = undefined;
    } else if (rootUpdated && rootUpdated.depth === depth) {
      updated = rootUpdated.text.trim();
      rootUpdated = undefined;
    } else if (party && name === party && stack[stack.length - 1] === 'record') {
      party = undefined;
    } else if (draft && name === 'record' && stack[stack.length - 1] === 'registry') {
      records.push(finishRecord(draft, file));
      draft = undefined;
    }
  };

  scanXml(text, file, { onText, onOpen, onClose });
  if (stack.length > 0) {
    throw new RegistryParseError(`Expected </${stack[stack.length - 1] ?? ''}> before the end of the file, got the end of the file`, file, countLinesUpTo(text, text.length));
  }
  return { records, updated: updated === '' ? undefined : updated, registryId };
}

function finishRecord(draft: RecordDraft, file: string): IanaRecord {
  const get = (name: string): string => (draft.fields.get(name) ?? '').trim();
  const name = get('name');
  const ports = parsePortField(get('number'), file, draft.line);
  const protocol = parseProtocolField(get('protocol'), file, draft.line);
  if (ports === null && name === '') {
    throw new RegistryParseError('Expected a <number> or a <name> in <record>, got neither', file, draft.line);
  }
  const record: IanaRecord = { name, ports, protocol, description: get('description'), line: draft.line };
  // Older files list people as bare <xref type="person"> without <assignee>/<contact>.
  const assignee = draft.assignee.length > 0 ? draft.assignee : draft.people;
  const contact = draft.contact.length > 0 ? draft.contact : draft.people;
  if (assignee.length > 0) record.assignee = assignee.join('');
  if (contact.length > 0) record.contact = contact.join('');
  if (draft.date) record.registrationDate = draft.date;
  if (draft.updated) record.modificationDate = draft.updated;
  if (draft.references.length > 0) record.reference = draft.references.join('');
  const serviceCode = get('sc');
  if (serviceCode) record.serviceCode = serviceCode;
  const unauthorized = get('unauthorized');
  if (unauthorized) record.unauthorizedUse = unauthorized;
  const note = get('note');
  if (note) record.assignmentNotes = note;
  return record;
}

/** `<xref type="rfc" data="rfc6335"/>` → `[RFC6335]`, the CSV's spelling; other types → `[data]`. */
function renderXref(attributes: Map<string, string>): string {
  const data = attributes.get('data') ?? '';
  return attributes.get('type') === 'rfc' ? `[${data.toUpperCase()}]` : `[${data}]`;
}

interface XmlHandlers {
  onText(text: string): void;
  onOpen(name: string, attributes: Map<string, string>, selfClosing: boolean, line: number): void;
  onClose(name: string, line: number): void;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTRIBUTE = /\s*([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;

/** A streaming scan of the XML, calling the handlers in document order. */
function scanXml(text: string, file: string, handlers: XmlHandlers): void {
  const length = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // Line numbers advance lazily: count LFs between the last counted position and `pos`.
  let line = 1;
  let counted = 0;
  const lineAt = (at: number): number => {
    for (let lf = text.indexOf('\n', counted); lf >= 0 && lf < at; lf = text.indexOf('\n', lf + 1)) line += 1;
    counted = Math.max(counted, at);
    return line;
  };
  const expectEnd = (marker: string, what: string, from: number): number => {
    const end = text.indexOf(marker, from);
    if (end < 0) throw new RegistryParseError(`Expected \`${marker}\` to close ${what}, got the end of the file`, file, lineAt(from));
    return end;
  };

  while (pos < length) {
    const lt = text.indexOf('<', pos);
    const textEnd = lt < 0 ? length : lt;
    if (textEnd > pos) handlers.onText(decodeEntities(text.slice(pos, textEnd), file, () => lineAt(pos)));
    if (lt < 0) break;
    pos = lt;
    if (text.startsWith('<!--', pos)) {
      pos = expectEnd('-->', 'a comment', pos + 4) + 3;
    } else if (text.startsWith('<![CDATA[', pos)) {
      const end = expectEnd(']]>', 'a CDATA section', pos + 9);
      handlers.onText(text.slice(pos + 9, end));
      pos = end + 3;
    } else if (text.startsWith('<?', pos)) {
      pos = expectEnd('?>', 'a processing instruction', pos + 2) + 2;
    } else if (text.startsWith('<!', pos)) {
      pos = expectEnd('>', 'a declaration', pos + 2) + 1;
    } else if (text.startsWith('</', pos)) {
      NAME.lastIndex = pos + 2;
      const match = NAME.exec(text);
      if (!match) throw new RegistryParseError('Expected an element name after `</`', file, lineAt(pos));
      const end = expectEnd('>', `</${match[0]}`, NAME.lastIndex);
      if (text.slice(NAME.lastIndex, end).trim() !== '') {
        throw new RegistryParseError(`Expected \`>\` after </${match[0]}, got \`${text.slice(NAME.lastIndex, end).trim()}\``, file, lineAt(pos));
      }
      handlers.onClose(match[0], lineAt(pos));
      pos = end + 1;
    } else {
      NAME.lastIndex = pos + 1;
      const match = NAME.exec(text);
      if (!match) throw new RegistryParseError(`Expected an element name after \`<\`, got \`${text.slice(pos, pos + 10)}\``, file, lineAt(pos));
      const attributes = new Map<string, string>();
      let at = NAME.lastIndex;
      for (;;) {
        ATTRIBUTE.lastIndex = at;
        const attribute = ATTRIBUTE.exec(text);
        if (!attribute) break;
        const [, attributeName = '', doubleQuoted, singleQuoted] = attribute;
        attributes.set(attributeName, decodeEntities(doubleQuoted ?? singleQuoted ?? '', file, () => lineAt(at)));
        at = ATTRIBUTE.lastIndex;
      }
      while (at < length && /\s/.test(text.charAt(at))) at += 1;
      let selfClosing = false;
      if (text.startsWith('/>', at)) {
        selfClosing = true;
        at += 2;
      } else if (text.charAt(at) === '>') {
        at += 1;
      } else {
        const got = at >= length ? 'the end of the file' : `\`${text.slice(at, at + 10)}\``;
        throw new RegistryParseError(`Expected an attribute, \`>\` or \`/>\` in <${match[0]}>, got ${got}`, file, lineAt(at));
      }
      handlers.onOpen(match[0], attributes, selfClosing, lineAt(pos));
      pos = at;
    }
  }
}

const ENTITY = /&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g;
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(raw: string, file: string, line: () => number): string {
  if (!raw.includes('&')) return raw;
  const decoded = raw.replace(ENTITY, (_whole, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    const named = NAMED_ENTITIES[body];
    if (named === undefined) throw new RegistryParseError(`Expected a predefined XML entity, got \`&${body};\``, file, line());
    return named;
  });
  if (/&(?!#x[0-9A-Fa-f]+;|#[0-9]+;|[A-Za-z]+;)/.test(raw)) {
    throw new RegistryParseError('Expected `&` to start an entity such as `&amp;`, got a bare `&`', file, line());
  }
  return decoded;
}

function countLinesUpTo(text: string, end: number): number {
  let line = 1;
  for (let lf = text.indexOf('\n'); lf >= 0 && lf < end; lf = text.indexOf('\n', lf + 1)) line += 1;
  return line;
}
