// Random instruction sequences over every integer form the interpreter
// implements (docs/assembler.md's instruction list), as assembly text.
//
// Register discipline (see program.ts): x28 holds the scratch buffer's
// address and is never written; x27 is the base register of memory forms
// and is set right before each one (`add x27, x28, #off`), so every access
// stays inside the 128-byte scratch buffer; SP points into the scratch
// buffer too and is never written. Branches only go forward, to a label
// later in the same sequence (or its end). Forms whose result is
// CONSTRAINED UNPREDICTABLE (LDP Rt == Rt2, writeback with Rt == Rn, STXR
// Ws == Rt or Rn) or IMPLEMENTATION DEFINED (an exclusive store not right
// after its load) are not generated.

import type { Rng } from './rng.ts';

export const SCRATCH = 128;
/** Registers a generated instruction may write. */
const DEST = [...Array(27).keys(), 29, 30];
const CONDS = [
  'eq',
  'ne',
  'cs',
  'hs',
  'cc',
  'lo',
  'mi',
  'pl',
  'vs',
  'vc',
  'hi',
  'ls',
  'ge',
  'lt',
  'gt',
  'le',
];

/** One generated item: its lines; `branch` marks a forward branch whose target label is `@T`. */
export interface Item {
  lines: string[];
  branch?: boolean;
}

export function xr(n: number, sf: boolean): string {
  if (n === 31) return sf ? 'xzr' : 'wzr';
  return `${sf ? 'x' : 'w'}${n}`;
}
const hex = (v: bigint): string => `0x${v.toString(16)}`;

export class IntGen {
  constructor(readonly r: Rng) {}

  d(sf = true): string {
    return xr(this.r.pick(DEST), sf);
  }
  dn(): number {
    return this.r.pick(DEST);
  }
  /** Any source register, sometimes the zero register. */
  s(sf = true): string {
    return xr(this.r.bool(0.08) ? 31 : this.r.int(0, 30), sf);
  }
  sf(): boolean {
    return this.r.bool(0.6);
  }
  cond(): string {
    return this.r.pick(CONDS);
  }

  /** A valid logical (bitmask) immediate of `size` bits (Arm ARM DecodeBitMasks). */
  bitmask(size: 32 | 64): bigint {
    const sizes = [2, 4, 8, 16, 32, 64].filter((e) => e <= size);
    const e = this.r.pick(sizes);
    const ones = this.r.int(1, e - 1);
    const rot = this.r.int(0, e - 1);
    const eb = BigInt(e);
    const emask = (1n << eb) - 1n;
    let el = (1n << BigInt(ones)) - 1n;
    if (rot) el = ((el >> BigInt(rot)) | (el << (eb - BigInt(rot)))) & emask;
    let v = 0n;
    for (let i = 0; i < size; i += e) v |= el << BigInt(i);
    return v;
  }

  item(): Item {
    const forms = FORMS;
    return this.r.pick(forms)(this);
  }

  /** A sequence of `n` items with forward-branch labels resolved. `tag` makes labels unique. */
  sequence(n: number, tag: string): string[] {
    const items: Item[] = [];
    for (let i = 0; i < n; i++) items.push(this.item());
    const targets = new Set<number>();
    const out: string[][] = items.map((it, i) => {
      if (!it.branch) return it.lines;
      const t = this.r.int(i + 1, n);
      targets.add(t);
      return it.lines.map((l) => l.replace('@T', `L${tag}_${t}`));
    });
    const lines: string[] = [];
    for (let i = 0; i <= n; i++) {
      if (targets.has(i)) lines.push(`L${tag}_${i}:`);
      if (i < n) lines.push(...out[i]);
    }
    return lines;
  }
}

type Form = (g: IntGen) => Item;
const one = (...lines: string[]): Item => ({ lines });

function shiftAmt(g: IntGen, sf: boolean): number {
  return g.r.bool(0.3) ? 0 : g.r.int(0, sf ? 63 : 31);
}

