// A whole-machine state hash for the explorer's visited set. The machine's
// snapshot is data (src/hyp/vm-state.ts); hashing it through JSON would copy
// RAM (base64 of every touched page) at every choice point, and even
// building the blocks' snapshot objects costs more than the run between two
// decisions: so each block feeds what its snapshot holds into the running
// hash itself (`digest(h)`, src/sim/state-digest.ts), the cpus are hashed
// from their registers and RAM from its words, touched pages only (an
// untouched page is all zero: src/hw/mem/guest-ram.ts's invariant).
//
// What is left out, and why that is sound (the hash may only merge states
// whose futures are the same): cost counters (exits, vgic hits: they count,
// they decide nothing), the kernel's sequence counter and the clock's
// `now` (the cpus' local times are hashed instead: the kernel clock lags
// behind a running cpu until something syncs it, the same instant reached
// with or without an exit), the vcpus' last exit reason outside a
// preemption (read only while preempted) and the choice log (a record, not
// state). Two states equal in everything else behave the same. The PMUs
// (the board's and each vcpu's vPMU) are hashed as they stand since their
// last update (values, marks), not brought up to date (that may signal an
// overflow): equal counters reached through different updates hash apart,
// which costs merging, never soundness.

import type { Cpu } from '../hw/cpu/cpu.ts';
import { SYSREGS } from '../hw/cpu/sysregs.ts';
import { PAGE_SIZE } from '../hw/mem/guest-ram.ts';
import type { Vm } from '../hyp/vm.ts';
import type { Hash64 } from '../sim/state-digest.ts';

/** The system registers a cpu snapshot keeps (cpu-save.ts: the stored ones). */
const STORED_SYSREGS = SYSREGS.flatMap((r, i) => (r.kind === 'rw' || r.kind === 'ro' ? [i] : []));

/**
 * A cpu: what its snapshot holds (src/hw/cpu/cpu-save.ts saveCpu), read
 * from the core's registers without building the snapshot (its X, system
 * and FP registers as BigInts and hex strings cost more than the rest of
 * the hash).
 */
function hashCpu(h: Hash64, c: Cpu): void {
  const x = c.x;
  for (let i = 0; i < 62; i++) h.int(x[i]);
  // SP_EL0 and SP_EL1 (the selected one is live in the SP slot, the other banked)
  h.value(c.bankedSp(false));
  h.value(c.bankedSp(true));
  h.num(c.pc);
  h.int(c.pstate());
  const sys = c.sys;
  for (const i of STORED_SYSREGS) {
    h.int(sys[2 * i]);
    h.int(sys[2 * i + 1]);
  }
  h.int((c.irqLine ? 1 : 0) | (c.fiqLine ? 2 : 0) | (c.ram.eventRegs[c.index] !== 0 ? 4 : 0));
  h.num(c.instret);
  h.num(c.exceptions);
  h.num(c.excCycles);
  h.num(c.instretAtEl0());
  h.num(c.cyclesAtEl0());
  h.num(c.ram.excl[c.index]);
  h.int(c.hvcImm);
  h.int(c.pendingExit);
  if (c.pendingExit === 1) h.value(c.mmio);
  else if (c.pendingExit === 2) h.value(c.sysregAccess);
  const v = c.fp.u32;
  for (let i = 0; i < 128; i++) h.int(v[i]);
  h.int(c.fp.fpcr);
  h.int(c.fp.fpsr);
}

/** Hash the whole machine state of `vm`, plus `extra` (the explorer's own state: fired windows, hit counts). */
export function hashVm(h: Hash64, vm: Vm, extra: ArrayLike<number>): string {
  h.reset();
  const board = vm.board;
  const k = board.kernel.save();
  for (const e of k.events) {
    h.str(e.name);
    h.num(e.at);
  }
  if (board.gicV3 !== undefined) h.value(board.gicV3.save());
  else board.gic.digest(h);
  for (const t of board.timers) t.digest(h);
  board.uart.digest(h);
  board.rtc.digest(h);
  for (const p of board.pmus) p.digest(h);
  for (const c of board.cpus) hashCpu(h, c);
  // RAM: every touched page's words (index and content); all-zero pages hash like untouched ones
  const ram = board.ram;
  const words = PAGE_SIZE >>> 2;
  const flags = ram.pageFlags;
  for (let p = ram.nextTouched(0); p < flags.length; p = ram.nextTouched(p + 1)) {
    const w0 = p * words;
    let nz = 0;
    for (let i = 0; i < words; i++) nz |= ram.i32[w0 + i];
    if (nz === 0) continue;
    h.int(p);
    for (let i = 0; i < words; i++) h.int(ram.i32[w0 + i]);
  }
  for (let i = 0; i < board.cpus.length; i++) h.num(vm.scheduler.localCycles(i));
  vm.vgic.digest(h);
  for (const v of vm.vcpus) {
    // the timer's own fields (save() refuses while loaded: the live registers are then the board's, hashed above)
    const t = v.timer;
    h.int(t.loaded ? 1 : 0);
    h.int(t.cntvCtl);
    h.value(t.cntvCval);
    h.value(t.cntvoff);
    h.int(t.cntpCtl);
    h.value(t.cntpCval);
    h.int((t.level[0] ? 1 : 0) | (t.level[1] ? 2 : 0));
    h.int((v.blocked ? 1 : 0) | (v.requestPending ? 2 : 0));
    h.str(v.mode);
    h.int(v.pcpu);
    h.int((v.kicked ? 1 : 0) | (v.forcedExit ? 2 : 0) | (v.signalPending ? 4 : 0) | (v.inUserspace ? 8 : 0));
    if (v.mode === 'preempted') h.str(v.lastExit ?? '');
    if (v.pmu !== null) v.pmu.digest(h);
  }
  vm.placement.digest(h);
  h.value(vm.power.save());
  for (const a of vm.acks.entries) {
    h.num(a.t);
    h.num(a.cycle);
    h.int(a.cpu);
    h.int(a.intid);
    h.int(a.source);
    h.num(a.pc);
  }
  for (let i = 0; i < extra.length; i++) h.num(extra[i]);
  return h.digest();
}
