// Stage-1 translation of the EL1&0 regime (Arm ARM D8 "The AArch64 Virtual
// Memory System Architecture", Armv8.0 without FEAT_HAFDBS, FEAT_PAN,
// FEAT_LPA, FEAT_TTCNP): 4 KiB granule, VA up to 48 bits per TTBR (TxSZ
// 16..39), TTBR0/TTBR1 chosen by the VA's top bits, 8-bit ASIDs, MAIR_EL1
// attributes, hierarchical APTable/UXNTable/PXNTable, AF faults (no
// hardware update), address size faults against min(TCR.IPS, PARange=40).
// Pure with respect to the cpu: lookups return a PA or -1 with `fsc` set;
// the caller raises the exception. No import of the core (no cycles).

import type { GuestRam } from '../../mem/guest-ram.ts';
import { SYSREG_INDEX } from '../sysregs.ts';
import { PERM_DEVICE, PERM_EL0_SHIFT, PERM_R, PERM_W, PERM_X, Tlb } from './tlb.ts';

const TWO32 = 4294967296;
const IDX_SCTLR = SYSREG_INDEX.get('SCTLR_EL1')!;
const IDX_TTBR0 = SYSREG_INDEX.get('TTBR0_EL1')!;
const IDX_TTBR1 = SYSREG_INDEX.get('TTBR1_EL1')!;
const IDX_TCR = SYSREG_INDEX.get('TCR_EL1')!;
const IDX_MAIR = SYSREG_INDEX.get('MAIR_EL1')!;

/** Fault status codes (ESR DFSC/IFSC, Arm ARM D19.2.40), plus the level 0..3. */
export const FSC_ADDRESS_SIZE = 0x00;
export const FSC_TRANSLATION = 0x04;
export const FSC_ACCESS_FLAG = 0x08;
export const FSC_PERMISSION = 0x0c;
/** Synchronous external abort on a translation table walk (descriptor outside RAM). */
export const FSC_WALK_EXTERNAL = 0x14;

/** 2^n for n = 0..63 (the walk's sizes; Math.pow is a call). */
const POW2 = Float64Array.from({ length: 64 }, (_, n) => 2 ** n);

/** TCR_EL1.IPS -> output address bits; capped at PARange (40). */
const IPS_BITS = [32, 36, 40, 40, 40, 40, 40, 40];

/** Registers whose writes change translation (SCTLR, TTBR0/1, TCR, MAIR): the cpu resyncs the MMU. */
export function isMmuControl(idx: number): boolean {
  return idx === IDX_SCTLR || idx === IDX_TTBR0 || idx === IDX_TTBR1 || idx === IDX_TCR || idx === IDX_MAIR;
}

/** Every Mmu of a machine, by cpu index: TLBI ...IS broadcasts to the inner shareable domain. */
const DOMAINS = new WeakMap<GuestRam, Mmu[]>();

export class Mmu {
  /** Instruction side (consulted once per page change of the PC) and data side. */
  readonly itlb = new Tlb(8);
  readonly dtlb = new Tlb(10);
  /** ASID of the current address space: TTBR0 or TTBR1 (TCR_EL1.A1) bits [55:48]. */
  asid = 0;
  /** Fault status (with level) of the last failed translate(). */
  fsc = 0;
  /** Permission bits of the last successful translate() (PERM_DEVICE for the alignment check). */
  lastPerm = 0;
  // Result of the last successful walk.
  wPa = 0;
  wPerm = 0;
  wShift = 12;
  wGlobal = false;
  wLevel = 0;
  wAttr = 0;
  wSh = 0;
  /** SCTLR, TCR lo/hi, MAIR lo/hi as last seen: a change flushes the TLBs. */
  private readonly seen = new Int32Array(5);

  constructor(
    private readonly ram: GuestRam,
    private readonly sys: Int32Array,
    index: number,
  ) {
    let d = DOMAINS.get(ram);
    if (d === undefined) {
      d = [];
      DOMAINS.set(ram, d);
    }
    d[index] = this;
  }