/** Address offset inside scratch and the x27 setup for an access of `size` bytes at `addr`. */
function base(addr: number): string {
  return `add x27, x28, #${addr}`;
}

const LOADS: [string, number, boolean][] = [
  ['ldr', 8, true],
  ['ldr', 4, false],
  ['ldrb', 1, false],
  ['ldrh', 2, false],
  ['ldrsb', 1, true],
  ['ldrsb', 1, false],
  ['ldrsh', 2, true],
  ['ldrsh', 2, false],
  ['ldrsw', 4, true],
];
const STORES: [string, number, boolean][] = [
  ['str', 8, true],
  ['str', 4, false],
  ['strb', 1, false],
  ['strh', 2, false],
];
const UNSCALED: Record<string, string> = {
  ldr: 'ldur',
  ldrb: 'ldurb',
  ldrh: 'ldurh',
  ldrsb: 'ldursb',
  ldrsh: 'ldursh',
  ldrsw: 'ldursw',
  str: 'stur',
  strb: 'sturb',
  strh: 'sturh',
};

function ldstRt(g: IntGen, load: boolean, sf: boolean, writeback: boolean): string {
  for (;;) {
    const n = load ? g.dn() : g.r.int(0, 31);
    if (writeback && n === 27) continue;
    return xr(n, sf);
  }
}

