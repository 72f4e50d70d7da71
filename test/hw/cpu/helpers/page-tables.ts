// Stage-1 page tables for tests (Arm ARM D8.3 descriptor formats, 4 KiB
// granule), written straight into guest RAM, and a reference walk over
// BigInt written independently of src/hw/cpu/mmu for the property test.

import type { Cpu } from '../../../../src/hw/cpu/cpu.ts';
import { CODE_BASE, Guest, guest, VECTORS } from './guest.ts';
import type { GuestRam } from '../../../../src/hw/mem/guest-ram.ts';

export const VALID = 1n;
export const TABLE = 3n;
export const PAGE = 3n;
export const BLOCK = 1n;
export const AF = 1n << 10n;
export const NG = 1n << 11n;
export const SH_INNER = 3n << 8n;
/** AP[2:1] values at bits [7:6]. */
export const AP_EL1_RW = 0n << 6n;
export const AP_RW = 1n << 6n;
export const AP_EL1_RO = 2n << 6n;
export const AP_RO = 3n << 6n;
export const PXN = 1n << 53n;
export const UXN = 1n << 54n;
export const PXN_TABLE = 1n << 59n;
export const UXN_TABLE = 1n << 60n;
export const AP_TABLE_NO_EL0 = 1n << 61n;
export const AP_TABLE_RO = 1n << 62n;
export const attr = (i: number): bigint => BigInt(i) << 2n;
/** MAIR: index 0 Normal write-back, 1 Device-nGnRnE, 2 Device-nGnRE, 3 Normal non-cacheable. */
export const MAIR = 0x44_04_00_ffn;
/** A Normal-memory leaf with AF and inner shareable. */
export const NORMAL = AF | SH_INNER | attr(0);
export const DEVICE = AF | attr(1);

/** TCR_EL1 for T0SZ/T1SZ (4 KiB granules, inner WB, IPS 40 bits), optional extra bits. */
export function tcr(t0sz: number, t1sz: number, extra = 0n): bigint {
  const walk = (1n << 8n) | (1n << 10n) | (3n << 12n);
  return BigInt(t0sz) | walk | (BigInt(t1sz) << 16n) | (walk << 16n) | (2n << 30n) | (2n << 32n) | extra;
}

/** A bump allocator of zeroed 4 KiB tables in RAM, and descriptor writes. */
export class Tables {
  private next: number;
  constructor(
    readonly ram: GuestRam,
    first: number,
  ) {
    this.next = first;
  }
  alloc(): number {
    const t = this.next;
    this.next += 4096;
    for (let o = 0; o < 4096; o += 8) this.ram.write64(t + o, 0n);
    return t;
  }
  set(table: number, index: number, desc: bigint): void {
    this.ram.write64(table + index * 8, desc);
  }
  /**
   * Map the 4 KiB page at `va` (a BigInt, full 64 bits) to `pa` with leaf
   * bits `bits`, in a 4-level (T*SZ = 16) tree rooted at `root`.
   */
  map4k(root: number, va: bigint, pa: number, bits: bigint, tableBits = 0n): void {
    let t = root;
    for (let level = 0; level < 3; level++) {
      const idx = Number((va >> BigInt(39 - 9 * level)) & 511n);
      const d = this.ram.read64(t + idx * 8);
      if ((d & 3n) === 3n) t = Number(d & 0xffff_ffff_f000n);
      else {
        const n = this.alloc();
        this.set(t, idx, BigInt(n) | TABLE | tableBits);
        t = n;
      }
    }
    this.set(t, Number((va >> 12n) & 511n), BigInt(pa) | PAGE | bits);
  }
}

/**
 * The common test setup: a 39-bit TTBR0 space (T0SZ = 25, start level 1)
 * with [0, 1 GiB) as Device and [1 GiB, 2 GiB) (RAM) as Normal, EL1-only
 * 1 GiB blocks, tables at `tables`; TTBR1 walks disabled; MMU on.
 */
export function identityMmu(cpu: Cpu, ram: GuestRam, tables = 0x401f_f000): void {
  for (let o = 0; o < 4096; o += 8) ram.write64(tables + o, 0n);
  ram.write64(tables, BLOCK | DEVICE | UXN | PXN);
  ram.write64(tables + 8, 0x4000_0000n | BLOCK | NORMAL);
  cpu.setSysreg('MAIR_EL1', MAIR);
  cpu.setSysreg('TCR_EL1', tcr(25, 25, 1n << 23n));
  cpu.setSysreg('TTBR0_EL1', tables);
  cpu.setSysreg('SCTLR_EL1', cpu.getSysreg('SCTLR_EL1') | 1n);
}

// ---- guests with the MMU on (mmu*.test.ts, el0*.test.ts) ----

export const ESR = (ec: number, iss: number): bigint => BigInt(((ec << 26) | (1 << 25) | iss) >>> 0);
export const DABT = 0x25;
export const IABT = 0x21;
export const WNR = 1 << 6;
export const HIGH = 0xffff_0000_0000_0000n;
export const DATA = 0x4012_0000;
export const TABLES = 0x4010_0000;

/**
 * A guest with the MMU on: TCR T0SZ = T1SZ = 16 (4 levels each), an
 * identity map of the vector page and four code pages (EL1 only), MAIR
 * index 0 Normal and 1 Device. `tables.roots` are TTBR0 and TTBR1.
 */
export function mmuGuest(code: string | Uint8Array, opts: { asid0?: number; tcrExtra?: bigint } = {}) {
  const g = typeof code === 'string' ? guest(code) : new Guest(code);
  g.vectors();
  const t = new Tables(g.ram, TABLES);
  const root0 = t.alloc();
  const root1 = t.alloc();
  t.map4k(root0, BigInt(VECTORS), VECTORS, NORMAL);
  for (let p = 0; p < 4; p++) t.map4k(root0, BigInt(CODE_BASE + p * 4096), CODE_BASE + p * 4096, NORMAL);
  // The tables themselves (the guest rewrites descriptors).
  for (let p = 0; p < 16; p++) t.map4k(root0, BigInt(TABLES + p * 4096), TABLES + p * 4096, NORMAL);
  g.cpu.setSysreg('MAIR_EL1', MAIR);
  g.cpu.setSysreg('TCR_EL1', tcr(16, 16, opts.tcrExtra ?? 0n));
  g.cpu.setSysreg('TTBR0_EL1', BigInt(root0) | (BigInt(opts.asid0 ?? 0) << 48n));
  g.cpu.setSysreg('TTBR1_EL1', root1);
  g.cpu.setSysreg('SCTLR_EL1', g.cpu.getSysreg('SCTLR_EL1') | 1n);
  return { g, t, root0, root1 };
}

/** The exception taken was a synchronous one at EL1 with this ESR and FAR, from ELR. */
export function assertAbort(g: Guest, esr: bigint, far: bigint | number, elr: number, lower = false): void {
  g.assertPc(VECTORS + (lower ? 0x400 : 0x200))
    .assertSysreg('ESR_EL1', esr)
    .assertSysreg('FAR_EL1', BigInt.asUintN(64, BigInt(far)))
    .assertSysreg('ELR_EL1', elr);
}
