// The ICV_*_EL1 registers (IHI 0069H 12.3): what an EL1 MRS/MSR of an ICC_*
// encoding does while HCR_EL2.IMO/FMO send it to the virtual CPU interface,
// which of them exist and in which direction, and which ICH_HCR_EL2 trap
// bits send them to EL2 instead. The control registers are views of
// ICH_VMCR_EL2 (12.4.12); ICV_AP0R0/AP1R0 are ICH_AP0R0/AP1R0_EL2.
//
// Not ICV registers: ICC_SGI0R/SGI1R/ASGI1R_EL1 (SGI generation traps to EL2
// with HCR_EL2.IMO/FMO: the hypervisor emulates it), ICC_SRE_EL1/EL2.

import { getField, setField } from '../../../sim/bits.ts';
import {
  ICH_HCR_TALL0,
  ICH_HCR_TALL1,
  ICH_HCR_TC,
  ICH_HCR_TDIR,
  ICH_VMCR_VBPR0,
  ICH_VMCR_VBPR1,
  ICH_VMCR_VCBPR,
  ICH_VMCR_VEOIM,
  ICH_VMCR_VENG0,
  ICH_VMCR_VENG1,
  ICH_VMCR_VPMR,
  ICV_BPR_BinaryPoint,
  ICV_CTLR_A3V,
  ICV_CTLR_CBPR,
  ICV_CTLR_EOImode,
  ICV_CTLR_IDbits,
  ICV_CTLR_PRIbits,
  ICV_IGRPEN_Enable,
  ICV_PMR_Priority,
} from './ich-regs.ts';
import { IccReg, IchReg } from './sysreg-encodings.ts';
import { ICV_RPR_IDLE, V3_IDLE_PRIORITY, VIRT_V3_PRIORITY_BITS } from './virt-priority-v3.ts';

/** What the ICV registers act on (VirtCpuInterfaceV3). */
export interface IcvTarget {
  /** ICH_VMCR_EL2; setting it applies vmcrWrite's rules */
  vmcrValue: number;
  acknowledge(group: 0 | 1): number;
  highestPending(group: 0 | 1): number;
  endOfInterrupt(group: 0 | 1, value: number): void;
  deactivate(value: number): void;
  runningPriority(): number;
  readIch(r: IchReg): number;
  writeIch(r: IchReg, v: number): void;
}

/** Direction(s) in which an ICV register exists. */
type IcvAccess = 'RO' | 'WO' | 'RW';

const ICV_ACCESS: Partial<Record<IccReg, IcvAccess>> = {
  ICC_IAR0_EL1: 'RO',
  ICC_IAR1_EL1: 'RO',
  ICC_HPPIR0_EL1: 'RO',
  ICC_HPPIR1_EL1: 'RO',
  ICC_RPR_EL1: 'RO',
  ICC_EOIR0_EL1: 'WO',
  ICC_EOIR1_EL1: 'WO',
  ICC_DIR_EL1: 'WO',
  ICC_BPR0_EL1: 'RW',
  ICC_BPR1_EL1: 'RW',
  ICC_PMR_EL1: 'RW',
  ICC_CTLR_EL1: 'RW',
  ICC_IGRPEN0_EL1: 'RW',
  ICC_IGRPEN1_EL1: 'RW',
  // 5 preemption bits: only ICV_AP0R0/AP1R0 (the others are UNDEFINED)
  ICC_AP0R0_EL1: 'RW',
  ICC_AP1R0_EL1: 'RW',
};

/** How the ICV register behind ICC encoding `r` may be accessed; undefined: not an ICV register of this model. */
export function icvAccess(r: IccReg): IcvAccess | undefined {
  return ICV_ACCESS[r];
}

const GROUP0: ReadonlySet<IccReg> = new Set<IccReg>([
  IccReg.ICC_IAR0_EL1,
  IccReg.ICC_EOIR0_EL1,
  IccReg.ICC_HPPIR0_EL1,
  IccReg.ICC_BPR0_EL1,
  IccReg.ICC_AP0R0_EL1,
  IccReg.ICC_AP0R1_EL1,
  IccReg.ICC_AP0R2_EL1,
  IccReg.ICC_AP0R3_EL1,
  IccReg.ICC_IGRPEN0_EL1,
]);
const GROUP1: ReadonlySet<IccReg> = new Set<IccReg>([
  IccReg.ICC_IAR1_EL1,
  IccReg.ICC_EOIR1_EL1,
  IccReg.ICC_HPPIR1_EL1,
  IccReg.ICC_BPR1_EL1,
  IccReg.ICC_AP1R0_EL1,
  IccReg.ICC_AP1R1_EL1,
  IccReg.ICC_AP1R2_EL1,
  IccReg.ICC_AP1R3_EL1,
  IccReg.ICC_IGRPEN1_EL1,
]);
const COMMON: ReadonlySet<IccReg> = new Set<IccReg>([
  IccReg.ICC_CTLR_EL1,
  IccReg.ICC_DIR_EL1,
  IccReg.ICC_PMR_EL1,
  IccReg.ICC_RPR_EL1,
  IccReg.ICC_SGI0R_EL1,
  IccReg.ICC_SGI1R_EL1,
  IccReg.ICC_ASGI1R_EL1,
]);

/**
 * Does ICH_HCR_EL2 `hcr` trap an EL1 access to `r` to EL2 (12.4.5: TALL0,
 * TALL1, TC, and TDIR for ICV_DIR_EL1 writes)?
 */
