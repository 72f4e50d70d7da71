// YAML text -> plain data, keeping the way back from any data path to the
// YAML node it came from, so that every problem can be reported at its
// line:column. Integers are parsed as BigInt (`intAsBigInt`) so that a
// 64-bit value is never rounded through a float; deciding which values must
// be small Numbers is the schema's job.

import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  type ParsedNode,
  parseDocument,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import type { ScenarioDiagnostic } from './diagnostics.ts';

/** One step into the data: a mapping key (as text) or a list index. */
export type PathStep = string | number;
export type DataPath = readonly PathStep[];

export interface Position {
  line: number;
  column: number;
}

export interface YamlTree {
  file: string;
  text: string;
  /** Plain data: objects, arrays, strings, BigInt integers, floats, booleans, null. */
  data: unknown;
  /** YAML syntax errors and warnings, located. */
  syntax: ScenarioDiagnostic[];
  /** Position of an offset in the text (1-based line and column). */
  position(offset: number): Position;
  /** The YAML node of the value at `path`, if it exists. */
  valueNode(path: DataPath): Node | undefined;
  /** The YAML node of the mapping key whose value is at `path`, if any. */
  keyNode(path: DataPath): Node | undefined;
}

/**
 * How a mapping key becomes a data key: strings as written; numbers by their
 * source text, so `0x40100000:` stays `0x40100000` (parsed later as an address).
 */
export function keyText(key: unknown): string {
  if (isScalar(key)) {
    const s = key as Scalar;
    if (typeof s.value === 'string') return s.value;
    return s.source ?? String(s.value);
  }
  if (key === null || key === undefined) return '';
  return String(key);
}

/**
 * Bounds on what the data of one file may expand to. A scenario nests a few
 * levels and its aliases (if any) name small mappings; an alias bomb
 * (`&a [*b, *b, ...]` nine levels deep is 10^9 nodes) or a cycle (`&a [*a]`)
 * must end in a located error, quickly and in bounded memory.
 */
export const MAX_DEPTH = 64;
/** Nodes produced by expanding aliases, over the whole file. */
export const MAX_ALIAS_NODES = 10_000;
/** Nodes of the whole data (an `expect.memory` of 100k words fits). */
const MAX_NODES = 1_000_000;

class TooBig extends Error {
  constructor(
    readonly node: unknown,
    message: string,
  ) {
    super(message);
  }
}

/** Keys equal as YAML values are duplicates (`0x10:` and `16:`), as the yaml library's `uniqueKeys` says. */
function keyIdentity(key: unknown): string | undefined {
  if (!isScalar(key)) return key === null || key === undefined ? 'null' : undefined;
  const v = (key as Scalar).value;
  return `${typeof v}:${String(v)}`;
}

/**
 * Plain data of the document. Duplicate keys are found here with one Set per
 * mapping (the library's `uniqueKeys` compares each key with every earlier
 * one: quadratic, minutes for an `expect.memory` of 30k words).
 */
function toData(doc: Document, root: unknown, duplicate: (key: Node, first: Node) => void): unknown {
  let nodes = 0;
  let aliasNodes = 0;
  const visit = (node: unknown, depth: number, viaAlias: Node | undefined): unknown => {
    if (depth > MAX_DEPTH)
      throw new TooBig(
        viaAlias ?? node,
        viaAlias
          ? `nesting deeper than ${MAX_DEPTH} levels through this alias (an alias inside its own anchor?)`
          : `nesting deeper than ${MAX_DEPTH} levels: a scenario nests a few`,
      );
    if (++nodes > MAX_NODES)
      throw new TooBig(node, `more than ${MAX_NODES} values in the file: expected a scenario, not bulk data`);
    if (viaAlias !== undefined && ++aliasNodes > MAX_ALIAS_NODES)
      throw new TooBig(
        viaAlias,
        `aliases expand to more than ${MAX_ALIAS_NODES} values (an alias bomb?): expected aliases of small values`,
      );
    if (isAlias(node)) return visit(node.resolve(doc), depth + 1, viaAlias ?? node);
    if (isScalar(node)) return node.value;
    if (isMap(node)) {
      // A null-prototype object so that a key like `__proto__` is just a key.
      const out: Record<string, unknown> = Object.create(null);
      const seen = viaAlias === undefined ? new Map<string, Node>() : undefined;
      for (const pair of node.items) {
        const id = seen === undefined ? undefined : keyIdentity(pair.key);
        if (id !== undefined) {
          const first = seen?.get(id);
          if (first !== undefined) duplicate(pair.key as Node, first);
          else seen?.set(id, pair.key as Node);
        }
        out[keyText(pair.key)] = visit(pair.value, depth + 1, viaAlias);
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item) => visit(item, depth + 1, viaAlias));
    return node ?? null;
  };
  return visit(root, 0, undefined);
}

/** Mapping key text -> pair, built once per mapping: looking up each of n keys stays linear overall. */
const pairIndex = new WeakMap<object, Map<string, Pair>>();

