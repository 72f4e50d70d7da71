// Random FP/SIMD forms (GNU as syntax) for the differential test: every
// class exec-fp*.ts implements, mixed with integer forms (1 in 4). Memory
// forms use x27 = x28 + offset inside the scratch buffer as gen-int.ts does.

import { IntGen, SCRATCH } from './gen-int.ts';

const ARR: [string, number][] = [
  ['8b', 0],
  ['16b', 0],
  ['4h', 1],
  ['8h', 1],
  ['2s', 2],
  ['4s', 2],
  ['2d', 3],
];
const CONDS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al'];
const LANE = ['b', 'h', 's', 'd'];

type Form = (g: FpGen) => string[];

export class FpGen extends IntGen {
  v(): number {
    return this.r.int(0, 31);
  }
  /** An arrangement; `noD` excludes 2d, `noQ` the 128-bit ones. */
  arr(noD = false): [string, number] {
    for (;;) {
      const a = this.r.pick(ARR);
      if (!(noD && a[1] === 3)) return a;
    }
  }
  fpImm(): string {
    const n = this.r.int(16, 31);
    const e = this.r.int(-3, 4);
    return `${this.r.bool() ? '-' : ''}${(n / 16) * 2 ** e}`;
  }
  override item(): { lines: string[]; branch?: boolean } {
    if (this.r.bool(0.25)) return super.item();
    return { lines: this.r.pick(FP_FORMS)(this) };
  }
}

function base(addr: number): string {
  return `add x27, x28, #${addr}`;
}

