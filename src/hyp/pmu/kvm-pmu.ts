// KVM's handling of a vcpu's Performance Monitors. Every PMU register access
// of the guest traps to EL2 (MDCR_EL2.TPM) and is emulated here, in one of
// the two ways a generation had:
//
// - 'raz-wi' (Linux 4.2, 4.3, before the vPMU of 4.6): sys_regs.c lists
//   PMCR_EL0, PMCNTENSET/CLR, PMOVSCLR, PMSWINC, PMSELR, PMCEID0/1, PMCCNTR,
//   PMXEVTYPER, PMXEVCNTR, PMUSERENR, PMOVSSET and PMINTENSET/CLR_EL1 with
//   trap_raz_wi; PMEVCNTR<n>, PMEVTYPER<n> and PMCCFILTR are not in the
//   table, and an unhandled trapped register is kvm_inject_undefined(). The
//   ID registers did not trap, so the guest read the host's
//   ID_AA64DFR0_EL1.PMUVer (1): a PMU advertised that reads as zero. The
//   hardware PMUSERENR_EL0 is the host's (0), so EL0 accesses trap to the
//   guest's own EL1 before they could reach EL2.
// - 'vpmu' (Linux 4.6+, arch/arm64/kvm/pmu-emul.c as of 7.0): the guest's
//   registers are emulated; each counter is a host perf event counting the
//   guest only (here: a Pmu model counting the vcpu's cycles and
//   instructions, which are the guest's). Its overflow handler
//   (kvm_pmu_perf_overflow) sets the PMOVSSET bit and, when
//   kvm_pmu_overflow_status() is true, makes a request and kicks the vcpu.
//   kvm_pmu_flush_hwstate / kvm_pmu_sync_hwstate (before the vgic's flush
//   and sync) call kvm_pmu_update_state: the level is
//   PMCR.E && (PMOVSSET & PMCNTENSET & PMINTENSET) != 0 (KVM's condition
//   includes PMCNTENSET, the architecture's does not), and it reaches the
//   vgic (kvm_vgic_inject_irq, PPI 23) only when it changed: the seed's
//   discipline for the timer. KVM writes PMUSERENR_EL0 = all ones on entry
//   so that EL0 accesses trap to EL2 too; it then checks the guest's
//   PMUSERENR_EL0 and injects UNDEFINED (EC 0x00) where hardware would trap
//   to EL1 (EC 0x18). Its PMCR_EL0 has IMP = IDCODE = 0 and ignores
//   PMCR_EL0.D (the perf event has no prescaler); PMXEVCNTR_EL0 with
//   PMSELR_EL0.SEL = 31 reaches the cycle counter; a counter index >= N is
//   UNDEFINED.

import type { Kernel } from '../../sim/kernel.ts';
import type { Saveable } from '../../sim/saveable.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import type { Cpu } from '../../hw/cpu/cpu.ts';
import { isPpi, PPI } from '../../hw/gic/intid.ts';
import { Pmu, type PmuEventFilter, type PmuOverflowListener, type PmuState } from '../../hw/pmu/pmu.ts';
import { CYCLE_IDX, El0Access, el0Access, PmuReg, pmuRegOf } from '../../hw/pmu/pmu-regs.ts';
import type { PmuEmulation } from '../generation/generation.ts';
import type { VgicFacade } from '../vgic/facade.ts';
import type { VcpuKicker } from '../vgic/ports.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

/** The registers Linux 4.2/4.3's sys_regs.c emulated as RAZ/WI. */
const RAZ_WI_REGS: ReadonlySet<number> = new Set<number>([
  PmuReg.PMCR_EL0,
  PmuReg.PMCNTENSET_EL0,
  PmuReg.PMCNTENCLR_EL0,
  PmuReg.PMOVSCLR_EL0,
  PmuReg.PMSWINC_EL0,
  PmuReg.PMSELR_EL0,
  PmuReg.PMCEID0_EL0,
  PmuReg.PMCEID1_EL0,
  PmuReg.PMCCNTR_EL0,
  PmuReg.PMXEVTYPER_EL0,
  PmuReg.PMXEVCNTR_EL0,
  PmuReg.PMUSERENR_EL0,
  PmuReg.PMOVSSET_EL0,
  PmuReg.PMINTENSET_EL1,
  PmuReg.PMINTENCLR_EL1,
]);

/** The registers KVM's ONE_REG reaches (the ones with storage in the vcpu). */
function hasStorage(reg: PmuReg): boolean {
  return (
    reg !== PmuReg.PMSWINC_EL0 &&
    reg !== PmuReg.PMCEID0_EL0 &&
    reg !== PmuReg.PMCEID1_EL0 &&
    reg !== PmuReg.PMXEVCNTR_EL0 &&
    reg !== PmuReg.PMXEVTYPER_EL0
  );
}

/** PMUSERENR_EL0 on the hardware while the guest runs: 4.2/4.3 leave the host's (0), the vPMU sets all ones. */
export function hwUserEnable(emulation: PmuEmulation): number {
  return emulation === 'vpmu' ? 0xf : 0;
}