function pairOf(map: YAMLMap, step: PathStep): Pair | undefined {
  let index = pairIndex.get(map);
  if (index === undefined) {
    index = new Map();
    for (const pair of map.items) {
      const k = keyText(pair.key);
      if (isPair(pair) && !index.has(k)) index.set(k, pair as Pair);
    }
    pairIndex.set(map, index);
  }
  return index.get(String(step));
}

function child(doc: Document, node: unknown, step: PathStep): { key?: Node; value?: Node } | undefined {
  if (isAlias(node)) node = node.resolve(doc);
  if (isMap(node)) {
    const pair = pairOf(node, step);
    if (pair === undefined) return undefined;
    return { key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined };
  }
  if (isSeq(node) && typeof step === 'number') {
    const item = node.items[step];
    return item === undefined ? undefined : { value: item as Node };
  }
  return undefined;
}

/** The parser recurses per nesting level; when it runs out of stack, say what is wrong with the file. */
function syntaxMessage(message: string): string {
  return /call stack/i.test(message)
    ? `YAML: nesting too deep to parse (more than ${MAX_DEPTH} levels is never a scenario)`
    : `YAML: ${message}`;
}

/** Flow brackets or indentation columns beyond which the parser is not even asked (it recurses per level). */
const MAX_PARSER_NESTING = 256;
const MAX_INDENT = 1024;

/**
 * Where the text nests so deep that the YAML parser would recurse hundreds
 * of levels (and, near the end of the stack, take minutes or overflow): open
 * flow brackets outside quotes and comments, or indentation. Checked before
 * parsing so the answer never depends on how much stack is left.
 */
function tooDeep(text: string): { offset: number; message: string } | undefined {
  let depth = 0;
  let quote = '';
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      quote = quote === '"' || quote === "'" ? quote : '';
      continue;
    }
    if (lineStart) {
      if (c === ' ') {
        if (++indent > MAX_INDENT)
          return {
            offset: i,
            message: `YAML: indented more than ${MAX_INDENT} columns: a scenario nests a few levels`,
          };
        continue;
      }
      lineStart = false;
    }
    if (quote !== '') {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    // A quoted scalar starts a token (so the apostrophe of `seed's` is not a quote).
    if ((c === '"' || c === "'") && (i === 0 || /[\s:[{,]/.test(text[i - 1]))) quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_PARSER_NESTING)
        return {
          offset: i,
          message: `YAML: nesting too deep to parse (more than ${MAX_PARSER_NESTING} open brackets; a scenario nests a few levels)`,
        };
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

export function parseYamlTree(text: string, file: string): YamlTree {
  const lineCounter = new LineCounter();
  const deep = tooDeep(text);
  if (deep !== undefined) {
    // Positions without the parser: count the line breaks.
    const position = (offset: number): Position => {
      let line = 1;
      let start = 0;
      for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
        line++;
        start = i + 1;
      }
      return { line, column: offset - start + 1 };
    };
    return {
      file,
      text,
      data: null,
      syntax: [{ file, ...position(deep.offset), message: deep.message }],
      position,
      valueNode: () => undefined,
      keyNode: () => undefined,
    };
  }
  const doc = parseDocument(text, {
    lineCounter,
    intAsBigInt: true,
    uniqueKeys: false, // checked in toData, in linear time
    prettyErrors: false,
    keepSourceTokens: false,
  });
  const position = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const syntax: ScenarioDiagnostic[] = [...doc.errors, ...doc.warnings].map((e) => ({
    file,
    ...position(e.pos[0]),
    message: syntaxMessage(e.message),
  }));
  let data: unknown = null;
  if (syntax.length === 0 && doc.contents !== null) {
    try {
      data = toData(doc, doc.contents, (key, first) => {
        const at = position(key.range?.[0] ?? 0);
        const was = position(first.range?.[0] ?? 0);
        syntax.push({
          file,
          ...at,
          message: `YAML: Map keys must be unique: '${keyText(key)}' is already at ${was.line}:${was.column}`,
        });
      });
    } catch (e) {
      if (!(e instanceof TooBig)) throw e;
      const range = (e.node as Node | undefined)?.range;
      syntax.push({ file, ...position(range ? range[0] : 0), message: e.message });
    }
  }
  const walk = (path: DataPath): { key?: Node; value?: Node } | undefined => {
    let at: { key?: Node; value?: Node } | undefined = { value: doc.contents as ParsedNode | undefined };
    for (const step of path) {
      at = at?.value === undefined ? undefined : child(doc, at.value, step);
      if (at === undefined) return undefined;
    }
    return at;
  };
  return {
    file,
    text,
    data,
    syntax,
    position,
    valueNode: (path) => walk(path)?.value,
    keyNode: (path) => walk(path)?.key,
  };
}

/** `machine.vcpus`, `host[2].irqLine`, `expect.memory.0x40100000`. */
export function formatPath(path: DataPath): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else out += out === '' ? step : `.${step}`;
  }
  return out;
}
