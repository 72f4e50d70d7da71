// The cost counters of a run in one typed object: what the hypervisor
// spent (exits by reason, entries, blocks), what the timer asked of the
// vgic, and what the vgic did with the hardware (LR writes, maintenance,
// physical active-state changes). Gathered from the three counter blocks
// the VM keeps (HypCounters, TimerCounters, VgicCounters) and subtractable,
// so a KVM_RUN can report what it alone cost.

import { EXIT_REASONS, type ExitReason } from '../vcpu/exits.ts';
import type { Vm } from '../vm.ts';

export interface KvmCosts {
  /** guest entries (world switch in) */
  entries: number;
  /** exits by reason, and their sum */
  exits: Record<ExitReason, number>;
  exitsTotal: number;
  /** early exits: flushed, then a request made the loop go round without entering */
  earlyExits: number;
  /** vcpus that blocked in WFI */
  blocks: number;
  preemptions: number;
  /** physical interrupts the host took after exits (all INTIDs) */
  hostIrqs: number;
  /** the timer's calls into the vgic (the seed's "vgic hits") */
  vgicCalls: number;
  /** the vPMU's calls into the vgic (kvm_pmu_update_state on a level change of PPI 23) */
  pmuVgicCalls: number;
  /** injections the vgic accepted (state changed), from any source */
  injections: number;
  lrWrites: number;
  flushes: number;
  syncs: number;
  /** syncs that found a maintenance condition, and EOI maintenance LRs */
  maintenance: number;
  eoiMaintenance: number;
  underflows: number;
  kicks: number;
  /** physical active-state changes of mapped interrupts: by the vgic, by the timer code, and both */
  physActiveVgic: number;
  physActiveTimer: number;
  physActiveChanges: number;
  /** background timer wake-ups, emulated physical timer expiries */
  bgWakeups: number;
  ptimerExpiries: number;
}

/** The VM's counters since it was created (or restored: counters travel with a snapshot). */
export function costsOf(vm: Vm): KvmCosts {
  const h = vm.counters;
  const t = vm.timerCounters;
  const g = vm.vgic.counters;
  const exits = { ...h.exits };
  let exitsTotal = 0;
  for (const r of EXIT_REASONS) exitsTotal += exits[r];
  let hostIrqs = 0;
  for (const n of Object.values(h.hostIrqs)) hostIrqs += n;
  return {
    entries: h.entries,
    exits,
    exitsTotal,
    earlyExits: h.earlyExits,
    blocks: h.blocks,
    preemptions: h.preemptions,
    hostIrqs,
    vgicCalls: t.vgicCalls,
    pmuVgicCalls: vm.pmuCounters.vgicCalls,
    injections: g.injections,
    lrWrites: g.lrWrites,
    flushes: g.flushes,
    syncs: g.syncs,
    maintenance: g.maintenance,
    eoiMaintenance: g.eoiMaintenance,
    underflows: g.underflows,
    kicks: g.kicks,
    physActiveVgic: g.physActiveChanges,
    physActiveTimer: t.physActiveWrites,
    physActiveChanges: g.physActiveChanges + t.physActiveWrites,
    bgWakeups: t.bgWakeups,
    ptimerExpiries: t.ptimerExpiries,
  };
}

/** `after - before`, field by field. */
export function diffCosts(after: KvmCosts, before: KvmCosts): KvmCosts {
  const exits = { ...after.exits };
  for (const r of EXIT_REASONS) exits[r] -= before.exits[r];
  const out = { ...after, exits };
  for (const k of Object.keys(after) as (keyof KvmCosts)[]) {
    if (k === 'exits') continue;
    out[k] = after[k] - before[k];
  }
  return out;
}