  /** The Mmus sharing this one's RAM (itself included). */
  domain(): readonly Mmu[] {
    return DOMAINS.get(this.ram) ?? [this];
  }

  /**
   * Re-read the control registers. A TLB entry holds what SCTLR (WXN),
   * TCR and MAIR said when it was walked, so a change of those flushes
   * (more than the architecture requires, never less); a TTBR write only
   * selects the ASID (entries stay, tagged by ASID).
   */
  sync(): void {
    const s = this.sys;
    const sctlr = s[2 * IDX_SCTLR];
    const tcrLo = s[2 * IDX_TCR];
    const tcrHi = s[2 * IDX_TCR + 1];
    const mairLo = s[2 * IDX_MAIR];
    const mairHi = s[2 * IDX_MAIR + 1];
    const v = this.seen;
    if (v[0] !== sctlr || v[1] !== tcrLo || v[2] !== tcrHi || v[3] !== mairLo || v[4] !== mairHi) {
      v[0] = sctlr;
      v[1] = tcrLo;
      v[2] = tcrHi;
      v[3] = mairLo;
      v[4] = mairHi;
      this.flushAll();
    }
    // TCR_EL1.A1 (bit 22) selects the TTBR holding the ASID; 8-bit ASIDs (ID_AA64MMFR0.ASIDBits = 0).
    const t = (tcrLo >>> 22) & 1 ? IDX_TTBR1 : IDX_TTBR0;
    this.asid = (s[2 * t + 1] >>> 16) & 0xff;
  }

  flushAll(): void {
    this.itlb.flushAll();
    this.dtlb.flushAll();
  }

  /**
   * Translate `va` for an access needing permission bit(s) `need` (PERM_*,
   * shifted for EL0) through `tlb`: the PA, or -1 with `fsc` set.
   */
  translate(tlb: Tlb, va: number, need: number): number {
    const low = va & 4095;
    const page = va - low;
    const i = (va >>> 12) & tlb.mask;
    if (tlb.tag[i] === page) {
      const a = tlb.asid[i];
      const p = tlb.perm[i];
      if ((a < 0 || a === this.asid) && (p & need) !== 0) {
        this.lastPerm = p;
        return tlb.pa[i] + low;
      }
    }
    const f = this.walk(va);
    if (f >= 0) {
      this.fsc = f;
      return -1;
    }
    // RAM's base and size are 4 KiB multiples (GuestRam): a page is wholly inside it or outside.
    const ro = this.wPa - this.ram.base;
    const ramOff = ro >= 0 && ro < this.ram.size ? ro : -1;
    tlb.insert(page, this.wPa, this.wGlobal ? -1 : this.asid, this.wPerm, this.wShift, ramOff);
    if ((this.wPerm & need) === 0) {
      this.fsc = FSC_PERMISSION + this.wLevel;
      return -1;
    }
    this.lastPerm = this.wPerm;
    return this.wPa + low;
  }

