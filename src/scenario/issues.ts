// zod issues -> located diagnostics. zod says what is wrong and where in the
// data; the YAML tree says where that is in the file. Every message starts
// with the data path and says what was expected and what was found.

import type * as z from 'zod';
import type { ScenarioDiagnostic } from './diagnostics.ts';
import { describeValue } from './values.ts';
import { type DataPath, formatPath, type PathStep, type YamlTree } from './yaml-tree.ts';

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  object: 'a mapping',
  array: 'a list',
  boolean: 'true or false',
  number: 'a number',
};

function showLiteral(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

/**
 * Per-parse error messages for zod's built-in checks ("expected ..."); the
 * schema's own messages (unknown keys, unions, GIC v3) take precedence.
 */
export function expectedMessage(iss: RawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[iss.expected] ?? iss.expected}`;
    case 'invalid_value':
      return iss.values.length === 1
        ? `expected ${showLiteral(iss.values[0])}`
        : `expected one of: ${iss.values.map(showLiteral).join(', ')}`;
    case 'too_small':
      return iss.origin === 'string' ? 'expected a non-empty string' : undefined;
    default:
      return undefined;
  }
}

/** Where a path is in the file: its value, else its key, else the nearest existing parent. */
export function locate(tree: YamlTree, path: DataPath, preferKey = false): { line: number; column: number } {
  for (let n = path.length; n >= 0; n--) {
    const p = path.slice(0, n);
    const value = tree.valueNode(p);
    const key = tree.keyNode(p);
    const node = preferKey && n === path.length ? (key ?? value) : (value ?? key);
    if (node?.range) return tree.position(node.range[0]);
  }
  return { line: 1, column: 1 };
}

/** The YAML text of a scalar at `path`, so `0x1f` is shown as written. */
function sourceOf(tree: YamlTree, path: DataPath): string | undefined {
  const node = tree.valueNode(path);
  if (!node?.range) return undefined;
  return tree.text.slice(node.range[0], node.range[1]);
}

function where(path: DataPath): string {
  return path.length === 0 ? 'the top level' : formatPath(path);
}

function isRootMismatch(i: Issue): boolean {
  return i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value');
}

export function issuesToDiagnostics(issues: readonly Issue[], tree: YamlTree): ScenarioDiagnostic[] {
  const out: ScenarioDiagnostic[] = [];
  const emit = (path: DataPath, message: string, preferKey = false) =>
    out.push({ file: tree.file, ...locate(tree, path, preferKey), message });

  const visit = (iss: Issue, base: DataPath): void => {
    const path: PathStep[] = [...base, ...(iss.path as PathStep[])];
    switch (iss.code) {
      case 'unrecognized_keys':
        for (const key of iss.keys)
          emit([...path, key], `unknown key '${key}' in ${where(path)} (${iss.message})`, true);
        return;
      case 'invalid_key': {
        const inner = iss.issues[0]?.message ?? 'invalid key';
        const key = path[path.length - 1];
        emit(path, `${formatPath(path.slice(0, -1))}: ${inner}, found '${String(key)}'`, true);
        return;
      }
      case 'invalid_union': {
        // Explain the alternative the value was closest to: drop the ones
        // whose type did not even match, then take the one with fewest problems.
        const viable = iss.errors.filter((branch) => !branch.some(isRootMismatch));
        if (viable.length > 0) {
          const best = viable.reduce((a, b) => (b.length < a.length ? b : a));
          for (const inner of best) visit(inner, path);
          return;
        }
        break;
      }
      default:
        break;
    }
    const input = (iss as { input?: unknown }).input;
    if (
      input === undefined &&
      path.length > 0 &&
      tree.valueNode(path) === undefined &&
      tree.keyNode(path) === undefined
    ) {
      emit(
        path.slice(0, -1),
        `${where(path.slice(0, -1))}: missing required key '${String(path[path.length - 1])}'`,
      );
      return;
    }
    const found = iss.message.includes(', found ')
      ? ''
      : `, found ${describeValue(input, sourceOf(tree, path))}`;
    emit(path, `${where(path)}: ${iss.message}${found}`);
  };

  for (const iss of issues) visit(iss, []);
  return out;
}
