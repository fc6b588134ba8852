/**
 * Escaping for XML 1.0 text and attribute values.
 *
 * `& < > " '` become entities. In attributes, TAB, LF and CR become character
 * references so that attribute-value normalisation does not turn them into
 * spaces. Characters XML 1.0 cannot carry at all (C0 controls other than TAB,
 * LF, CR; U+FFFE, U+FFFF; lone surrogates) become U+FFFD, since no escape
 * exists for them — a hostile hostname or argument cannot break the document.
 */

// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const TEXT_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const ATTRIBUTE_ENTITIES: Record<string, string> = {
  ...TEXT_ENTITIES,
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

export function escapeXmlText(value: string): string {
  return value.replace(NOT_XML_CHAR, '\ufffd').replace(/[&<>]/g, (c) => TEXT_ENTITIES[c] ?? c);
}

export function escapeXmlAttribute(value: string): string {
  return value.replace(NOT_XML_CHAR, '\ufffd').replace(/[&<>"'\t\n\r]/g, (c) => ATTRIBUTE_ENTITIES[c] ?? c);
}

/** XML comments may not contain `--` nor end with `-`. */
export function escapeXmlComment(value: string): string {
  return escapeXmlText(value).replace(/-(?=-)/g, '- ').replace(/-$/, '- ');
}
