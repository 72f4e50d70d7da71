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
  type ParsedNode,
  parseDocument,
  type Scalar,
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

// Nesting guard for alias cycles (`&a [*a]`): data from a scenario is shallow.
const MAX_DEPTH = 64;

function toData(doc: Document, node: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return undefined;
  if (isAlias(node)) return toData(doc, node.resolve(doc), depth + 1);
  if (isScalar(node)) return node.value;
  if (isMap(node)) {
    // A null-prototype object so that a key like `__proto__` is just a key.
    const out: Record<string, unknown> = Object.create(null);
    for (const pair of node.items) out[keyText(pair.key)] = toData(doc, pair.value, depth + 1);
    return out;
  }
  if (isSeq(node)) return node.items.map((item) => toData(doc, item, depth + 1));
  return node ?? null;
}

function child(doc: Document, node: unknown, step: PathStep): { key?: Node; value?: Node } | undefined {
  if (isAlias(node)) node = node.resolve(doc);
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isPair(pair) && keyText(pair.key) === String(step)) {
        return { key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof step === 'number') {
    const item = node.items[step];
    return item === undefined ? undefined : { value: item as Node };
  }
  return undefined;
}

export function parseYamlTree(text: string, file: string): YamlTree {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    intAsBigInt: true,
    uniqueKeys: true,
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
    message: `YAML: ${e.message}`,
  }));
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
    data: doc.contents === null ? null : toData(doc, doc.contents, 0),
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