export interface PmuCounters {
  /** kvm_vgic_inject_irq calls from kvm_pmu_update_state (level changes of PPI 23) */
  vgicCalls: number;
  /** perf overflow handler runs that kicked the vcpu */
  overflowKicks: number;
  /** UNDEFINED injected for a PMU access (EL0 disabled, a missing register or counter) */
  undefs: number;
}

export function newPmuCounters(): PmuCounters {
  return { vgicCalls: 0, overflowKicks: 0, undefs: 0 };
}

export interface KvmPmuOptions {
  readonly vcpu: number;
  readonly emulation: PmuEmulation;
  readonly kernel: Kernel;
  readonly cpu: Cpu;
  readonly vgic: VgicFacade;
  readonly kicker: VcpuKicker;
  readonly trace: TraceSink;
  readonly counters: PmuCounters;
  /** mutant pmu-no-kick: an overflow does not kick the vcpu */
  readonly noOverflowKick?: boolean;
}

export interface KvmPmuState {
  readonly version: 1;
  readonly regs: PmuState;
  /** the level last signalled to the vgic (kvm_pmu_update_state's irq_level) */
  readonly level: boolean;
}

/**
 * KVM_ARM_VCPU_PMU_V3_FILTER's bitmap (kvm->arch.pmu_filter, one per VM):
 * which event numbers get a perf event. 1024 events (the event space of
 * the host's PMUv3 for Armv8.0: PMUVer 1, a 10-bit evtCount). The first
 * filter sets the default: an ALLOW filter starts from all denied, a DENY
 * filter from all allowed.
 */
export class KvmPmuEventFilter implements PmuEventFilter {
  static readonly EVENTS = 1024;
  private readonly bits = new Uint8Array(KvmPmuEventFilter.EVENTS);

  constructor(firstAllows: boolean) {
    this.bits.fill(firstAllows ? 0 : 1);
  }

  apply(base: number, n: number, allow: boolean): void {
    this.bits.fill(allow ? 1 : 0, base, base + n);
  }

  allows(event: number): boolean {
    return this.bits[event] === 1;
  }

  /** The 32 events from `base` as a PMCEID bit map (kvm_pmu_get_pmceid masks PMCEID0/1 with it). */
  mask32(base: number): number {
    let m = 0;
    for (let i = 0; i < 32; i++) if (this.bits[base + i] === 1) m |= 1 << i;
    return m >>> 0;
  }
}

/**
 * What userspace configured through KVM_ARM_VCPU_PMU_V3_CTRL (src/hyp/api):
 * the interrupt number (0: not set; kvm_arm_pmu_irq_initialized is
 * irq >= 16), whether KVM_ARM_VCPU_PMU_V3_INIT succeeded (pmu.created) and
 * whether userspace used the group at all (a VMM that never did gets
 * QEMU's configuration, PPI 23, at the first KVM_RUN: see kvm-vcpu-pmu.ts).
 * A VMM's configuration, not guest state: not in KvmPmuState.
 */
interface KvmPmuUserConfig {
  irq: number;
  created: boolean;
  touched: boolean;
}

export class KvmPmu implements PmuOverflowListener, Saveable<KvmPmuState> {
  /** the emulated PMU (KVM: the guest's PMU sysregs and one perf event per counter) */
  readonly regs: Pmu;
  private level = false;
  /** the interrupt the overflow is signalled on (pmu->irq_num): PPI 23 unless userspace chose another */
  irq: number = PPI.PMU;
  readonly user: KvmPmuUserConfig = { irq: 0, created: false, touched: false };
  private filter: KvmPmuEventFilter | null = null;

  constructor(readonly opts: KvmPmuOptions) {
    this.regs = new Pmu({
      kernel: opts.kernel,
      name: `vcpu${opts.vcpu}`,
      cpu: opts.vcpu,
      source: opts.cpu,
      divider: false,
      pmcrId: 0,
    });
    this.regs.overflowListener = this;
  }

  get vpmu(): boolean {
    return this.opts.emulation === 'vpmu';
  }

  /**
   * Emulate the trapped access the cpu stopped at (ESR_EL2 EC 0x18); true
   * when handled (the access completes), false when UNDEFINED was injected.
   */
  handleAccess(): boolean {
    const cpu = this.opts.cpu;
    const a = cpu.sysregAccess;
    const decoded = pmuRegOf(a.encoding);
    const reg = (decoded & 0xff) as PmuReg;
    const n = decoded >>> 8;
    if (!this.vpmu) {
      if (!RAZ_WI_REGS.has(reg)) return this.undefined();
      if (a.write) cpu.completeSysregWrite();
      else cpu.completeSysregRead(0n);
      return true;
    }
    // check_pmu_access_disabled(): the guest's PMUSERENR_EL0 at EL0, UNDEFINED where hardware traps
    if (cpu.el === 0 && el0Access(reg, a.write, this.regs.userenr) !== El0Access.ALLOWED)
      return this.undefined();
    const sel = this.regs.selected;
    if (
      (reg === PmuReg.PMXEVCNTR_EL0 || reg === PmuReg.PMXEVTYPER_EL0) &&
      sel !== CYCLE_IDX &&
      sel >= this.regs.n
    )
      return this.undefined(); // pmu_counter_idx_valid()
    // access_pmu_evcntr: PMXEVCNTR_EL0 with SEL = 31 is the cycle counter
    const r = reg === PmuReg.PMXEVCNTR_EL0 && sel === CYCLE_IDX ? PmuReg.PMCCNTR_EL0 : reg;
    if (a.write) {
      if (!this.regs.write(r, a.value, n)) return this.undefined();
      cpu.completeSysregWrite();
    } else {
      let v = this.regs.read(r, n);
      if (v === undefined) return this.undefined();
      // kvm_pmu_get_pmceid: the events the filter denies are not advertised
      if (this.filter !== null && (reg === PmuReg.PMCEID0_EL0 || reg === PmuReg.PMCEID1_EL0))
        v &= BigInt(this.filter.mask32(reg === PmuReg.PMCEID0_EL0 ? 0 : 32));
      cpu.completeSysregRead(v);
    }
    return true;
  }

