// KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS of the arm-vgic-v3 device: a GICv3
// guest's ICC_*_EL1 registers as userspace saves and restores them
// (gic_v3_icc_reg_descs, arch/arm64/kvm/vgic-sys-reg-v3.c, Linux 6.x),
// over the state the hypervisor keeps between runs: ICH_VMCR_EL2 (the
// core's `vmcr`), ICH_AP0R0_EL2 (`VgicV3Cpu.ap0r`), ICH_AP1R0_EL2 (the
// core's `apr`) and the vcpu's priority and INTID bit counts.
// - ICC_PMR_EL1: VPMR, 8 bits; ICC_BPR0_EL1: VBPR0; ICC_IGRPEN0/1_EL1:
//   VENG0/1.
// - ICC_BPR1_EL1: VBPR1; with ICC_CTLR_EL1.CBPR set it reads BPR0 + 1
//   (at most 7) and writes are ignored.
// - ICC_CTLR_EL1: CBPR and EOImode are state; PRIbits and IDbits must not
//   exceed the vcpu's (they become its counts), SEIS and A3V must equal
//   ICH_VTR_EL2's, else -EINVAL.
// - ICC_SRE_EL1: reads SRE | DFB | DIB; a write without SRE is -EINVAL,
//   any other is ignored.
// - ICC_AP0R<n>_EL1 / ICC_AP1R<n>_EL1: n beyond the vcpu's priority bits
//   (5 bits: AP<g>R0 only, vgic_v3_max_apr_idx) is -EINVAL.
// Any other encoding: -ENXIO. A write rebuilds ICH_VMCR_EL2 with VFIQEn
// set, as vgic_v3_set_vmcr does for a GICv3 guest.

import {
  ICC_BPR_BinaryPoint,
  ICC_CTLR_A3V,
  ICC_CTLR_CBPR,
  ICC_CTLR_EOImode,
  ICC_CTLR_IDbits,
  ICC_CTLR_PRIbits,
  ICC_CTLR_SEIS,
  ICC_IGRPEN_Enable,
  ICC_PRIORITY,
  ICC_SRE_DFB,
  ICC_SRE_DIB,
  ICC_SRE_SRE,
} from '../../hw/gic/v3/icc-regs.ts';
import {
  ICH_VMCR_VBPR0,
  ICH_VMCR_VBPR1,
  ICH_VMCR_VCBPR,
  ICH_VMCR_VENG0,
  ICH_VMCR_VENG1,
  ICH_VMCR_VEOIM,
  ICH_VMCR_VFIQEn,
  ICH_VMCR_VPMR,
  ICH_VTR_A3V,
  ICH_VTR_IDbits,
  ICH_VTR_PRIbits,
} from '../../hw/gic/v3/ich-regs.ts';
import { IccReg, iccRegOf } from '../../hw/gic/v3/sysreg-encodings.ts';
import { type Field, getField, setField } from '../../sim/bits.ts';
import { type UaccessResult, uaccessFail, uaccessOk } from './vgic-uaccess.ts';

/** ICH_VTR_EL2 bit 22: SEIS (the hardware model's reads 0). */
const ICH_VTR_SEIS_LSB = 22;

/** What a vcpu's ICC_* registers are made of between runs. */
export interface IccUserState {
  /** ICH_VMCR_EL2 */
  vmcr: number;
  /** ICH_AP1R0_EL2 */
  apr: number;
  /** ICH_AP0R0_EL2 */
  ap0r: number;
  /** vgic_v3_cpu->num_pri_bits */
  numPriBits: number;
  /** vgic_v3_cpu->num_id_bits (ICH_VTR_EL2.IDbits encoding: 0 = 16 bits) */
  numIdBits: number;
}

/** The ICC_* registers userspace reaches (gic_v3_icc_reg_descs). */
const USER_ICC: ReadonlySet<IccReg> = new Set<IccReg>([
  IccReg.ICC_PMR_EL1,
  IccReg.ICC_BPR0_EL1,
  IccReg.ICC_AP0R0_EL1,
  IccReg.ICC_AP0R1_EL1,
  IccReg.ICC_AP0R2_EL1,
  IccReg.ICC_AP0R3_EL1,
  IccReg.ICC_AP1R0_EL1,
  IccReg.ICC_AP1R1_EL1,
  IccReg.ICC_AP1R2_EL1,
  IccReg.ICC_AP1R3_EL1,
  IccReg.ICC_BPR1_EL1,
  IccReg.ICC_CTLR_EL1,
  IccReg.ICC_SRE_EL1,
  IccReg.ICC_IGRPEN0_EL1,
  IccReg.ICC_IGRPEN1_EL1,
]);

/** The ICC_* register userspace may access at `encoding` (op0:op1:CRn:CRm:op2), or undefined (-ENXIO). */
export function userIccReg(encoding: number): IccReg | undefined {
  const r = iccRegOf(encoding);
  return r !== undefined && USER_ICC.has(r) ? r : undefined;
}

/** The per-vcpu counts KVM starts from (vgic_v3_vcpu_init: ICH_VTR_EL2.PRIbits + 1, .IDbits). */
export function hostIccCounts(vtr: number): Pick<IccUserState, 'numPriBits' | 'numIdBits'> {
  return { numPriBits: getField(vtr, ICH_VTR_PRIbits) + 1, numIdBits: getField(vtr, ICH_VTR_IDbits) };
}

/** vgic_v3_max_apr_idx: the last AP<g>R<n> a vcpu with this many priority bits has. */
function maxAprIndex(numPriBits: number): number {
  return numPriBits >= 7 ? 3 : numPriBits === 6 ? 1 : 0;
}

const field = (v: number, f: Field, x: number) => setField(v, f, x);

