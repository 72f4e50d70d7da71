// Why a vcpu left the guest, and the costs a run accounts (DESIGN.md:
// "Costs are accounted per event").

import { GuestWindow, guestWindowOf, inRegion, MEMMAP } from '../../hw/board/memory-map.ts';

export const EXIT_REASONS = [
  /** a physical interrupt for the host: hardware timer, maintenance, host tick */
  'irq',
  /** kvm_vcpu_kick: another vcpu or userspace queued an interrupt for this one */
  'kick',
  /** a forced exit from the scenario (host event `exit: host`) */
  'host',
  /** a signal to the vcpu thread: userspace needs the vcpu out of KVM_RUN (KVM_EXIT_INTR follows) */
  'intr',
  /** guest access to the GICD window: trap and emulate in the kernel (vgic) */
  'mmio-gicd',
  /** guest access to a trapped part of the GICV (GICV_DIR while active interrupts are outside the LRs) */
  'mmio-gicv',
  /** guest access to a userspace device (the PL011): KVM_EXIT_MMIO */
  'mmio-user',
  /** WFI trapped (HCR_EL2.TWI) */
  'wfi',
  /** WFE trapped (HCR_EL2.TWE) */
  'wfe',
  /** HVC: PSCI */
  'hvc',
  /** SMC: not supported on this board */
  'smc',
  /** trapped timer system register (the emulated CNTP_*) */
  'sysreg',
] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];
export type MmioExitReason = 'mmio-gicd' | 'mmio-gicv' | 'mmio-user';

/**
 * The MMIO window each MMIO exit stands for (the exit handler picks the
 * emulating device by it). Userspace's devices (PL011, PL031) share
 * 'mmio-user': its entry is the first of them, the handler looks the device
 * up by address.
 */
export const MMIO_EXIT_WINDOW: Readonly<Record<MmioExitReason, GuestWindow>> = {
  'mmio-gicd': GuestWindow.GICD,
  'mmio-gicv': GuestWindow.GICC,
  'mmio-user': GuestWindow.UART,
};

/** The exit reason of a trapped MMIO access at `pa` (stage 2 traps only GICD, GICV_DIR's page and userspace's devices). */
export function mmioExitReason(pa: number): MmioExitReason {
  if (inRegion(MEMMAP.GICR, pa)) return 'mmio-gicd'; // a GICv3 guest's redistributors: the vgic's too
  const w = guestWindowOf(pa);
  return w === GuestWindow.GICD ? 'mmio-gicd' : w === GuestWindow.GICC ? 'mmio-gicv' : 'mmio-user';
}

/**
 * Where the guest instruction that made an exit is, from the PC at the exit
 * (for the trace's disassembly): 0 where it did not retire (MMIO, system
 * register: completion replays it), -4 where it did (HVC, SMC, WFI, WFE),
 * null for the exits no instruction made (interrupts, kicks, host).
 */
export function exitInsnOffset(reason: ExitReason): number | null {
  if (reason === 'sysreg' || reason.startsWith('mmio-')) return 0;
  if (reason === 'hvc' || reason === 'smc' || reason === 'wfi' || reason === 'wfe') return -4;
  return null;
}

export interface HypCounters {
  entries: number;
  exits: Record<ExitReason, number>;
  /** exits that happened on the early-exit path (no guest instruction ran) */
  earlyExits: number;
  /** physical interrupts the host acknowledged, by INTID */
  hostIrqs: Record<number, number>;
  /** vcpus that blocked in WFI */
  blocks: number;
  /** preemptions taken at the preempt_enable() point, or forced by the scenario */
  preemptions: number;
  /** vcpu threads moved to another physical cpu */
  migrations: number;
  /** KVM_RUN returned -EINTR with KVM_EXIT_INTR: a signal brought the vcpu to userspace (KVM's signal_exits) */
  signalExits: number;
  /** cycles spent in the hypervisor according to the configured exit/entry costs */
  hypCycles: number;
}

export function newHypCounters(): HypCounters {
  const exits = {} as Record<ExitReason, number>;
  for (const r of EXIT_REASONS) exits[r] = 0;
  return {
    entries: 0,
    exits,
    earlyExits: 0,
    hostIrqs: {},
    blocks: 0,
    preemptions: 0,
    migrations: 0,
    signalExits: 0,
    hypCycles: 0,
  };
}
