import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FormatError } from '../types';

/** A parsed XML element: attributes as "@name", child elements by local name, text as "#text". */
// biome-ignore lint/suspicious/noExplicitAny: XML trees are untyped until a reader walks them
export type XmlNode = Record<string, any>;

/**
 * Text of an XML file in the encoding it declares (BOM first, then the XML declaration): ECG carts write
 * UTF-8, UTF-16, ISO-8859-1 (GE MUSE) and, in China, GB2312/GBK/GB18030.
 */
export function decodeXmlText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return new TextDecoder('utf-8').decode(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  if (bytes[0] === 0x3c && bytes[1] === 0x00) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0x00 && bytes[1] === 0x3c) return new TextDecoder('utf-16be').decode(bytes);
  const head = String.fromCharCode(...bytes.subarray(0, 200));
  const declared = /<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  let label = 'utf-8';
  if (declared) {
    if (/^(gb2312|gbk|gb18030|cp936|x-gbk)$/.test(declared)) label = 'gb18030';
    else {
      try {
        label = new TextDecoder(declared).encoding;
      } catch {
        label = 'utf-8'; // an unknown label: UTF-8 is the XML default
      }
    }
  }
  return new TextDecoder(label).decode(bytes);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
});

/** Parses XML after checking it is well-formed, so garbage gives a FormatError with the line, not a crash. */
export function parseXml(text: string, format: string): XmlNode {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new FormatError(
      `malformed XML at line ${valid.err.line}: ${valid.err.msg.replace(/\s+/g, ' ')}`,
      format,
    );
  }
  return parser.parse(text) as XmlNode;
}

/** The root element's local name (ignoring the declaration, comments and DOCTYPE), or undefined. */
export function xmlRootName(text: string): string | undefined {
  const body = text
    .slice(0, 4096)
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/i, '');
  const m = /<\s*([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(body);
  return m?.[2];
}

/** Always an array, whether the element occurs once, many times or not at all. */
export function list(value: unknown): XmlNode[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as XmlNode[];
}

/** First occurrence of a child. */
export function one(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node ? list(node[name])[0] : undefined;
}

/** Text content of an element that may have attributes. */
export function text(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return text((v as XmlNode)['#text']);
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

/** Follows a path of child names, taking the first occurrence at each step. */
export function path(node: XmlNode | undefined, ...names: string[]): XmlNode | undefined {
  let cur = node;
  for (const n of names) cur = one(cur, n);
  return cur;
}

export function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`,
  );
}
