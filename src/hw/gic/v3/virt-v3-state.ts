// The state of one GICv3 virtual CPU interface as data (IHI 0069H 12.4): what
// it is built from, the ICH_*_EL2 registers a snapshot holds and their reset values, ICH_VTR_EL2 as
// this model builds it, and the ICH_VMCR_EL2 write rules (shared by MSR
// ICH_VMCR_EL2 and the guest's ICV control registers).

import { getField, setField } from '../../../sim/bits.ts';
import type { TraceSink } from '../../../sim/trace/sink.ts';
import type { Clock } from '../../mmio.ts';
import {
  ICH_VMCR_VBPR0,
  ICH_VMCR_VBPR1,
  ICH_VMCR_VCBPR,
  ICH_VMCR_VEOIM,
  ICH_VMCR_VENG0,
  ICH_VMCR_VENG1,
  ICH_VMCR_VFIQEn,
  ICH_VMCR_VPMR,
  ICH_VTR_A3V,
  ICH_VTR_IDbits,
  ICH_VTR_ListRegs,
  ICH_VTR_nV4,
  ICH_VTR_PREbits,
  ICH_VTR_PRIbits,
  ICH_VTR_TDS,
} from './ich-regs.ts';
import {
  MIN_VBPR0,
  MIN_VBPR1,
  VIRT_V3_PREEMPTION_BITS,
  VIRT_V3_PRIORITY_BITS,
  VIRT_V3_PRIORITY_MASK,
} from './virt-priority-v3.ts';
import type { IchReg } from './sysreg-encodings.ts';

/** What the virtual CPU interface needs from the physical GIC. */
export interface PhysicalDeactivatePort {
  /** Deactivate physical `pintid` for `cpu`: a virtual deactivation of an LR with HW = 1 (4.9, ICH_LR<n>_EL2.HW). */
  deactivatePhysical(cpu: number, pintid: number): void;
}

export interface VirtCpuInterfaceV3Options {
  readonly cpu: number;
  /** number of list registers, 1..16 (ICH_VTR_EL2.ListRegs + 1) */
  readonly nLR: number;
  readonly clock: Clock;
  readonly trace: TraceSink;
  readonly phys: PhysicalDeactivatePort;
}

export interface VirtCpuInterfaceV3State {
  readonly version: 1;
  /** ICH_LR<n>_EL2 bits [31:0] (ICH_EISR/ELRSR/MISR are derived from the LRs, HCR and VMCR) */
  readonly lrLo: readonly number[];
  /** ICH_LR<n>_EL2 bits [63:32] */
  readonly lrHi: readonly number[];
  readonly hcr: number;
  readonly vmcr: number;
  /** ICH_AP0R0_EL2, ICH_AP1R0_EL2 */
  readonly ap0: number;
  readonly ap1: number;
  /** output levels as last signalled */
  readonly virq: boolean;
  readonly vfiq: boolean;
  readonly maintenance: boolean;
}

/**
 * ICH_VMCR_EL2 as stored after writing `v`: the fields that exist (VAckCtl
 * RES0, VFIQEn RES1 with the system register interface), binary points at
 * least their minimum, VPMR's unimplemented bits RAZ/WI.
 */
export function vmcrWrite(v: number): number {
  let m = 0;
  m = setField(m, ICH_VMCR_VENG0, getField(v, ICH_VMCR_VENG0));
  m = setField(m, ICH_VMCR_VENG1, getField(v, ICH_VMCR_VENG1));
  m = setField(m, ICH_VMCR_VFIQEn, 1);
  m = setField(m, ICH_VMCR_VCBPR, getField(v, ICH_VMCR_VCBPR));
  m = setField(m, ICH_VMCR_VEOIM, getField(v, ICH_VMCR_VEOIM));
  m = setField(m, ICH_VMCR_VBPR1, Math.max(getField(v, ICH_VMCR_VBPR1), MIN_VBPR1));
  m = setField(m, ICH_VMCR_VBPR0, Math.max(getField(v, ICH_VMCR_VBPR0), MIN_VBPR0));
  return setField(m, ICH_VMCR_VPMR, getField(v, ICH_VMCR_VPMR) & VIRT_V3_PRIORITY_MASK);
}

/** ICH_VTR_EL2 of an interface with `nLR` list registers (the choices of virt-cpu-interface-v3.ts). */
export function ichVtr(nLR: number): number {
  let v = setField(0, ICH_VTR_ListRegs, nLR - 1);
  v = setField(v, ICH_VTR_TDS, 1);
  v = setField(v, ICH_VTR_nV4, 1);
  v = setField(v, ICH_VTR_A3V, 1);
  v = setField(v, ICH_VTR_IDbits, 0); // 16 bits
  v = setField(v, ICH_VTR_PREbits, VIRT_V3_PREEMPTION_BITS - 1);
  return setField(v, ICH_VTR_PRIbits, VIRT_V3_PRIORITY_BITS - 1);
}

/** Does this model implement ICH register `r`? (5 preemption bits: ICH_AP0R0/AP1R0 only; the others are UNDEFINED.) */
export function ichImplemented(r: IchReg): boolean {
  return !/^ICH_AP[01]R[123]_EL2$/.test(r);
}

/** Every LR invalid, ICH_HCR_EL2 0, ICH_VMCR_EL2 = vmcrWrite(0), nothing active, lines low. */
export function virtV3DefaultState(nLR: number): VirtCpuInterfaceV3State {
  return {
    version: 1,
    lrLo: new Array<number>(nLR).fill(0),
    lrHi: new Array<number>(nLR).fill(0),
    hcr: 0,
    vmcr: vmcrWrite(0),
    ap0: 0,
    ap1: 0,
    virq: false,
    vfiq: false,
    maintenance: false,
  };
}
