// HL7 v2 XML encoding (v2.xml) → the same message model as ER7. Segment elements are named by segment ID,
// fields SEG.n, components TYPE.k, subcomponents TYPE.j; group elements (ADT_A17.PATIENT) only nest segments.
// Read-only: Lifeline answers and sends ER7, which every partner accepts.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { type Delimiters, readDelimiters } from './delimiters';
import { Hl7ParseError } from './errors';
import { Hl7Message } from './message';
import { Segment } from './segment';

type XmlNode = { [name: string]: XmlNode[] | string | Record<string, string> };

const SEGMENT = /^[A-Z][A-Z0-9]{2}$/;

function nameOf(node: XmlNode): string {
  return Object.keys(node).find((k) => k !== ':@') ?? '';
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function childrenOf(node: XmlNode): XmlNode[] {
  const value = node[nameOf(node)];
  return Array.isArray(value) ? value : [];
}

function isElement(node: XmlNode): boolean {
  const n = nameOf(node);
  return n !== '#text' && n !== '' && localName(n) !== 'escape';
}

/** Text of an element, with <escape V="F"/> elements turned back into the characters they stand for. */
function textOf(children: XmlNode[], d: Delimiters): string {
  let out = '';
  for (const c of children) {
    const n = nameOf(c);
    if (n === '#text') out += String(c['#text']);
    else if (localName(n) === 'escape') {
      const v = (c[':@'] as Record<string, string> | undefined)?.['@_V'] ?? '';
      out +=
        { F: d.field, S: d.component, T: d.subcomponent, R: d.repetition, E: d.escape, '.br': '\n' }[v] ?? '';
    }
  }
  return out;
}

/** Field, component or subcomponent number from an element name such as 'PID.3' or 'CX.4'. */
function position(name: string, where: string): number {
  const m = /\.(\d+)$/.exec(localName(name));
  if (!m) throw new Hl7ParseError(`XML: element <${name}> in ${where} is not numbered (expected NAME.n)`);
  return Number(m[1]);
}

export function isXmlEncoded(text: string): boolean {
  return /^\s*</.test(text.replace(/^\uFEFF/, ''));
}

/** Parses one message in the HL7 v2 XML encoding. */
export function parseXmlMessage(xml: string): Hl7Message {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new Hl7ParseError(`XML: ${valid.err.msg}`, { line: valid.err.line });
  }
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    trimValues: true,
    processEntities: true,
  });
  const doc = parser.parse(xml) as XmlNode[];
  const root = doc.find((n) => isElement(n) && !nameOf(n).startsWith('?'));
  if (!root) throw new Hl7ParseError('XML: no root element');
  const segments: Segment[] = [];
  let delimiters: Delimiters | undefined;

  const visit = (node: XmlNode) => {
    for (const child of childrenOf(node).filter(isElement)) {
      const name = localName(nameOf(child));
      if (SEGMENT.test(name)) {
        if (name === 'MSH') delimiters = headerDelimiters(child);
        if (!delimiters)
          throw new Hl7ParseError(`XML: segment ${name} appears before MSH`, { segment: name });
        segments.push(toSegment(name, child, delimiters));
      } else {
        visit(child); // a group such as ADT_A17.PATIENT
      }
    }
  };
  visit(root);
  if (segments.length === 0 || segments[0].id !== 'MSH') {
    throw new Hl7ParseError('XML: no MSH segment: the document is not an HL7 v2 XML message');
  }
  const message = new Hl7Message(segments);
  if (!message.type.code)
    throw new Hl7ParseError('XML: MSH-9 (message type) is empty', { segment: 'MSH', field: 9 });
  return message;
}

function headerDelimiters(msh: XmlNode): Delimiters {
  const fields = childrenOf(msh).filter(isElement);
  const text = (n: number) => {
    const f = fields.find((c) => localName(nameOf(c)) === `MSH.${n}`);
    return f ? textOf(childrenOf(f), readDelimiters('MSH|^~\\&|')) : '';
  };
  const field = text(1) || '|';
  const encoding = text(2) || '^~\\&';
  return readDelimiters(`MSH${field}${encoding}${field}`);
}

function toSegment(id: string, element: XmlNode, d: Delimiters): Segment {
  const segment = new Segment(id, d);
  const repetitions = new Map<number, number>();
  for (const f of childrenOf(element).filter(isElement)) {
    const field = position(nameOf(f), id);
    if (id === 'MSH' && field <= 2) continue; // already the delimiters
    const repetition = (repetitions.get(field) ?? 0) + 1;
    repetitions.set(field, repetition);
    const components = childrenOf(f).filter(isElement);
    if (components.length === 0) {
      segment.set({ field, repetition }, textOf(childrenOf(f), d));
      continue;
    }
    for (const c of components) {
      const component = position(nameOf(c), `${id}-${field}`);
      const subs = childrenOf(c).filter(isElement);
      if (subs.length === 0) {
        segment.set({ field, repetition, component }, textOf(childrenOf(c), d));
        continue;
      }
      for (const s of subs) {
        const subcomponent = position(nameOf(s), `${id}-${field}.${component}`);
        segment.set({ field, repetition, component, subcomponent }, textOf(childrenOf(s), d));
      }
    }
  }
  return segment;
}