const FP_FORMS: Form[] = [
  // Loads and stores.
  (g) => {
    const [reg, size] = g.r.pick([
      ['b', 1],
      ['h', 2],
      ['s', 4],
      ['d', 8],
      ['q', 16],
    ] as [string, number][]);
    const op = g.r.bool() ? 'ldr' : 'str';
    const mode = g.r.int(0, 3);
    const addr = g.r.int(0, SCRATCH - size);
    const rt = `${reg}${g.v()}`;
    if (mode === 0) {
      const b = g.r.int(0, SCRATCH);
      return [base(b), `${op} ${rt}, [x27, #${addr - b}]`];
    }
    if (mode === 1) return [base(addr), `${op} ${rt}, [x27], #${g.r.int(-256, 255)}`];
    if (mode === 2) {
      const b = g.r.int(0, SCRATCH);
      return [base(b), `${op} ${rt}, [x27, #${addr - b}]!`];
    }
    const scaled = size > 1 && g.r.bool();
    const a2 = scaled ? g.r.int(0, (SCRATCH - size) / size) * size : addr;
    const idx = g.r.int(0, 4);
    const b = a2 - idx * (scaled ? size : 1);
    if (b < 0) return ['nop'];
    const ext = g.r.pick(['lsl', 'uxtw', 'sxtw', 'sxtx']);
    const ir = ext === 'uxtw' || ext === 'sxtw' ? 'w26' : 'x26';
    const sh = scaled ? ` #${31 - Math.clz32(size)}` : '';
    const mod = ext === 'lsl' ? (scaled ? `, lsl${sh}` : '') : `, ${ext}${sh}`;
    return [base(b), `mov x26, #${idx}`, `${op} ${rt}, [x27, ${ir}${mod}]`];
  },
  (g) => {
    const [reg, size] = g.r.pick([
      ['s', 4],
      ['d', 8],
      ['q', 16],
    ] as [string, number][]);
    const op = g.r.bool() ? 'ldp' : 'stp';
    const a = g.v();
    let b = g.v();
    if (a === b) b = (a + 1) & 31;
    const addr = g.r.int(0, (SCRATCH - 2 * size) / size) * size;
    const mode = g.r.int(0, 2);
    if (mode === 2) return [base(addr), `${op} ${reg}${a}, ${reg}${b}, [x27], #${g.r.int(-4, 4) * size}`];
    const k = g.r.int(-Math.min(4, addr / size), 0);
    return [base(addr - k * size), `${op} ${reg}${a}, ${reg}${b}, [x27, #${k * size}]${mode ? '!' : ''}`];
  },
  (g) => {
    const n = g.r.int(1, 4);
    const structs = g.r.bool(0.3) && n > 1;
    const [arr, sz] = g.r.pick(ARR);
    if (structs && arr === '1d') return ['nop'];
    const q = arr.endsWith('16b') || arr.endsWith('8h') || arr.endsWith('4s') || arr === '2d';
    const total = n * (q ? 16 : 8);
    const a = g.r.int(0, SCRATCH - total);
    const first = g.v();
    const list = Array.from({ length: n }, (_, i) => `v${(first + i) & 31}.${arr}`).join(', ');
    const op = `${g.r.bool() ? 'ld' : 'st'}${structs ? n : 1}`;
    if (structs && sz === 3 && !q) return ['nop'];
    return g.r.bool() ? [base(a), `${op} {${list}}, [x27]`] : [base(a), `${op} {${list}}, [x27], #${total}`];
  },
  // FMOV and friends.
  (g) => {
    switch (g.r.int(0, 7)) {
      case 0:
        return [`fmov ${g.d(false)}, s${g.v()}`];
      case 1:
        return [`fmov ${g.d()}, d${g.v()}`];
      case 2:
        return [`fmov s${g.v()}, ${g.s(false)}`];
      case 3:
        return [`fmov d${g.v()}, ${g.s()}`];
      case 4:
        return [`fmov ${g.d()}, v${g.v()}.d[1]`];
      case 5:
        return [`fmov v${g.v()}.d[1], ${g.s()}`];
      case 6:
        return [`fmov ${g.r.pick(['s', 'd'])}${g.v()}, #${g.fpImm()}`];
      default: {
        const t = g.r.pick(['s', 'd']);
        return [`fmov ${t}${g.v()}, ${t}${g.v()}`];
      }
    }
  },
  // Scalar FP arithmetic.
  (g) => {
    const t = g.r.pick(['s', 'd']);
    const op = g.r.pick(['fadd', 'fsub', 'fmul', 'fdiv', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fnmul']);
    return [`${op} ${t}${g.v()}, ${t}${g.v()}, ${t}${g.v()}`];
  },
  (g) => {
    const t = g.r.pick(['s', 'd']);
    const k = g.r.int(0, 3);
    if (k === 3) return [t === 's' ? `fcvt d${g.v()}, s${g.v()}` : `fcvt s${g.v()}, d${g.v()}`];
    return [`${['fabs', 'fneg', 'fsqrt'][k]} ${t}${g.v()}, ${t}${g.v()}`];
  },
  (g) => {
    const t = g.r.pick(['s', 'd']);
    const op = g.r.pick(['fcmp', 'fcmpe']);
    switch (g.r.int(0, 3)) {
      case 0:
        return [`${op} ${t}${g.v()}, #0.0`];
      case 1:
        return [
          `${g.r.pick(['fccmp', 'fccmpe'])} ${t}${g.v()}, ${t}${g.v()}, #${g.r.int(0, 15)}, ${g.r.pick(CONDS)}`,
        ];
      case 2:
        return [`fcsel ${t}${g.v()}, ${t}${g.v()}, ${t}${g.v()}, ${g.r.pick(CONDS)}`];
      default:
        return [`${op} ${t}${g.v()}, ${t}${g.v()}`];
    }
  },
  (g) => {
    const t = g.r.pick(['s', 'd']);
    const sf = g.r.bool();
    if (g.r.bool(0.4)) return [`${g.r.pick(['scvtf', 'ucvtf'])} ${t}${g.v()}, ${g.s(sf)}`];
    const op = g.r.pick([
      'fcvtzs',
      'fcvtzu',
      'fcvtns',
      'fcvtnu',
      'fcvtms',
      'fcvtmu',
      'fcvtps',
      'fcvtpu',
      'fcvtas',
      'fcvtau',
    ]);
    return [`${op} ${g.d(sf)}, ${t}${g.v()}`];
  },
  (g) => (g.r.bool() ? [`mrs ${g.d()}, fpsr`] : [`msr fpsr, ${g.s()}`]),
  // AdvSIMD three same.
  (g) => {
    const logic = g.r.bool(0.3);
    if (logic) {
      const a = g.r.pick(['8b', '16b']);
      const op = g.r.pick(['and', 'orr', 'eor', 'bic', 'orn', 'bsl', 'bit', 'bif']);
      return [`${op} v${g.v()}.${a}, v${g.v()}.${a}, v${g.v()}.${a}`];
    }
    const op = g.r.pick([
      'add',
      'sub',
      'cmeq',
      'cmtst',
      'cmgt',
      'cmge',
      'cmhi',
      'cmhs',
      'smax',
      'smin',
      'umax',
      'umin',
      'smaxp',
      'sminp',
      'umaxp',
      'uminp',
      'addp',
      'mul',
    ]);
    const noD = !['add', 'sub', 'cmeq', 'cmtst', 'cmgt', 'cmge', 'cmhi', 'cmhs', 'addp'].includes(op);
    const [a] = g.arr(noD);
    return [`${op} v${g.v()}.${a}, v${g.v()}.${a}, v${g.v()}.${a}`];
  },
  // Two-register misc.
  (g) => {
    const k = g.r.int(0, 6);
    const rd = g.v();
    const rn = g.v();
    switch (k) {
      case 0: {
        const [op, allowed] = g.r.pick([
          ['rev64', ['8b', '16b', '4h', '8h', '2s', '4s']],
          ['rev32', ['8b', '16b', '4h', '8h']],
          ['rev16', ['8b', '16b']],
        ] as [string, string[]][]);
        const a = g.r.pick(allowed);
        return [`${op} v${rd}.${a}, v${rn}.${a}`];
      }
      case 1: {
        const a = g.r.pick(['8b', '16b']);
        return [`${g.r.pick(['cnt', 'not', 'rbit'])} v${rd}.${a}, v${rn}.${a}`];
      }
      case 2: {
        const [a] = g.arr();
        return [`${g.r.pick(['cmeq', 'cmgt', 'cmge', 'cmle', 'cmlt'])} v${rd}.${a}, v${rn}.${a}, #0`];
      }
      case 3: {
        const [a] = g.arr();
        return [`${g.r.pick(['abs', 'neg'])} v${rd}.${a}, v${rn}.${a}`];
      }
      case 4: {
        const [a] = g.arr(true);
        return [`${g.r.pick(['clz', 'cls'])} v${rd}.${a}, v${rn}.${a}`];
      }
      default: {
        const [n, w] = g.r.pick([
          ['8b', '8h'],
          ['16b', '8h'],
          ['4h', '4s'],
          ['8h', '4s'],
          ['2s', '2d'],
          ['4s', '2d'],
        ] as [string, string][]);
        const two = n === '16b' || n === '8h' || n === '4s' ? '2' : '';
        return [`xtn${two} v${rd}.${n}, v${rn}.${w}`];
      }
    }
  },
  // Across lanes.
  (g) => {
    const [a, sz] = g.r.pick([
      ['8b', 0],
      ['16b', 0],
      ['4h', 1],
      ['8h', 1],
      ['4s', 2],
    ] as [string, number][]);
    const op = g.r.pick(['addv', 'umaxv', 'uminv', 'smaxv', 'sminv', 'uaddlv', 'saddlv']);
    const long = op.endsWith('lv');
    return [`${op} ${LANE[long ? sz + 1 : sz]}${g.v()}, v${g.v()}.${a}`];
  },
  // Copy.
  (g) => {
    const sz = g.r.int(0, 3);
    const elems = 16 >> sz;
    const t = LANE[sz];
    const rd = g.v();
    const rn = g.v();
    switch (g.r.int(0, 5)) {
      case 0: {
        const a = sz === 3 ? '2d' : g.r.pick([`${8 >> sz}${t}`, `${elems}${t}`].filter((x) => x !== '1d'));
        return [`dup v${rd}.${a}, v${rn}.${t}[${g.r.int(0, elems - 1)}]`];
      }
      case 1: {
        const a = sz === 3 ? '2d' : g.r.pick([`${8 >> sz}${t}`, `${elems}${t}`]);
        return [`dup v${rd}.${a}, ${g.s(sz === 3)}`];
      }
      case 2:
        return [`umov ${g.d(sz === 3)}, v${rn}.${t}[${g.r.int(0, elems - 1)}]`];
      case 3: {
        if (sz >= 2) return [`smov ${g.d()}, v${rn}.s[${g.r.int(0, 3)}]`];
        return [`smov ${g.d(g.r.bool())}, v${rn}.${t}[${g.r.int(0, elems - 1)}]`];
      }
      case 4:
        return [`ins v${rd}.${t}[${g.r.int(0, elems - 1)}], ${g.s(sz === 3)}`];
      default:
        return [`ins v${rd}.${t}[${g.r.int(0, elems - 1)}], v${rn}.${t}[${g.r.int(0, elems - 1)}]`];
    }
  },
  // Permute, EXT, TBL/TBX.
  (g) => {
    const k = g.r.int(0, 2);
    if (k === 0) {
      const [a] = g.arr();
      const op = g.r.pick(['uzp1', 'uzp2', 'zip1', 'zip2', 'trn1', 'trn2']);
      return [`${op} v${g.v()}.${a}, v${g.v()}.${a}, v${g.v()}.${a}`];
    }
    const q = g.r.bool();
    const a = q ? '16b' : '8b';
    if (k === 1) return [`ext v${g.v()}.${a}, v${g.v()}.${a}, v${g.v()}.${a}, #${g.r.int(0, q ? 15 : 7)}`];
    const n = g.r.int(1, 4);
    const first = g.v();
    const list = Array.from({ length: n }, (_, i) => `v${(first + i) & 31}.16b`).join(', ');
    return [`${g.r.pick(['tbl', 'tbx'])} v${g.v()}.${a}, {${list}}, v${g.v()}.${a}`];
  },
  // Modified immediate.
  (g) => {
    const rd = g.v();
    const imm = g.r.int(0, 255);
    switch (g.r.int(0, 6)) {
      case 0:
        return [`movi v${rd}.${g.r.pick(['8b', '16b'])}, #${imm}`];
      case 1:
        return [
          `${g.r.pick(['movi', 'mvni', 'orr', 'bic'])} v${rd}.${g.r.pick(['2s', '4s'])}, #${imm}, lsl #${8 * g.r.int(0, 3)}`,
        ];
      case 2:
        return [
          `${g.r.pick(['movi', 'mvni', 'orr', 'bic'])} v${rd}.${g.r.pick(['4h', '8h'])}, #${imm}, lsl #${8 * g.r.int(0, 1)}`,
        ];
      case 3:
        return [
          `${g.r.pick(['movi', 'mvni'])} v${rd}.${g.r.pick(['2s', '4s'])}, #${imm}, msl #${g.r.pick([8, 16])}`,
        ];
      case 4: {
        let v = 0n;
        for (let i = 0; i < 8; i++) if (g.r.bool()) v |= 0xffn << BigInt(8 * i);
        return [g.r.bool() ? `movi v${rd}.2d, #0x${v.toString(16)}` : `movi d${rd}, #0x${v.toString(16)}`];
      }
      default:
        return [`fmov v${rd}.${g.r.pick(['2s', '4s', '2d'])}, #${g.fpImm()}`];
    }
  },
  // Shift by immediate.
  (g) => {
    const [a, sz] = g.arr();
    const es = 8 << sz;
    const rd = g.v();
    const rn = g.v();
    const k = g.r.int(0, 3);
    if (k === 0) {
      const op = g.r.pick(['sshr', 'ushr', 'ssra', 'usra', 'sri']);
      return [`${op} v${rd}.${a}, v${rn}.${a}, #${g.r.int(1, es)}`];
    }
    if (k === 1) return [`${g.r.pick(['shl', 'sli'])} v${rd}.${a}, v${rn}.${a}, #${g.r.int(0, es - 1)}`];
    if (sz === 3) return ['nop'];
    const q = a.endsWith('16b') || a.endsWith('8h') || a.endsWith('4s');
    const wide = `${64 / es}${LANE[sz + 1]}`;
    if (k === 2) return [`shrn${q ? '2' : ''} v${rd}.${a}, v${rn}.${wide}, #${g.r.int(1, es)}`];
    return [
      `${g.r.pick(['sshll', 'ushll'])}${q ? '2' : ''} v${rd}.${wide}, v${rn}.${a}, #${g.r.int(0, es - 1)}`,
    ];
  },
];