  /** KVM_ARM_VCPU_PMU_V3_FILTER reached this vcpu: counters whose event it denies count nothing. */
  setEventFilter(filter: KvmPmuEventFilter): void {
    this.filter = filter;
    this.regs.setEventFilter(filter);
  }

  /**
   * KVM_GET_ONE_REG of a PMU register (`encoding` as ARM64_SYS_REG packs it):
   * the vPMU's registers that have storage (7.0's sys_regs.c lists them with
   * a .reg or get_user); PMSWINC, PMCEID*, PMXEV* have none. Before the
   * vPMU (4.2/4.3) the trap_raz_wi entries had no storage either: none.
   * Undefined: -ENOENT.
   */
  getUser(encoding: number): bigint | undefined {
    const decoded = pmuRegOf(encoding);
    if (!this.vpmu || decoded < 0) return undefined;
    const reg = (decoded & 0xff) as PmuReg;
    if (!hasStorage(reg)) return undefined;
    return this.regs.read(reg, decoded >>> 8);
  }

  /** KVM_SET_ONE_REG (set_pmreg, set_pmu_evcntr, set_pmcr): the value replaces the register; false: -ENOENT. */
  setUser(encoding: number, value: bigint): boolean {
    const decoded = pmuRegOf(encoding);
    if (!this.vpmu || decoded < 0) return false;
    const reg = (decoded & 0xff) as PmuReg;
    if (!hasStorage(reg)) return false;
    return this.regs.setUser(reg, value, decoded >>> 8);
  }

  private undefined(): false {
    this.opts.counters.undefs++;
    this.opts.cpu.injectUndefined();
    return false;
  }

  /** kvm_pmu_overflow_status(): PMCR.E && (PMOVSSET & PMCNTENSET & PMINTENSET) != 0. */
  overflowStatus(): boolean {
    const r = this.regs;
    return r.enabled && (r.overflowFlags & r.counterEnables & r.interruptEnables) !== 0;
  }

  /** kvm_pmu_perf_overflow: request an update and kick the vcpu (it exits, the sync signals the vgic). */
  pmuOverflow(): void {
    if (!this.overflowStatus() || this.opts.noOverflowKick === true) return;
    this.opts.counters.overflowKicks++;
    this.opts.kicker.kick(this.opts.vcpu);
  }

  /** kvm_pmu_update_state (from kvm_pmu_flush_hwstate and kvm_pmu_sync_hwstate): signal a changed level. */
  updateState(): void {
    if (!this.vpmu) return;
    const level = this.overflowStatus();
    if (level === this.level) return;
    this.level = level;
    const { trace, kernel, vcpu, vgic, counters } = this.opts;
    if (trace.enabled)
      trace.emit({ kind: 'line', t: kernel.now, cpu: vcpu, signal: `vcpu${vcpu}.pmu`, level });
    counters.vgicCalls++;
    // kvm_vgic_inject_irq: a PPI of this vcpu, or an SPI (one per vcpu)
    vgic.injectIrq(isPpi(this.irq) ? vcpu : null, this.irq, level);
  }

  save(): KvmPmuState {
    return { version: 1, regs: this.regs.save(), level: this.level };
  }

  digest(h: StateDigest): void {
    this.regs.digest(h);
    h.int(this.level ? 1 : 0);
  }

  restore(s: KvmPmuState): void {
    if (s.version !== 1) throw new RangeError(`vPMU snapshot version ${s.version} is not supported`);
    this.regs.restore(s.regs);
    this.level = s.level;
  }

  /**
   * PSCI CPU_ON (kvm_reset_vcpu: the PMU's sys_regs reset, kvm_pmu_vcpu_reset
   * stops the counters); a level still signalled to the vgic is lowered by
   * the next flush's kvm_pmu_update_state.
   */
  vcpuReset(): void {
    this.regs.reset();
  }

  /** kvm_pmu_vcpu_reset: every register at reset, nothing signalled. */
  defaultState(): KvmPmuState {
    return { version: 1, regs: this.regs.defaultState(), level: false };
  }

  reset(): void {
    this.restore(this.defaultState());
  }
}