  /**
   * The translation table walk (Arm ARM D8.2, D8.3; pseudocode
   * AArch64.TranslationTableWalk). Returns -1 and sets w* on success, or
   * the fault status code. `va` is a signed 64-bit value as a Number.
   */
  walk(va: number): number {
    const s = this.sys;
    const tcrLo = s[2 * IDX_TCR];
    const tcrHi = s[2 * IDX_TCR + 1];
    const upper = va < 0;
    // TCR_EL1: T0SZ [5:0], EPD0 [7], T1SZ [21:16], EPD1 [23]. TxSZ outside 16..39
    // is clamped (a CONSTRAINED UNPREDICTABLE choice the Arm ARM allows).
    let tsz = upper ? (tcrLo >>> 16) & 63 : tcrLo & 63;
    tsz = Math.max(16, Math.min(tsz, 39));
    const inputBits = 64 - tsz;
    const span = POW2[inputBits];
    // A VA outside both ranges, or in a range whose walks are disabled: translation fault, level 0.
    if (upper ? va < -span : va >= span) return FSC_TRANSLATION;
    if ((tcrLo >>> (upper ? 23 : 7)) & 1) return FSC_TRANSLATION;
    const vaLow = upper ? va + span : va;
    // 4 KiB granule (TG0/TG1 other values are treated as 4 KiB, an IMPLEMENTATION DEFINED choice).
    let level = 4 - Math.ceil((inputBits - 12) / 9);
    const oaBits = IPS_BITS[tcrHi & 7];
    const oaLimit = POW2[oaBits];
    const t = upper ? IDX_TTBR1 : IDX_TTBR0;
    const ttbr = (s[2 * t + 1] & 0xffff) * TWO32 + (s[2 * t] >>> 0);
    if (ttbr >= oaLimit) return FSC_ADDRESS_SIZE;
    // BADDR is aligned to the start-level table size; lower bits are taken as zero.
    const align = POW2[3 + inputBits - (39 - 9 * level)];
    let base = ttbr - (ttbr % align);
    let apTable = 0;
    let xnTable = 0;
    let pxnTable = 0;
    const ram = this.ram;
    for (;;) {
      const shift = 39 - 9 * level;
      const index = Math.floor(vaLow / POW2[shift]) % 512;
      const off = base + index * 8 - ram.base;
      if (!(off >= 0 && off <= ram.size - 8)) return FSC_WALK_EXTERNAL + level;
      const lo = ram.i32[off >> 2];
      const hi = ram.i32[(off >> 2) + 1];
      // Bit 0 valid; bit 1: table (levels 0-2) or page (level 3) vs block.
      if ((lo & 1) === 0) return FSC_TRANSLATION + level;
      const oa = (hi & 0xffff) * TWO32 + (lo >>> 0);
      if ((lo & 2) === 0 || level === 3) {
        // Block at level 0 (not with 4 KiB pages) or the reserved encoding at level 3.
        if (level === 0 || ((lo & 2) === 0 && level === 3)) return FSC_TRANSLATION + level;
        if (oa >= oaLimit) return FSC_ADDRESS_SIZE + level;
        // Lower attributes: AttrIndx [4:2], AP[2:1] [7:6], SH [9:8], AF [10], nG [11]; upper: PXN [53], UXN [54].
        if (((lo >>> 10) & 1) === 0) return FSC_ACCESS_FLAG + level;
        const size = POW2[shift];
        const within = vaLow % size;
        this.wPa = oa - (oa % size) + within - (within % 4096);
        this.wShift = shift;
        this.wLevel = level;
        this.wGlobal = ((lo >>> 11) & 1) === 0;
        this.wSh = (lo >>> 8) & 3;
        const ai = (lo >>> 2) & 7;
        const mair = s[2 * IDX_MAIR + (ai >>> 2)];
        this.wAttr = (mair >>> (8 * (ai & 3))) & 0xff;
        // APTable[0] removes EL0 access, APTable[1] removes write access (D8.4.2).
        let ap = (lo >>> 6) & 3;
        if (apTable & 1) ap &= 2;
        if (apTable & 2) ap |= 2;
        this.wPerm = permissions(
          ap,
          ((hi >>> 22) & 1) | xnTable,
          ((hi >>> 21) & 1) | pxnTable,
          ((s[2 * IDX_SCTLR] >>> 19) & 1) === 1,
          (this.wAttr & 0xf0) === 0,
        );
        return -1;
      }
      if (oa >= oaLimit) return FSC_ADDRESS_SIZE + level;
      // Table descriptor: PXNTable [59], UXNTable [60], APTable [62:61].
      pxnTable |= (hi >>> 27) & 1;
      xnTable |= (hi >>> 28) & 1;
      apTable |= (hi >>> 29) & 3;
      base = oa - (oa % 4096);
      level++;
    }
  }

