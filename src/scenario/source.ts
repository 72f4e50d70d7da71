// Where inline assembly sits in the YAML file, so that the assembler's
// line:column inside the text can be turned into line:column in the file.
//
// For a block scalar (`|`, `|-`, `|+`, `|2`) line 1 of the text is the line
// after the header, and column 1 of the text is the block's indentation
// column (detected from the first non-blank line, which also covers explicit
// indentation indicators). For a one-line string it is the value's position
// (after the opening quote for a quoted string). Folded (`>`) blocks and
// multi-line flow strings join lines, so positions past line 1 are only
// approximate there.

import { isScalar, Scalar } from 'yaml';
import type { AssemblySource } from './types.ts';
import type { DataPath, YamlTree } from './yaml-tree.ts';

const LEADING_SPACES = /^ */;

function leadingSpaces(s: string): number {
  return LEADING_SPACES.exec(s)?.[0].length ?? 0;
}

export function assemblySource(tree: YamlTree, path: DataPath, text: string): AssemblySource {
  const node = tree.valueNode(path);
  const file = tree.file;
  if (!isScalar(node) || !node.range) return { text, file, line: 1, column: 1 };
  const start = tree.position(node.range[0]);
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    const line = start.line + 1;
    const textLines = text.split('\n');
    const k = textLines.findIndex((l) => l.trim() !== '');
    if (k < 0) return { text, file, line, column: 1 };
    const fileLine = tree.text.split('\n')[line - 1 + k] ?? '';
    const indent = leadingSpaces(fileLine) - leadingSpaces(textLines[k]);
    return { text, file, line, column: Math.max(indent, 0) + 1 };
  }
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  const at = quoted ? tree.position(node.range[0] + 1) : start;
  return { text, file, line: at.line, column: at.column };
}
