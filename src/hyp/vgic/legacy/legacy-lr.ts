// The list registers of the legacy vgic (Linux 4.2/4.3 vgic.c + vgic-v2.c):
// the LR shadow (vgic_v2.vgic_lr) is kept across exits and copied into the
// GICH frame at every entry and back at every exit (the world switch of
// that era, __vgic_v2_{restore,save}_state). An LR is not rebuilt at each
// entry: once an interrupt is queued it stays in its LR until the LR reads
// back empty (GICH_ELRSR); a new pending instance of the same interrupt
// piggy-backs on its LR (vgic_queue_irq); when no LR is free the underflow
// maintenance interrupt is enabled (GICH_HCR.UIE).
//
// LR values follow vgic_v2_set_lr of that era: VirtualID, CPUID (source),
// the state bits, EOI, HW + PhysicalID. No priority and no group: every
// interrupt is shown to the guest at priority 0, group 0, whatever
// GICD_IPRIORITYR says.

import type { MmioDevice } from '../../../hw/mmio.ts';
import {
  GICH_APR,
  GICH_EISR0,
  GICH_EISR1,
  GICH_ELRSR0,
  GICH_ELRSR1,
  GICH_HCR,
  GICH_HCR_En,
  GICH_HCR_UIE,
  GICH_LR_CPUID,
  GICH_LR_EOI,
  GICH_LR_HW,
  GICH_LR_PhysicalID,
  GICH_LR_State,
  GICH_LR_VirtualID,
  GICH_LRS_PER_STATUS_WORD,
  GICH_MAX_LRS,
  GICH_MISR,
  GICH_MISR_EOI,
  GICH_MISR_U,
  GICH_VMCR,
  GICH_VTR,
  GICH_VTR_ListRegs,
  gichLrOffset,
} from '../../../hw/gic/virt-regs.ts';
import { fieldMask, getField } from '../../../sim/bits.ts';
import type { GichFrames } from '../ports.ts';

const HCR_EN_BIT = fieldMask(GICH_HCR_En);
const HCR_UIE_BIT = fieldMask(GICH_HCR_UIE);
export const LR_CPUID = GICH_LR_CPUID;
export const LR_PHYSICALID = GICH_LR_PhysicalID;
export const LR_EOI_BIT = fieldMask(GICH_LR_EOI);
export const LR_HW_BIT = fieldMask(GICH_LR_HW);
const LR_STATE = GICH_LR_State;
const LR_VIRTUALID = GICH_LR_VirtualID;
const LRS_PER_STATUS_WORD = GICH_LRS_PER_STATUS_WORD;
const MAX_LRS = GICH_MAX_LRS;
const VTR_LISTREGS = GICH_VTR_ListRegs;

const WORD = 4;
export const LR_EMPTY = -1;
const STATE_MASK = fieldMask(LR_STATE);
export const LR_PENDING_BIT = 1 << LR_STATE.lsb;
export const LR_ACTIVE_BIT = 2 << LR_STATE.lsb;

/** GICH_MISR bits (GICv2 5.3.5) */
export const MISR_EOI = fieldMask(GICH_MISR_EOI);
export const MISR_U = fieldMask(GICH_MISR_U);

export function lrIrq(val: number): number {
  return getField(val, LR_VIRTUALID);
}
/** vgic_v2_get_lr's `source`: the CPUID bits, read whatever HW says */
export function lrSource(val: number): number {
  return getField(val, LR_CPUID);
}
export function lrState(val: number): number {
  return getField(val, LR_STATE);
}
export function lrIsHw(val: number): boolean {
  return (val & LR_HW_BIT) !== 0;
}
export function lrHwirq(val: number): number {
  return getField(val, LR_PHYSICALID);
}
/** vlr.state = 0; vlr.hwirq = 0; re-encoded: VirtualID and the source (CPUID bits) only */
export function lrCleared(val: number): number {
  return (lrIrq(val) | (lrSource(val) << LR_CPUID.lsb)) >>> 0;
}

/** Per-vcpu LR state (vgic_cpu: vgic_v2, lr_used, vgic_irq_lr_map). */
export class LegacyCpuIf {
  gich: MmioDevice | null = null;
  loadedOn = -1;
  nrLr = 0;
  /** the LR shadow: what the next entry writes into GICH */
  readonly lr = new Uint32Array(MAX_LRS);
  /** lr_used */
  readonly used = new Uint8Array(MAX_LRS);
  /** vgic_elrsr: the LR is empty */
  readonly elrsr = new Uint8Array(MAX_LRS).fill(1);
  /** vgic_eisr of the last exit */
  readonly eisr = new Uint8Array(MAX_LRS);
  /** vgic_misr of the last exit */
  misr = 0;
  /** vgic_hcr: En, UIE when out of LRs */
  hcr = HCR_EN_BIT;
  vmcr = 0;
  /** GICH_APR (GICv3: ICH_AP1R0_EL2) */
  apr = 0;
  /** GICv3: ICH_AP0R0_EL2 (GICv2: unused, 0) */
  ap0r = 0;
  /** flushed and not yet synced */
  inGuest = false;
  /** vgic_irq_lr_map: INTID -> LR */
  readonly lrMap: Int16Array;