  /**
   * TLBI with op1 = 0, CRn = 8 (Arm ARM C5.5): CRm 3 is the Inner Shareable
   * form (every Mmu of the machine), CRm 7 this cpu only; op2 0 VMALLE1,
   * 1 VAE1, 2 ASIDE1, 3 VAAE1, 5 VALE1, 7 VAALE1. Xt holds VA[55:12] in
   * bits [43:0] and the ASID in [63:48]. The TLB holds only leaf entries,
   * so the "last level" forms act as their plain ones. Returns false for
   * an encoding not implemented (UNDEFINED).
   */
  tlbi(crm: number, op2: number, xlo: number, xhi: number): boolean {
    if ((crm !== 3 && crm !== 7) || op2 === 4 || op2 === 6) return false;
    const asid = (xhi >>> 16) & 0xff;
    const vaPage = (((xhi << 20) >> 20) * TWO32 + (xlo >>> 0)) * 4096;
    // (no allocation: Linux issues a TLBI per page it unmaps)
    if (crm === 7) {
      tlbiOne(this.itlb, op2, asid, vaPage);
      tlbiOne(this.dtlb, op2, asid, vaPage);
      return true;
    }
    const d = this.domain();
    for (let k = 0; k < d.length; k++) {
      const m = d[k];
      if (m === undefined) continue;
      tlbiOne(m.itlb, op2, asid, vaPage);
      tlbiOne(m.dtlb, op2, asid, vaPage);
    }
    return true;
  }

  /**
   * AT S1E1R/W, S1E0R/W: PAR_EL1 for a walk of `va` checked for `need`
   * (Arm ARM D19.2.100): on success PA[47:12], SH [8:7], ATTR [63:56]
   * (NS = 0: a Non-secure regime leaves it UNKNOWN); on a fault F = 1 and
   * FST [6:1] (stage 1, PTW = S = 0). AT goes through no TLB.
   */
  at(va: number, need: number): bigint {
    const f = this.walk(va);
    if (f < 0 && (this.wPerm & need) === 0) return BigInt(((FSC_PERMISSION + this.wLevel) << 1) | 1);
    if (f >= 0) return BigInt((f << 1) | 1);
    return (BigInt(this.wAttr) << 56n) | BigInt(this.wPa) | BigInt(this.wSh << 7);
  }
}

/**
 * Stage-1 EL1&0 permissions (Arm ARM D8.4, Armv8.0 without PAN): AP[2:1]
 * 00 EL1 RW, 01 EL1 and EL0 RW, 10 EL1 RO, 11 EL1 and EL0 RO. EL0 may
 * execute what UXN allows (even without read: execute-only); EL1 never
 * executes EL0-writable memory; SCTLR.WXN makes writable memory XN.
 */
export function permissions(ap: number, uxn: number, pxn: number, wxn: boolean, device: boolean): number {
  const privW = (ap & 2) === 0;
  const userR = (ap & 1) === 1;
  const userW = ap === 1;
  const userX = uxn === 0 && !(userW && wxn);
  const privX = pxn === 0 && !(privW && wxn) && !userW;
  let p = PERM_R;
  if (privW) p |= PERM_W;
  if (privX) p |= PERM_X;
  if (userR) p |= PERM_R << PERM_EL0_SHIFT;
  if (userW) p |= PERM_W << PERM_EL0_SHIFT;
  if (userX) p |= PERM_X << PERM_EL0_SHIFT;
  if (device) p |= PERM_DEVICE;
  return p;
}

/** One TLB's part of a TLBI (Mmu.tlbi). */
function tlbiOne(t: Tlb, op2: number, asid: number, vaPage: number): void {
  if (op2 === 0) t.flushAll();
  else if (op2 === 2) t.flushAsid(asid);
  else t.flushVa(vaPage, op2 === 1 || op2 === 5 ? asid : -1);
}
