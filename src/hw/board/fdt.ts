// The flattened device tree (FDT, "DTB") format, version 17, per the
// Devicetree Specification v0.4, chapter 5 "Flattened Devicetree (DTB)
// Format". All fields are big-endian.
//
//   header (40 bytes)          5.2: magic 0xd00dfeed, totalsize, offsets of
//                              the blocks, version 17, last_comp_version 16,
//                              boot_cpuid_phys, sizes of strings and structure
//   memory reservation block   5.3: (address, size) u64 pairs ending in (0, 0),
//                              8-byte aligned
//   structure block            5.4: FDT_BEGIN_NODE name\0 (padded to 4),
//                              FDT_PROP len nameoff value (padded to 4),
//                              FDT_END_NODE, ..., FDT_END; 4-byte aligned
//   strings block              5.5: property names, NUL-terminated, shared
//
// encodeFdt writes a tree of FdtNode; decodeFdt reads one back (used to check
// a user-supplied .dtb before it is given to a guest, and by tests).

export const FDT_MAGIC = 0xd00dfeed;
export const FDT_VERSION = 17;
/** Oldest version this layout is backwards compatible with (spec 5.2). */
const FDT_LAST_COMP_VERSION = 16;
const HEADER_SIZE = 40;
// Structure block tokens (spec 5.4.1)
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;

export interface FdtProperty {
  readonly name: string;
  readonly value: Uint8Array;
}

export interface FdtNode {
  /** Node name with unit address ("memory@40000000"); "" for the root. */
  readonly name: string;
  readonly props: FdtProperty[];
  readonly children: FdtNode[];
}

export interface FdtReservation {
  readonly address: bigint;
  readonly size: bigint;
}

export interface FdtOptions {
  /** boot_cpuid_phys: the reg value of the boot cpu's node */
  readonly bootCpu?: number;
  readonly reservations?: readonly FdtReservation[];
}

export class FdtError extends Error {
  override name = 'FdtError';
}

// ---- property values (spec 2.2.4 "Property Values") ------------------------

/** <u32 u32 ...>: big-endian 32-bit cells. */
export function cells(...values: (number | bigint)[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    view.setUint32(i * 4, Number(BigInt.asUintN(32, BigInt(v))));
  });
  return out;
}

/** A 64-bit value as two cells, most significant first (#address-cells/#size-cells = 2). */
export function cells64(...values: (number | bigint)[]): Uint8Array {
  return cells(...values.flatMap((v) => [BigInt(v) >> 32n, BigInt(v) & 0xffff_ffffn]));
}

/** <string> or <stringlist>: each NUL-terminated, concatenated. */
export function strings(...values: string[]): Uint8Array {
  return new TextEncoder().encode(values.map((s) => `${s}\0`).join(''));
}

/** <empty>: a boolean property (present = true). */
export const EMPTY = new Uint8Array(0);

export function node(name: string, props: Record<string, Uint8Array>, children: FdtNode[] = []): FdtNode {
  return { name, props: Object.entries(props).map(([n, value]) => ({ name: n, value })), children };
}

