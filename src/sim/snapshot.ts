// "State is data": every block saves to a plain, JSON-able value and restores
// from one. Helpers to serialize canonically and hash snapshots so that the
// determinism and save/restore checks compare hashes, not just end values.

import { createHash } from 'node:crypto';

/** JSON with object keys sorted and BigInts written as {"$u64":"0x..."}: one byte string per state. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(v: unknown): unknown {
  if (typeof v === 'bigint') return { $u64: `0x${v.toString(16)}` };
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, normalize);
  if (Array.isArray(v)) return v.map(normalize);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = normalize((v as Record<string, unknown>)[k]);
  return out;
}

/** Inverse of canonicalJson's BigInt encoding. */
export function parseCanonicalJson<T>(text: string): T {
  return JSON.parse(text, (_k, val) => {
    if (
      val &&
      typeof val === 'object' &&
      !Array.isArray(val) &&
      typeof val.$u64 === 'string' &&
      Object.keys(val).length === 1
    )
      return BigInt(val.$u64);
    return val;
  }) as T;
}

export function stateHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