/**
 * One CPU_SYSREGS access of `reg` (a userIccReg) to `s`; `vtr` is the
 * host's ICH_VTR_EL2. Reads return the value; writes 0.
 */
export function iccUaccess(
  s: IccUserState,
  vtr: number,
  reg: IccReg,
  write: boolean,
  value: number,
): UaccessResult {
  const set = (f: Field, x: number) => {
    s.vmcr = field(field(s.vmcr, f, x), ICH_VMCR_VFIQEn, 1) >>> 0;
  };
  const rw = (f: Field, userField: Field) => {
    if (write) set(f, getField(value, userField));
    return uaccessOk(write ? 0 : setField(0, userField, getField(s.vmcr, f)));
  };
  switch (reg) {
    case IccReg.ICC_PMR_EL1:
      return rw(ICH_VMCR_VPMR, ICC_PRIORITY);
    case IccReg.ICC_BPR0_EL1:
      return rw(ICH_VMCR_VBPR0, ICC_BPR_BinaryPoint);
    case IccReg.ICC_IGRPEN0_EL1:
      return rw(ICH_VMCR_VENG0, ICC_IGRPEN_Enable);
    case IccReg.ICC_IGRPEN1_EL1:
      return rw(ICH_VMCR_VENG1, ICC_IGRPEN_Enable);
    case IccReg.ICC_BPR1_EL1:
      if (getField(s.vmcr, ICH_VMCR_VCBPR) === 0) return rw(ICH_VMCR_VBPR1, ICC_BPR_BinaryPoint);
      return uaccessOk(write ? 0 : Math.min(getField(s.vmcr, ICH_VMCR_VBPR0) + 1, 7));
    case IccReg.ICC_SRE_EL1:
      if (write && getField(value, ICC_SRE_SRE) === 0)
        return uaccessFail('EINVAL', 'ICC_SRE_EL1.SRE = 0: a GICv3 guest has the system register interface');
      return uaccessOk(
        write ? 0 : setField(setField(setField(0, ICC_SRE_SRE, 1), ICC_SRE_DFB, 1), ICC_SRE_DIB, 1),
      );
    case IccReg.ICC_CTLR_EL1:
      return ctlr(s, vtr, write, value, set);
    default:
      return apr(s, reg, write, value);
  }
}

function ctlr(
  s: IccUserState,
  vtr: number,
  write: boolean,
  value: number,
  set: (f: Field, x: number) => void,
): UaccessResult {
  const seis = (vtr >>> ICH_VTR_SEIS_LSB) & 1;
  const a3v = getField(vtr, ICH_VTR_A3V);
  if (!write) {
    let v = setField(0, ICC_CTLR_PRIbits, s.numPriBits - 1);
    v = setField(v, ICC_CTLR_IDbits, s.numIdBits);
    v = setField(v, ICC_CTLR_SEIS, seis);
    v = setField(v, ICC_CTLR_A3V, a3v);
    v = setField(v, ICC_CTLR_CBPR, getField(s.vmcr, ICH_VMCR_VCBPR));
    return uaccessOk(setField(v, ICC_CTLR_EOImode, getField(s.vmcr, ICH_VMCR_VEOIM)));
  }
  const priBits = getField(value, ICC_CTLR_PRIbits) + 1;
  const idBits = getField(value, ICC_CTLR_IDbits);
  if (priBits > s.numPriBits)
    return uaccessFail(
      'EINVAL',
      `ICC_CTLR_EL1.PRIbits: ${priBits} priority bits, the vcpu has ${s.numPriBits}`,
    );
  if (idBits > s.numIdBits)
    return uaccessFail('EINVAL', `ICC_CTLR_EL1.IDbits ${idBits} exceeds the vcpu's ${s.numIdBits}`);
  if (getField(value, ICC_CTLR_SEIS) !== seis || getField(value, ICC_CTLR_A3V) !== a3v)
    return uaccessFail('EINVAL', `ICC_CTLR_EL1.SEIS/A3V must be ICH_VTR_EL2's (${seis}/${a3v})`);
  s.numPriBits = priBits;
  s.numIdBits = idBits;
  set(ICH_VMCR_VCBPR, getField(value, ICC_CTLR_CBPR));
  set(ICH_VMCR_VEOIM, getField(value, ICC_CTLR_EOImode));
  return uaccessOk(0);
}

const AP0R: readonly IccReg[] = [
  IccReg.ICC_AP0R0_EL1,
  IccReg.ICC_AP0R1_EL1,
  IccReg.ICC_AP0R2_EL1,
  IccReg.ICC_AP0R3_EL1,
];
const AP1R: readonly IccReg[] = [
  IccReg.ICC_AP1R0_EL1,
  IccReg.ICC_AP1R1_EL1,
  IccReg.ICC_AP1R2_EL1,
  IccReg.ICC_AP1R3_EL1,
];

/** access_gic_aprn: ICC_AP0R<n> / ICC_AP1R<n>; only n = 0 is backed (5 priority bits at most). */
function apr(s: IccUserState, reg: IccReg, write: boolean, value: number): UaccessResult {
  const g0 = AP0R.indexOf(reg);
  const n = g0 >= 0 ? g0 : AP1R.indexOf(reg);
  if (n < 0 || n > maxAprIndex(s.numPriBits) || n > 0)
    return uaccessFail('EINVAL', `${reg}: the vcpu's ${s.numPriBits} priority bits need AP<g>R0 only`);
  if (g0 >= 0) {
    if (write) s.ap0r = value >>> 0;
    return uaccessOk(write ? 0 : s.ap0r);
  }
  if (write) s.apr = value >>> 0;
  return uaccessOk(write ? 0 : s.apr);
}
