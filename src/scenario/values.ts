// Integer values of a scenario. YAML integers arrive as BigInt (never through
// a float). 64-bit values (register values, addresses, offsets) also accept
// a string holding a decimal or 0x-hex integer, because JSON (and editors
// validating with the JSON Schema) cannot write 2^64-1 exactly; such values
// stay BigInt. Values that must be small (vcpus, INTIDs, frequencies, times
// in ticks) become Numbers after their range check.

import * as z from 'zod';

export const TWO_POW_64 = 1n << 64n;
export const U64_MAX = TWO_POW_64 - 1n;
/** Negative decimals wrap modulo 2^64; below -2^63 they are surely a mistake. */
export const S64_MIN = -(1n << 63n);
export const U32_MAX = (1n << 32n) - 1n;
export const S32_MIN = -(1n << 31n);
/** Times are counter ticks kept as Numbers (see src/sim/time.ts): they must stay exact. */
export const MAX_TICKS = (1n << 53n) - 1n;
export const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Decimal (optionally negative) or 0x-hex, `_` allowed between digits. */
export const INT_TEXT_PATTERN = '^(-?[0-9](_?[0-9])*|0[xX][0-9a-fA-F](_?[0-9a-fA-F])*)$';
const INT_TEXT = new RegExp(INT_TEXT_PATTERN);

/** The exact integer a data value denotes, or undefined (floats, other types). */
export function integerOf(v: unknown, acceptText: boolean): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : undefined;
  if (acceptText && typeof v === 'string' && INT_TEXT.test(v)) {
    const digits = v.replaceAll('_', '');
    return digits.startsWith('-') ? -BigInt(digits.slice(1)) : BigInt(digits);
  }
  return undefined;
}

// JSON Schema fragments for schemas that zod cannot describe by itself (our
// integer parsers are transforms). json-schema.ts applies them.
const jsonOverrides = new WeakMap<z.ZodType, Record<string, unknown>>();

export function withJson<T extends z.ZodType>(schema: T, json: Record<string, unknown>): T {
  jsonOverrides.set(schema, json);
  return schema;
}

export function jsonOverrideOf(schema: unknown): Record<string, unknown> | undefined {
  return jsonOverrides.get(schema as z.ZodType);
}

interface IntSpec {
  min: bigint;
  max: bigint;
  /** What the message says is expected, e.g. "an integer 1..8". */
  expected: string;
  /** Accept decimal/hex strings (64-bit values). */
  acceptText?: boolean;
  /** An extra rule with its own message (e.g. SGIs cannot be raised by userspace). */
  reject?: (n: bigint) => string | undefined;
  /** Lower bound published in the JSON Schema when `reject` narrows the range. */
  jsonMin?: bigint;
}

function intJson(spec: IntSpec, description: string): Record<string, unknown> {
  // JSON numbers beyond 2^53 are not exact: such bounds are left to the string form's parser.
  const min = spec.jsonMin ?? spec.min;
  const asInteger: Record<string, unknown> = { type: 'integer' };
  if (min >= -MAX_SAFE) asInteger.minimum = Number(min);
  if (spec.max <= MAX_SAFE) asInteger.maximum = Number(spec.max);
  if (!spec.acceptText) return { description, ...asInteger };
  return {
    description: `${description} (integer or 0x-hex string)`,
    anyOf: [asInteger, { type: 'string', pattern: INT_TEXT_PATTERN }],
  };
}

export function intSchema<T>(spec: IntSpec, description: string, convert: (n: bigint) => T) {
  const schema = z.unknown().transform((v, ctx): T => {
    const n = integerOf(v, spec.acceptText === true);
    if (n === undefined || n < spec.min || n > spec.max) {
      ctx.addIssue({ code: 'custom', message: `expected ${spec.expected}`, input: v });
      return z.NEVER;
    }
    const rejected = spec.reject?.(n);
    if (rejected !== undefined) {
      ctx.addIssue({ code: 'custom', message: rejected, input: v });
      return z.NEVER;
    }
    return convert(n);
  });
  return withJson(schema, intJson(spec, description));
}

/** A Number in min..max (both small). */
export function smallInt(min: number, max: number, description: string, expected?: string) {
  const spec = { min: BigInt(min), max: BigInt(max), expected: expected ?? `an integer ${min}..${max}` };
  return intSchema(spec, description, Number);
}

/** A frequency in Hz (a Number) in min..max. */
export function hertz(description: string, min: number, max: number) {
  const expected = `an integer ${min}..${max} (Hz)`;
  return intSchema({ min: BigInt(min), max: BigInt(max), expected }, description, Number);
}

/** A 64-bit value: BigInt 0..2^64-1; negative decimals taken modulo 2^64. */
export function u64(description: string) {
  const spec = {
    min: S64_MIN,
    max: U64_MAX,
    acceptText: true,
    expected: 'a 64-bit integer (decimal, 0x-hex, or negative decimal taken modulo 2^64)',
  };
  return intSchema(spec, description, (n) => BigInt.asUintN(64, n));
}

/** A 32-bit word (Number 0..2^32-1); negative decimals taken modulo 2^32. */
export function u32(description: string) {
  const spec = {
    min: S32_MIN,
    max: U32_MAX,
    acceptText: true,
    expected: 'a 32-bit integer (0..0xffffffff, or negative decimal taken modulo 2^32)',
  };
  return intSchema(spec, description, (n) => Number(BigInt.asUintN(32, n)));
}

/** Counter ticks as a Number; values >= 2^53 could not be exact and are errors. */
export function ticks(description: string, min = 0) {
  const spec = {
    min: BigInt(min),
    max: MAX_TICKS,
    acceptText: true,
    expected: `a time in ticks ${min}..2^53-1`,
  };
  return intSchema(spec, description, Number);
}

/** A mapping key (always text in YAML data) denoting an integer. */
export function intKey<T>(
  spec: { min: bigint; max: bigint; expected: string },
  description: string,
  convert: (n: bigint, text: string) => T,
) {
  const schema = z.string().transform((s, ctx): T => {
    const n = integerOf(s, true);
    if (n === undefined || n < spec.min || n > spec.max) {
      ctx.addIssue({ code: 'custom', message: `expected ${spec.expected} as key`, input: s });
      return z.NEVER;
    }
    return convert(n, s);
  });
  return withJson(schema, { type: 'string', pattern: INT_TEXT_PATTERN, description });
}

/** Longer strings are cut in messages: the location already says where they are. */
const MAX_SHOWN = 40;

/** How a found value is shown in a message: the YAML source when known. */
export function describeValue(v: unknown, source?: string): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'nothing (null)';
  if (typeof v === 'string') {
    const shown = JSON.stringify(v.length > MAX_SHOWN ? `${v.slice(0, MAX_SHOWN)}...` : v).slice(1, -1);
    return `'${shown}'`;
  }
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return source ?? String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}