// ---- encoding ---------------------------------------------------------------

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Growable big-endian byte buffer for the structure block. */
class Writer {
  private buf = new Uint8Array(4096);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  u32(v: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer).setUint32(this.length, v >>> 0);
    this.length += 4;
  }
  /** Bytes, then zero padding to the next 4-byte boundary. */
  bytes(b: Uint8Array): void {
    const padded = align(b.length, 4);
    this.ensure(padded);
    this.buf.set(b, this.length);
    this.buf.fill(0, this.length + b.length, this.length + padded);
    this.length += padded;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function checkName(name: string, what: string): void {
  // Node and property names are printable ASCII (spec 2.2.1, 2.2.4.1); no NUL inside.
  if (!/^[\x21-\x7e]*$/.test(name))
    throw new FdtError(`${what} name ${JSON.stringify(name)} is not printable ASCII`);
}

export function encodeFdt(root: FdtNode, opts: FdtOptions = {}): Uint8Array {
  if (root.name !== '') throw new FdtError(`the root node's name must be empty, found '${root.name}'`);
  const struct = new Writer();
  const names: string[] = [];
  const nameOffsets = new Map<string, number>();
  let stringsSize = 0;
  const nameOffset = (name: string): number => {
    let off = nameOffsets.get(name);
    if (off === undefined) {
      off = stringsSize;
      nameOffsets.set(name, off);
      names.push(name);
      stringsSize += new TextEncoder().encode(name).length + 1;
    }
    return off;
  };
  const walk = (n: FdtNode): void => {
    checkName(n.name, 'node');
    struct.u32(FDT_BEGIN_NODE);
    struct.bytes(strings(n.name));
    const seen = new Set<string>();
    for (const p of n.props) {
      checkName(p.name, 'property');
      if (p.name === '') throw new FdtError(`empty property name in node '${n.name}'`);
      if (seen.has(p.name)) throw new FdtError(`property '${p.name}' twice in node '${n.name}'`);
      seen.add(p.name);
      struct.u32(FDT_PROP);
      struct.u32(p.value.length);
      struct.u32(nameOffset(p.name));
      struct.bytes(p.value);
    }
    for (const c of n.children) walk(c);
    struct.u32(FDT_END_NODE);
  };
  walk(root);
  struct.u32(FDT_END);

  const reservations = opts.reservations ?? [];
  const offRsv = align(HEADER_SIZE, 8);
  const offStruct = offRsv + (reservations.length + 1) * 16;
  const structBytes = struct.result();
  const offStrings = offStruct + structBytes.length;
  const total = offStrings + stringsSize;

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const header = [
    FDT_MAGIC,
    total,
    offStruct,
    offStrings,
    offRsv,
    FDT_VERSION,
    FDT_LAST_COMP_VERSION,
    opts.bootCpu ?? 0,
    stringsSize,
    structBytes.length,
  ];
  header.forEach((v, i) => {
    view.setUint32(i * 4, v);
  });
  reservations.forEach((r, i) => {
    view.setBigUint64(offRsv + i * 16, r.address);
    view.setBigUint64(offRsv + i * 16 + 8, r.size);
  });
  out.set(structBytes, offStruct);
  out.set(strings(...names), offStrings);
  return out;
}

// ---- decoding ---------------------------------------------------------------

export interface DecodedFdt {
  readonly version: number;
  readonly bootCpu: number;
  readonly totalSize: number;
  readonly reservations: FdtReservation[];
  readonly root: FdtNode;
}

/** Parse a DTB (version 16 or later); every inconsistency is an FdtError saying what and where. */
export function decodeFdt(bytes: Uint8Array): DecodedFdt {
  if (bytes.length < HEADER_SIZE)
    throw new FdtError(`truncated header (${bytes.length} bytes, need ${HEADER_SIZE})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = (i: number) => view.getUint32(i * 4);
  if (h(0) !== FDT_MAGIC) throw new FdtError(`bad magic 0x${h(0).toString(16)}, expected 0xd00dfeed`);
  const [total, offStruct, offStrings, offRsv, version, lastComp, bootCpu, sizeStrings, sizeStruct] = [
    h(1),
    h(2),
    h(3),
    h(4),
    h(5),
    h(6),
    h(7),
    h(8),
    h(9),
  ];
  if (lastComp > FDT_VERSION)
    throw new FdtError(`last_comp_version ${lastComp} is newer than ${FDT_VERSION}`);
  if (version < 16) throw new FdtError(`version ${version} is older than 16`);
  if (total > bytes.length)
    throw new FdtError(`totalsize ${total} exceeds the ${bytes.length} bytes given (truncated)`);
  if (offStruct % 4 !== 0 || offRsv % 8 !== 0)
    throw new FdtError('misaligned structure or reservation block');
  if (offStruct + sizeStruct > total || offStrings + sizeStrings > total || offRsv > total)
    throw new FdtError('a block lies outside totalsize');

  const reservations: FdtReservation[] = [];
  for (let at = offRsv; ; at += 16) {
    if (at + 16 > total) throw new FdtError('memory reservation block not terminated');
    const address = view.getBigUint64(at);
    const size = view.getBigUint64(at + 8);
    if (address === 0n && size === 0n) break;
    reservations.push({ address, size });
  }

  const cString = (start: number, end: number, what: string): [string, number] => {
    let i = start;
    while (i < end && bytes[i] !== 0) i++;
    if (i >= end) throw new FdtError(`${what} at offset ${start} is not NUL-terminated`);
    return [new TextDecoder().decode(bytes.subarray(start, i)), i + 1];
  };
  const structEnd = offStruct + sizeStruct;
  let at = offStruct;
  const token = (): number => {
    if (at + 4 > structEnd) throw new FdtError('structure block ends without FDT_END');
    const t = view.getUint32(at);
    at += 4;
    return t;
  };
  const stack: FdtNode[] = [];
  let root: FdtNode | undefined;
  for (;;) {
    const t = token();
    if (t === FDT_NOP) continue;
    if (t === FDT_BEGIN_NODE) {
      const [name, next] = cString(at, structEnd, 'node name');
      at = align(next, 4);
      const n: FdtNode = { name, props: [], children: [] };
      if (stack.length === 0) {
        if (root !== undefined) throw new FdtError('more than one root node');
        root = n;
      } else stack[stack.length - 1].children.push(n);
      stack.push(n);
    } else if (t === FDT_PROP) {
      const len = token();
      const nameoff = token();
      if (stack.length === 0) throw new FdtError(`property outside any node at offset ${at - 12}`);
      if (at + len > structEnd)
        throw new FdtError(`property value at offset ${at} runs past the structure block`);
      if (nameoff >= sizeStrings)
        throw new FdtError(`property name offset ${nameoff} outside the strings block`);
      const [name] = cString(offStrings + nameoff, offStrings + sizeStrings, 'property name');
      stack[stack.length - 1].props.push({ name, value: bytes.slice(at, at + len) });
      at = align(at + len, 4);
    } else if (t === FDT_END_NODE) {
      if (stack.pop() === undefined) throw new FdtError(`FDT_END_NODE without a node at offset ${at - 4}`);
    } else if (t === FDT_END) {
      if (stack.length !== 0) throw new FdtError(`FDT_END with ${stack.length} node(s) still open`);
      break;
    } else throw new FdtError(`unknown token 0x${t.toString(16)} at offset ${at - 4}`);
  }
  if (root === undefined) throw new FdtError('no root node');
  return { version, bootCpu, totalSize: total, reservations, root };
}

// ---- reading values (tests, checks) -------------------------------------------

/** The node at a path like "/cpus/cpu@0" (names compared in full). */
export function findNode(root: FdtNode, path: string): FdtNode | undefined {
  let n: FdtNode | undefined = root;
  for (const part of path.split('/').filter(Boolean)) n = n?.children.find((c) => c.name === part);
  return n;
}

export function prop(n: FdtNode, name: string): Uint8Array | undefined {
  return n.props.find((p) => p.name === name)?.value;
}

export function readCells(v: Uint8Array): number[] {
  const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
  return Array.from({ length: Math.floor(v.length / 4) }, (_, i) => view.getUint32(i * 4));
}

export function readStrings(v: Uint8Array): string[] {
  const s = new TextDecoder().decode(v);
  return (s.endsWith('\0') ? s.slice(0, -1) : s).split('\0');
}
