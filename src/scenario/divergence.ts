// DESIGN.md's "no spurious delivery" property, checked against the
// reference machine: whenever the virtual machine's guest reads an INTID
// from IAR, the bare-metal machine fed the same inputs must, at that
// instant, either have that INTID pending for that cpu (enabled), or have
// acknowledged it at least as many times already (hardware delivers as soon
// as it can; a hypervisor may deliver later, never more).

import type { AckEntry } from '../hw/board/acks.ts';
import type { ReferenceMachine } from '../reference/machine.ts';

export interface MachineView {
  readonly pending: boolean;
  readonly active: boolean;
  readonly enabled: boolean;
  readonly line: boolean;
  /** acknowledgements of this INTID by this cpu so far */
  readonly acks: number;
  readonly pc: string;
}

export interface Divergence {
  readonly t: number;
  readonly cpu: number;
  readonly intid: number;
  /** the n-th acknowledgement of this INTID by this cpu in the virtual machine (1-based) */
  readonly nth: number;
  readonly virt: { readonly pc: string; readonly cycle: number };
  readonly ref: MachineView;
}

function hex(pc: number): string {
  return `0x${BigInt.asUintN(64, BigInt(pc)).toString(16)}`;
}

function refView(ref: ReferenceMachine, cpu: number, intid: number): MachineView {
  const v3 = ref.board.gicV3;
  const gic = v3 ?? ref.board.gic;
  const c = ref.board.cpus[cpu];
  // GICv3: SGIs/PPIs in the cpu's redistributor, SPIs in the distributor's bank
  const enabled =
    v3 === undefined
      ? ref.board.gic.dist.isEnabled(cpu, intid)
      : intid < 32
        ? v3.redistributor(cpu).irqs.enabled[intid] === 1
        : v3.dist.spis.enabled[intid - 32] === 1;
  return {
    pending: gic.isPending(cpu, intid),
    active: gic.isActive(cpu, intid),
    enabled,
    line: gic.lineLevel(cpu, intid),
    acks: ref.acks.entries.filter((e) => e.cpu === cpu && e.intid === intid).length,
    pc: hex(c.pc),
  };
}

/**
 * Walk the virtual machine's acknowledgements in time order, running the
 * reference up to each one. Returns the first that hardware would not have
 * made, or null. `limits` bounds the reference run.
 */
export function findDivergence(
  virtAcks: readonly AckEntry[],
  ref: ReferenceMachine,
  maxInstructions: number,
): Divergence | null {
  // With one cpu both machines run the same instruction stream at the same
  // cycles, so the comparison is exact. With several, cpus run in lockstep
  // slices (src/hw/board/scheduler.ts) and an interaction between two cpus
  // can be seen up to one quantum apart in the two machines: the reference
  // is given that much slack.
  const sched = ref.scheduler;
  const slack = ref.board.cpus.length > 1 ? ref.board.ratio.ticksToCycles(sched.quantumTicks) : 0;
  const slackTicks = ref.board.cpus.length > 1 ? sched.quantumTicks : 0;
  const seenPerKey = new Map<string, number>();
  for (const a of virtAcks) {
    const key = `${a.cpu}:${a.intid}`;
    const nth = (seenPerKey.get(key) ?? 0) + 1;
    seenPerKey.set(key, nth);
    ref.runUntil(a.t + 1 + slackTicks, maxInstructions, a.cycle + slack);
    const view = refView(ref, a.cpu, a.intid);
    const ok = (view.pending && view.enabled) || view.acks >= nth;
    if (!ok)
      return { t: a.t, cpu: a.cpu, intid: a.intid, nth, virt: { pc: hex(a.pc), cycle: a.cycle }, ref: view };
  }
  return null;
}