  constructor(nrIrqs: number) {
    this.lrMap = new Int16Array(nrIrqs).fill(LR_EMPTY);
  }

  /** vgic_v2_load (then: the VMCR/APR part of the world switch). */
  load(frames: GichFrames, pcpu: number): void {
    if (this.gich !== null) throw new RangeError(`already loaded on pcpu ${this.loadedOn}`);
    const g = frames.gich(pcpu);
    this.gich = g;
    this.loadedOn = pcpu;
    this.nrLr = Math.min(getField(g.read(GICH_VTR, WORD, pcpu), VTR_LISTREGS) + 1, MAX_LRS);
    g.write(GICH_VMCR, WORD, this.vmcr, pcpu);
    g.write(GICH_APR, WORD, this.apr, pcpu);
    g.write(GICH_HCR, WORD, HCR_EN_BIT, pcpu);
  }

  put(): void {
    const g = this.frame();
    if (this.inGuest) throw new RangeError('put between flush and sync');
    this.vmcr = g.read(GICH_VMCR, WORD, this.loadedOn);
    this.apr = g.read(GICH_APR, WORD, this.loadedOn);
    g.write(GICH_HCR, WORD, 0, this.loadedOn);
    this.gich = null;
    this.loadedOn = -1;
  }

  /** The value the trace shows for an LR write (GICv2: the GICH_LR value itself). */
  traceValue(vlr: number): number {
    return vlr >>> 0;
  }

  isLoaded(): boolean {
    return this.gich !== null;
  }

  frame(): MmioDevice {
    if (this.gich === null) throw new RangeError('vcpu not loaded');
    return this.gich;
  }

  /** __vgic_v2_restore_state: HCR and every LR from the shadow. */
  restoreToHw(): void {
    const g = this.frame();
    const p = this.loadedOn;
    g.write(GICH_HCR, WORD, this.hcr, p);
    for (let n = 0; n < this.nrLr; n++) g.write(gichLrOffset(n), WORD, this.lr[n], p);
    this.inGuest = true;
  }

  /** __vgic_v2_save_state: MISR, EISR, ELRSR, every LR back into the shadow; the LRs cleared; HCR En only. */
  saveFromHw(): void {
    const g = this.frame();
    const p = this.loadedOn;
    this.misr = g.read(GICH_MISR, WORD, p);
    const eisr0 = g.read(GICH_EISR0, WORD, p);
    const elrsr0 = g.read(GICH_ELRSR0, WORD, p);
    const wide = this.nrLr > LRS_PER_STATUS_WORD;
    const eisr1 = wide ? g.read(GICH_EISR1, WORD, p) : 0;
    const elrsr1 = wide ? g.read(GICH_ELRSR1, WORD, p) : 0;
    for (let n = 0; n < this.nrLr; n++) {
      const lo = n < LRS_PER_STATUS_WORD;
      const bit = 1 << (lo ? n : n - LRS_PER_STATUS_WORD);
      this.eisr[n] = ((lo ? eisr0 : eisr1) & bit) !== 0 ? 1 : 0;
      this.elrsr[n] = ((lo ? elrsr0 : elrsr1) & bit) !== 0 ? 1 : 0;
      this.lr[n] = g.read(gichLrOffset(n), WORD, p);
      g.write(gichLrOffset(n), WORD, 0, p);
    }
    g.write(GICH_HCR, WORD, HCR_EN_BIT, p);
    this.inGuest = false;
  }

  /** vgic_set_lr + vgic_sync_lr_elrsr */
  setLr(n: number, val: number): void {
    this.lr[n] = val >>> 0;
    this.elrsr[n] = (val & STATE_MASK) === 0 ? 1 : 0;
  }

  firstFreeLr(): number {
    for (let n = 0; n < this.nrLr; n++) if (this.used[n] === 0) return n;
    return LR_EMPTY;
  }

  /** Some LR is not empty (find_first_zero_bit(elrsr) < nr_lr). */
  anyLive(): boolean {
    for (let n = 0; n < this.nrLr; n++) if (this.elrsr[n] === 0) return true;
    return false;
  }

  enableUnderflow(): void {
    this.hcr = (this.hcr | HCR_UIE_BIT) >>> 0;
  }

  disableUnderflow(): void {
    this.hcr = (this.hcr & ~HCR_UIE_BIT) >>> 0;
  }
}
