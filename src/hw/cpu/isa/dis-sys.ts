// Disassembly helpers of the system rows: hint, barrier, PSTATE field and
// system register names, and the SYS aliases (DC, IC, AT, TLBI) vgicsim
// executes (Arm ARM C5.3-C5.5; objdump's lower-case spelling).

import { sysregName } from '../asm/sysreg-table.ts';

/** HINT numbers with a name of their own (C6.2 HINT; the later extensions' hints too, as objdump names them). */
const HINTS: Record<number, string> = {
  0: 'nop',
  1: 'yield',
  2: 'wfe',
  3: 'wfi',
  4: 'sev',
  5: 'sevl',
  6: 'dgh',
  7: 'xpaclri',
  8: 'pacia1716',
  10: 'pacib1716',
  12: 'autia1716',
  14: 'autib1716',
  16: 'esb',
  17: 'psb csync',
  18: 'tsb csync',
  20: 'csdb',
  24: 'paciaz',
  25: 'paciasp',
  26: 'pacibz',
  27: 'pacibsp',
  28: 'autiaz',
  29: 'autiasp',
  30: 'autibz',
  31: 'autibsp',
  32: 'bti',
  34: 'bti c',
  36: 'bti j',
  38: 'bti jc',
};

export function hintName(n: number): string {
  return HINTS[n] ?? `hint #0x${n.toString(16)}`;
}

const BARRIER: Record<number, string> = {
  1: 'oshld',
  2: 'oshst',
  3: 'osh',
  5: 'nshld',
  6: 'nshst',
  7: 'nsh',
  9: 'ishld',
  10: 'ishst',
  11: 'ish',
  13: 'ld',
  14: 'st',
  15: 'sy',
};

export function barrierOption(crm: number): string {
  return BARRIER[crm] ?? `#0x${crm.toString(16).padStart(2, '0')}`;
}

/** MSR (immediate) PSTATE field names by op1:op2. */
export function pstateName(op1: number, op2: number): string | null {
  const k = (op1 << 3) | op2;
  if (k === 5) return 'spsel';
  if (k === 0o36) return 'daifset';
  if (k === 0o37) return 'daifclr';
  if (k === 3) return 'uao';
  if (k === 4) return 'pan';
  return null;
}

/** The system register name of an MRS/MSR encoding (bits 20:5), lower case; `s3_0_c15_c2_0` where unnamed. */
export function sysregText(enc: number): string {
  const e = {
    op0: 2 | ((enc >>> 14) & 1),
    op1: (enc >>> 11) & 7,
    crn: (enc >>> 7) & 15,
    crm: (enc >>> 3) & 15,
    op2: enc & 7,
  };
  return sysregName(e).toLowerCase();
}

/** The generic name `s<op0>_<op1>_c<CRn>_c<CRm>_<op2>` of the system-instruction space of word `w`. */
export function sysregGeneric(w: number): string {
  const f = (lo: number, n: number): number => (w >>> lo) & ((1 << n) - 1);
  return `s${f(19, 2)}_${f(16, 3)}_c${f(12, 4)}_c${f(8, 4)}_${f(5, 3)}`;
}

/** DC/IC/AT/TLBI operations by op1:CRn:CRm:op2 (EL1 and EL0 ones), with whether they take Xt. */
const SYS_OPS: Record<string, [string, boolean]> = {
  '0:7:1:0': ['ic ialluis', false],
  '0:7:5:0': ['ic iallu', false],
  '3:7:5:1': ['ic ivau', true],
  '0:7:6:1': ['dc ivac', true],
  '0:7:6:2': ['dc isw', true],
  '0:7:10:2': ['dc csw', true],
  '0:7:14:2': ['dc cisw', true],
  '3:7:4:1': ['dc zva', true],
  '3:7:10:1': ['dc cvac', true],
  '3:7:11:1': ['dc cvau', true],
  '3:7:12:1': ['dc cvap', true],
  '3:7:14:1': ['dc civac', true],
  '0:7:8:0': ['at s1e1r', true],
  '0:7:8:1': ['at s1e1w', true],
  '0:7:8:2': ['at s1e0r', true],
  '0:7:8:3': ['at s1e0w', true],
  '0:8:3:0': ['tlbi vmalle1is', false],
  '0:8:3:1': ['tlbi vae1is', true],
  '0:8:3:2': ['tlbi aside1is', true],
  '0:8:3:3': ['tlbi vaae1is', true],
  '0:8:3:5': ['tlbi vale1is', true],
  '0:8:3:7': ['tlbi vaale1is', true],
  '0:8:7:0': ['tlbi vmalle1', false],
  '0:8:7:1': ['tlbi vae1', true],
  '0:8:7:2': ['tlbi aside1', true],
  '0:8:7:3': ['tlbi vaae1', true],
  '0:8:7:5': ['tlbi vale1', true],
  '0:8:7:7': ['tlbi vaale1', true],
};

/** `dc zva, x0`, `tlbi vmalle1is`, or the generic `sys #op1, Cn, Cm, #op2{, Xt}`. */
export function sysText(op1: number, crn: number, crm: number, op2: number, rt: number): string {
  const op = SYS_OPS[`${op1}:${crn}:${crm}:${op2}`];
  const xt = rt === 31 ? 'xzr' : `x${rt}`;
  if (op !== undefined) return op[1] ? `${op[0]}, ${xt}` : op[0];
  return `sys #${op1}, C${crn}, C${crm}, #${op2}${rt === 31 ? '' : `, ${xt}`}`;
}