const FORMS: Form[] = [
  // Moves.
  (g) => {
    const sf = g.sf();
    const size = sf ? 64 : 32;
    const k = g.r.int(0, 2);
    let v: bigint;
    if (k === 0) v = BigInt(g.r.int(0, 0xffff)) << BigInt(16 * g.r.int(0, sf ? 3 : 1));
    else if (k === 1)
      v = BigInt.asUintN(size, ~(BigInt(g.r.int(0, 0xffff)) << BigInt(16 * g.r.int(0, sf ? 3 : 1))));
    else v = g.bitmask(size);
    return one(`mov ${g.d(sf)}, #${hex(v)}`);
  },
  (g) => {
    const sf = g.sf();
    const op = g.r.pick(['movz', 'movn', 'movk']);
    return one(`${op} ${g.d(sf)}, #${g.r.int(0, 0xffff)}, lsl #${16 * g.r.int(0, sf ? 3 : 1)}`);
  },
  (g) => {
    const sf = g.sf();
    return one(`mov ${g.d(sf)}, ${g.s(sf)}`);
  },
  (g) => one(`mov ${g.d()}, sp`),
  // Add/subtract immediate.
  (g) => {
    const sf = g.sf();
    const op = g.r.pick(['add', 'adds', 'sub', 'subs']);
    const rn = g.r.bool(0.15) ? (sf ? 'sp' : 'wsp') : xr(g.r.int(0, 30), sf);
    const sh = g.r.bool(0.2) ? ', lsl #12' : '';
    return one(`${op} ${g.d(sf)}, ${rn}, #${g.r.int(0, 4095)}${sh}`);
  },
  (g) => {
    const sf = g.sf();
    const rn = g.r.bool(0.15) ? (sf ? 'sp' : 'wsp') : xr(g.r.int(0, 30), sf);
    return one(`${g.r.pick(['cmp', 'cmn'])} ${rn}, #${g.r.int(0, 4095)}`);
  },
  // Add/subtract shifted register.
  (g) => {
    const sf = g.sf();
    const op = g.r.pick(['add', 'adds', 'sub', 'subs']);
    const sh = g.r.pick(['lsl', 'lsr', 'asr']);
    return one(`${op} ${g.d(sf)}, ${g.s(sf)}, ${g.s(sf)}, ${sh} #${shiftAmt(g, sf)}`);
  },
  (g) => {
    const sf = g.sf();
    const sh = g.r.pick(['lsl', 'lsr', 'asr']);
    const op = g.r.pick(['neg', 'negs']);
    return one(`${op} ${g.d(sf)}, ${g.s(sf)}, ${sh} #${shiftAmt(g, sf)}`);
  },
  (g) => {
    const sf = g.sf();
    return one(
      `${g.r.pick(['cmp', 'cmn'])} ${g.s(sf)}, ${g.s(sf)}, ${g.r.pick(['lsl', 'lsr', 'asr'])} #${shiftAmt(g, sf)}`,
    );
  },
  // Add/subtract extended register.
  (g) => {
    const sf = g.sf();
    const op = g.r.pick(['add', 'adds', 'sub', 'subs']);
    const ext = g.r.pick(['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx']);
    const mx = sf && (ext === 'uxtx' || ext === 'sxtx');
    const rn = g.r.bool(0.3) ? (sf ? 'sp' : 'wsp') : xr(g.r.int(0, 30), sf);
    return one(`${op} ${g.d(sf)}, ${rn}, ${g.s(mx)}, ${ext} #${g.r.int(0, 4)}`);
  },
  (g) => {
    const sf = g.sf();
    const ext = g.r.pick(['uxtb', 'uxth', 'uxtw', 'sxtb', 'sxth', 'sxtw']);
    return one(`${g.r.pick(['cmp', 'cmn'])} ${sf ? 'sp' : 'wsp'}, ${g.s(false)}, ${ext} #${g.r.int(0, 4)}`);
  },
  (g) => {
    const sf = g.sf();
    return one(`${g.r.pick(['adc', 'adcs', 'sbc', 'sbcs'])} ${g.d(sf)}, ${g.s(sf)}, ${g.s(sf)}`);
  },
  // Logical.
  (g) => {
    const sf = g.sf();
    const op = g.r.pick(['and', 'orr', 'eor', 'ands']);
    return one(`${op} ${g.d(sf)}, ${g.s(sf)}, #${hex(g.bitmask(sf ? 64 : 32))}`);
  },
  (g) => {
    const sf = g.sf();
    return one(`tst ${g.s(sf)}, #${hex(g.bitmask(sf ? 64 : 32))}`);
  },
  (g) => {
    const sf = g.sf();
    const op = g.r.pick(['and', 'orr', 'eor', 'ands', 'bic', 'bics', 'orn', 'eon']);
    const sh = g.r.pick(['lsl', 'lsr', 'asr', 'ror']);
    return one(`${op} ${g.d(sf)}, ${g.s(sf)}, ${g.s(sf)}, ${sh} #${shiftAmt(g, sf)}`);
  },
  (g) => {
    const sf = g.sf();
    const sh = g.r.pick(['lsl', 'lsr', 'asr', 'ror']);
    return g.r.bool()
      ? one(`tst ${g.s(sf)}, ${g.s(sf)}, ${sh} #${shiftAmt(g, sf)}`)
      : one(`mvn ${g.d(sf)}, ${g.s(sf)}, ${sh} #${shiftAmt(g, sf)}`);
  },
  // Shifts.
  (g) => {
    const sf = g.sf();
    const op = g.r.pick(['lsl', 'lsr', 'asr', 'ror']);
    return one(`${op} ${g.d(sf)}, ${g.s(sf)}, #${g.r.int(0, sf ? 63 : 31)}`);
  },
  (g) => {
    const sf = g.sf();
    const op = g.r.pick(['lsl', 'lsr', 'asr', 'ror', 'lslv', 'lsrv', 'asrv', 'rorv']);
    return one(`${op} ${g.d(sf)}, ${g.s(sf)}, ${g.s(sf)}`);
  },
  // Bitfield.
  (g) => {
    const sf = g.sf();
    const top = sf ? 63 : 31;
    const op = g.r.pick(['ubfm', 'sbfm', 'bfm']);
    return one(`${op} ${g.d(sf)}, ${g.s(sf)}, #${g.r.int(0, top)}, #${g.r.int(0, top)}`);
  },
  (g) => {
    const sf = g.sf();
    const size = sf ? 64 : 32;
    const lsb = g.r.int(0, size - 1);
    const width = g.r.int(1, size - lsb);
    const op = g.r.pick(['ubfx', 'sbfx', 'bfxil', 'bfi', 'ubfiz', 'sbfiz']);
    return one(`${op} ${g.d(sf)}, ${g.s(sf)}, #${lsb}, #${width}`);
  },
  (g) => {
    const k = g.r.int(0, 6);
    const src = g.s(false);
    switch (k) {
      case 0:
        return one(`uxtb ${g.d(false)}, ${src}`);
      case 1:
        return one(`uxth ${g.d(false)}, ${src}`);
      case 2:
        return one(`sxtb ${g.d(g.sf())}, ${src}`);
      case 3:
        return one(`sxth ${g.d(g.sf())}, ${src}`);
      default:
        return one(`sxtw ${g.d()}, ${src}`);
    }
  },
  (g) => {
    const sf = g.sf();
    return one(`extr ${g.d(sf)}, ${g.s(sf)}, ${g.s(sf)}, #${g.r.int(0, sf ? 63 : 31)}`);
  },
  // Multiply and divide.
  (g) => {
    const sf = g.sf();
    const op = g.r.pick(['mul', 'mneg', 'udiv', 'sdiv']);
    return one(`${op} ${g.d(sf)}, ${g.s(sf)}, ${g.s(sf)}`);
  },
  (g) => {
    const sf = g.sf();
    return one(`${g.r.pick(['madd', 'msub'])} ${g.d(sf)}, ${g.s(sf)}, ${g.s(sf)}, ${g.s(sf)}`);
  },
  (g) => one(`${g.r.pick(['smull', 'umull', 'smnegl', 'umnegl'])} ${g.d()}, ${g.s(false)}, ${g.s(false)}`),
  (g) =>
    one(
      `${g.r.pick(['smaddl', 'smsubl', 'umaddl', 'umsubl'])} ${g.d()}, ${g.s(false)}, ${g.s(false)}, ${g.s()}`,
    ),
  (g) => one(`${g.r.pick(['smulh', 'umulh'])} ${g.d()}, ${g.s()}, ${g.s()}`),
  // Bit operations.
  (g) => {
    const sf = g.sf();
    const ops = sf ? ['clz', 'cls', 'rbit', 'rev', 'rev16', 'rev32'] : ['clz', 'cls', 'rbit', 'rev', 'rev16'];
    return one(`${g.r.pick(ops)} ${g.d(sf)}, ${g.s(sf)}`);
  },
  // Conditional select and compare.
  (g) => {
    const sf = g.sf();
    const op = g.r.pick(['csel', 'csinc', 'csinv', 'csneg']);
    return one(`${op} ${g.d(sf)}, ${g.s(sf)}, ${g.s(sf)}, ${g.r.pick([...CONDS, 'al', 'nv'])}`);
  },
  (g) => {
    const sf = g.sf();
    const k = g.r.int(0, 4);
    if (k === 0) return one(`cset ${g.d(sf)}, ${g.cond()}`);
    if (k === 1) return one(`csetm ${g.d(sf)}, ${g.cond()}`);
    return one(`${g.r.pick(['cinc', 'cinv', 'cneg'])} ${g.d(sf)}, ${g.s(sf)}, ${g.cond()}`);
  },
  (g) => {
    const sf = g.sf();
    const op = g.r.pick(['ccmp', 'ccmn']);
    const rhs = g.r.bool() ? g.s(sf) : `#${g.r.int(0, 31)}`;
    return one(`${op} ${g.s(sf)}, ${rhs}, #${g.r.int(0, 15)}, ${g.r.pick([...CONDS, 'al'])}`);
  },
  // Flags as a register.
  (g) => one(`mrs ${g.d()}, nzcv`),
  (g) => one(`msr nzcv, ${g.s()}`),
  () => one('nop'),
  // Loads and stores, immediate offset (scaled or unscaled, as GNU as picks).
  (g) => {
    const load = g.r.bool();
    const [op, size, sf] = g.r.pick(load ? LOADS : STORES);
    const addr = g.r.int(0, SCRATCH - size);
    const b = g.r.int(0, SCRATCH);
    const off = addr - b;
    const rt = ldstRt(g, load, sf, false);
    const mn = g.r.bool(0.2) ? UNSCALED[op] : op;
    return { lines: [base(b), `${mn} ${rt}, [x27, #${off}]`] };
  },
  // Pre- and post-index.
  (g) => {
    const load = g.r.bool();
    const [op, size, sf] = g.r.pick(load ? LOADS : STORES);
    const addr = g.r.int(0, SCRATCH - size);
    const rt = ldstRt(g, load, sf, true);
    if (g.r.bool()) {
      const b = g.r.int(0, SCRATCH);
      return { lines: [base(b), `${op} ${rt}, [x27, #${addr - b}]!`] };
    }
    return { lines: [base(addr), `${op} ${rt}, [x27], #${g.r.int(-256, 255)}`] };
  },
  // Register offset.
  (g) => {
    const load = g.r.bool();
    const [op, size, sf] = g.r.pick(load ? LOADS : STORES);
    const sh = 31 - Math.clz32(size);
    const scaled = size > 1 && g.r.bool();
    const scale = scaled ? size : 1;
    const addr = g.r.int(0, (SCRATCH - size) / scale) * scale;
    const ext = g.r.pick(['lsl', 'uxtw', 'sxtw', 'sxtx']);
    const idx = ext === 'uxtw' ? g.r.int(0, addr / scale) : g.r.int(-addr / scale, 0) + g.r.int(0, 4);
    const b = addr - idx * scale;
    if (b < 0 || b > 4095) return { lines: ['nop'] };
    let rt = ldstRt(g, load, sf, false);
    if (rt === 'x26' || rt === 'w26') rt = sf ? 'x0' : 'w0';
    const amt = scaled ? ` #${sh}` : g.r.bool(0.3) && ext !== 'lsl' ? ' #0' : '';
    const idxReg = ext === 'uxtw' || ext === 'sxtw' ? 'w26' : 'x26';
    const mod = ext === 'lsl' ? (scaled ? `, lsl #${sh}` : '') : `, ${ext}${amt}`;
    return { lines: [base(b), `mov x26, #${idx}`, `${op} ${rt}, [x27, ${idxReg}${mod}]`] };
  },
  // Literal.
  (g) => {
    const k = g.r.int(0, 2);
    const rt = k === 1 ? g.d(false) : g.d();
    const op = k === 2 ? 'ldrsw' : 'ldr';
    return one(`${op} ${rt}, @LIT+${g.r.int(0, 2) * 4}`);
  },
  // Pairs.
  (g) => {
    const load = g.r.bool();
    const kind = g.r.int(0, 2);
    const size = kind === 0 ? 8 : 4;
    const sf = kind === 0;
    const op = load ? (kind === 2 ? 'ldpsw' : 'ldp') : 'stp';
    const mode = g.r.int(0, 2);
    const wb = mode !== 0;
    const addr = g.r.int(0, SCRATCH - 2 * size);
    let rt = ldstRt(g, load, kind === 2 || sf, wb);
    let rt2 = ldstRt(g, load, kind === 2 || sf, wb);
    if (load && rt === rt2) return { lines: ['nop'] };
    if (!load) {
      rt = xr(g.r.int(0, 31), sf);
      rt2 = xr(g.r.int(0, 31), sf);
      if (wb && (rt.endsWith('27') || rt2.endsWith('27'))) return { lines: ['nop'] };
    }
    if (mode === 2) return { lines: [base(addr), `${op} ${rt}, ${rt2}, [x27], #${g.r.int(-64, 63) * size}`] };
    const lo = Math.ceil(-addr / size);
    const hi = Math.floor((SCRATCH - addr) / size);
    const kk = g.r.int(Math.max(lo, -64), Math.min(hi, 63));
    const b = addr - kk * size;
    return { lines: [base(b), `${op} ${rt}, ${rt2}, [x27, #${kk * size}]${mode === 1 ? '!' : ''}`] };
  },
  // Exclusive pairs: load then store-exclusive at once (the store succeeds on both).
  (g) => {
    const [sfx, size] = g.r.pick([
      ['', 8],
      ['', 4],
      ['b', 1],
      ['h', 2],
    ] as [string, number][]);
    const acq = g.r.bool();
    const sf = size === 8;
    const addr = g.r.int(0, (SCRATCH - size) / size) * size;
    const rt = g.d(sf);
    let rs = g.dn();
    const rt2n = g.r.int(0, 31);
    if (rs === rt2n) rs = rs === 0 ? 1 : 0;
    return {
      lines: [
        base(addr),
        `ld${acq ? 'a' : ''}xr${sfx} ${rt}, [x27]`,
        `st${acq ? 'l' : ''}xr${sfx} ${xr(rs, false)}, ${xr(rt2n, sf)}, [x27]`,
      ],
    };
  },
  (g) => {
    const sf = g.sf();
    const size = sf ? 8 : 4;
    const addr = g.r.int(0, (SCRATCH - 2 * size) / (2 * size)) * 2 * size;
    const a = g.dn();
    let b = g.dn();
    if (a === b) b = a === 0 ? 1 : 0;
    const acq = g.r.bool();
    const s1 = g.r.int(0, 31);
    const s2 = g.r.int(0, 31);
    let rs = g.dn();
    while (rs === s1 || rs === s2) rs = (rs + 1) % 27;
    return {
      lines: [
        base(addr),
        `ld${acq ? 'a' : ''}xp ${xr(a, sf)}, ${xr(b, sf)}, [x27]`,
        `st${acq ? 'l' : ''}xp ${xr(rs, false)}, ${xr(s1, sf)}, ${xr(s2, sf)}, [x27]`,
      ],
    };
  },
  (g) => {
    const [sfx, size] = g.r.pick([
      ['', 8],
      ['', 4],
      ['b', 1],
      ['h', 2],
    ] as [string, number][]);
    const sf = size === 8;
    const addr = g.r.int(0, (SCRATCH - size) / size) * size;
    return g.r.bool()
      ? { lines: [base(addr), `ldar${sfx} ${g.d(sf)}, [x27]`] }
      : { lines: [base(addr), `stlr${sfx} ${g.s(sf)}, [x27]`] };
  },
  // SP-relative (SP points 64 bytes into the scratch buffer).
  (g) => {
    const load = g.r.bool();
    const sf = g.sf();
    const size = sf ? 8 : 4;
    const off = g.r.int(-64 / size, (64 - size) / size) * size;
    return one(`${load ? 'ldr' : 'str'} ${load ? g.d(sf) : g.s(sf)}, [sp, #${off}]`);
  },
  // Branches, forward within the sequence.
  (g) => ({ lines: [`b.${g.r.pick([...CONDS, 'al'])} @T`], branch: true }),
  (g) => {
    const sf = g.sf();
    return { lines: [`${g.r.pick(['cbz', 'cbnz'])} ${g.s(sf)}, @T`], branch: true };
  },
  (g) => {
    const sf = g.sf();
    return {
      lines: [`${g.r.pick(['tbz', 'tbnz'])} ${g.s(sf)}, #${g.r.int(0, sf ? 63 : 31)}, @T`],
      branch: true,
    };
  },
  (g) => ({ lines: [`${g.r.pick(['b', 'bl'])} @T`], branch: true }),
  (g) => {
    const rn = g.dn();
    const op = g.r.pick(['br', 'blr', 'ret']);
    return { lines: [`adr ${xr(rn, true)}, @T`, `${op} ${xr(rn, true)}`], branch: true };
  },
  (g) => ({ lines: [`${g.r.pick(['adr', 'adrp'])} ${g.d()}, @T`], branch: true }),
];

export const INT_FORM_COUNT = FORMS.length;