export function icvTrapped(hcr: number, r: IccReg, write: boolean): boolean {
  if (getField(hcr, ICH_HCR_TALL0) !== 0 && GROUP0.has(r)) return true;
  if (getField(hcr, ICH_HCR_TALL1) !== 0 && GROUP1.has(r)) return true;
  if (getField(hcr, ICH_HCR_TC) !== 0 && COMMON.has(r)) return true;
  return write && r === IccReg.ICC_DIR_EL1 && getField(hcr, ICH_HCR_TDIR) !== 0;
}

/** ICV_CTLR_EL1 (12.3.6): CBPR and EOImode from ICH_VMCR_EL2, the rest read-only. */
function ctlrRead(vmcr: number): number {
  let v = setField(0, ICV_CTLR_CBPR, getField(vmcr, ICH_VMCR_VCBPR));
  v = setField(v, ICV_CTLR_EOImode, getField(vmcr, ICH_VMCR_VEOIM));
  v = setField(v, ICV_CTLR_PRIbits, VIRT_V3_PRIORITY_BITS - 1);
  v = setField(v, ICV_CTLR_IDbits, 0); // 16 bits, as ICH_VTR_EL2.IDbits
  return setField(v, ICV_CTLR_A3V, 1);
}

/** ICV_BPR1_EL1 with VCBPR = 1 reads VBPR0 + 1, saturated (12.3.5). */
function bpr1Read(vmcr: number): number {
  if (getField(vmcr, ICH_VMCR_VCBPR) === 0) return getField(vmcr, ICH_VMCR_VBPR1);
  return Math.min(getField(vmcr, ICH_VMCR_VBPR0) + 1, 7);
}

/** MRS of ICV register `r`; registers that are not ICV registers or not readable read 0 (icvAccess says which exist). */
export function icvRead(c: IcvTarget, r: IccReg): number {
  const vmcr = c.vmcrValue;
  switch (r) {
    case IccReg.ICC_IAR0_EL1:
      return c.acknowledge(0);
    case IccReg.ICC_IAR1_EL1:
      return c.acknowledge(1);
    case IccReg.ICC_HPPIR0_EL1:
      return c.highestPending(0);
    case IccReg.ICC_HPPIR1_EL1:
      return c.highestPending(1);
    case IccReg.ICC_RPR_EL1: {
      const rp = c.runningPriority();
      return rp === V3_IDLE_PRIORITY ? ICV_RPR_IDLE : rp;
    }
    case IccReg.ICC_BPR0_EL1:
      return getField(vmcr, ICH_VMCR_VBPR0);
    case IccReg.ICC_BPR1_EL1:
      return bpr1Read(vmcr);
    case IccReg.ICC_PMR_EL1:
      return getField(vmcr, ICH_VMCR_VPMR);
    case IccReg.ICC_CTLR_EL1:
      return ctlrRead(vmcr);
    case IccReg.ICC_IGRPEN0_EL1:
      return getField(vmcr, ICH_VMCR_VENG0);
    case IccReg.ICC_IGRPEN1_EL1:
      return getField(vmcr, ICH_VMCR_VENG1);
    case IccReg.ICC_AP0R0_EL1:
      return c.readIch(IchReg.ICH_AP0R0_EL2);
    case IccReg.ICC_AP1R0_EL1:
      return c.readIch(IchReg.ICH_AP1R0_EL2);
    default:
      return 0;
  }
}

/** MSR of ICV register `r`; registers that are not ICV registers or not writable ignore it. */
export function icvWrite(c: IcvTarget, r: IccReg, v: number): void {
  const vmcr = c.vmcrValue;
  switch (r) {
    case IccReg.ICC_EOIR0_EL1:
      c.endOfInterrupt(0, v);
      return;
    case IccReg.ICC_EOIR1_EL1:
      c.endOfInterrupt(1, v);
      return;
    case IccReg.ICC_DIR_EL1:
      c.deactivate(v);
      return;
    case IccReg.ICC_BPR0_EL1:
      c.vmcrValue = setField(vmcr, ICH_VMCR_VBPR0, getField(v, ICV_BPR_BinaryPoint));
      return;
    case IccReg.ICC_BPR1_EL1:
      // with VCBPR = 1 ICV_BPR1_EL1 is a view of ICV_BPR0_EL1: writes are ignored
      if (getField(vmcr, ICH_VMCR_VCBPR) === 0)
        c.vmcrValue = setField(vmcr, ICH_VMCR_VBPR1, getField(v, ICV_BPR_BinaryPoint));
      return;
    case IccReg.ICC_PMR_EL1:
      c.vmcrValue = setField(vmcr, ICH_VMCR_VPMR, getField(v, ICV_PMR_Priority));
      return;
    case IccReg.ICC_CTLR_EL1:
      c.vmcrValue = setField(
        setField(vmcr, ICH_VMCR_VCBPR, getField(v, ICV_CTLR_CBPR)),
        ICH_VMCR_VEOIM,
        getField(v, ICV_CTLR_EOImode),
      );
      return;
    case IccReg.ICC_IGRPEN0_EL1:
      c.vmcrValue = setField(vmcr, ICH_VMCR_VENG0, getField(v, ICV_IGRPEN_Enable));
      return;
    case IccReg.ICC_IGRPEN1_EL1:
      c.vmcrValue = setField(vmcr, ICH_VMCR_VENG1, getField(v, ICV_IGRPEN_Enable));
      return;
    case IccReg.ICC_AP0R0_EL1:
      c.writeIch(IchReg.ICH_AP0R0_EL2, v);
      return;
    case IccReg.ICC_AP1R0_EL1:
      c.writeIch(IchReg.ICH_AP1R0_EL2, v);
      return;
    default:
      return;
  }
}
