// A whole-machine state hash for the explorer's visited set. The machine's
// snapshot is data (src/hyp/vm-state.ts); hashing it through JSON would copy
// RAM (base64 of every touched page) at every choice point, so this walks the
// snapshot parts directly and hashes RAM from its words, touched pages only
// (an untouched page is all zero: src/hw/mem/guest-ram.ts's invariant).
//
// What is left out, and why that is sound (the hash may only merge states
// whose futures are the same): cost counters (exits, vgic hits: they count,
// they decide nothing), the kernel's sequence counter and the clock's
// `now` (the cpus' local times are hashed instead: the kernel clock lags
// behind a running cpu until something syncs it, the same instant reached
// with or without an exit), the vcpus' last exit reason outside a
// preemption (read only while preempted) and the choice log (a record, not
// state). Two states equal in everything else behave the same.

import type { Cpu } from '../hw/cpu/cpu.ts';
import { SYSREGS } from '../hw/cpu/sysregs.ts';
import { PAGE_SIZE } from '../hw/mem/guest-ram.ts';
import type { Vm } from '../hyp/vm.ts';

const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);

/** Two independent 32-bit multiplicative hashes (64 bits of state); no allocation per value. */
export class Hash64 {
  private a = 0x811c9dc5 | 0;
  private b = 0x2545f491 | 0;

  reset(): void {
    this.a = 0x811c9dc5 | 0;
    this.b = 0x2545f491 | 0;
  }

  int(x: number): void {
    this.a = Math.imul(this.a ^ x, 0x01000193);
    this.b = Math.imul((this.b ^ x) + 0x7f4a7c15, 0x5bd1e995);
    this.b ^= this.b >>> 15;
  }

  num(x: number): void {
    if ((x | 0) === x) {
      this.int(x);
      return;
    }
    F64[0] = x;
    this.int(0x6e756d00);
    this.int(I32[0]);
    this.int(I32[1]);
  }

  str(s: string): void {
    this.int(0x73747200 ^ s.length);
    for (let i = 0; i < s.length; i++) this.int(s.charCodeAt(i));
  }

  /** Any snapshot value: plain objects (keys in creation order), arrays, typed arrays, scalars. */
  value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.num(v);
        return;
      case 'string':
        this.str(v);
        return;
      case 'boolean':
        this.int(v ? 0x74727565 : 0x66616c73);
        return;
      case 'bigint':
        this.int(0x62696700);
        this.str(v.toString(16));
        return;
      case 'undefined':
        this.int(0x756e6466);
        return;
      case 'object':
        break;
      default:
        throw new TypeError(`cannot hash a ${typeof v}`);
    }
    if (v === null) {
      this.int(0x6e756c6c);
      return;
    }
    if (ArrayBuffer.isView(v)) {
      const a = v as unknown as ArrayLike<number>;
      this.int(0x74797000 ^ a.length);
      for (let i = 0; i < a.length; i++) this.num(a[i]);
      return;
    }
    if (Array.isArray(v)) {
      this.int(0x61727200 ^ v.length);
      for (const x of v) this.value(x);
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k in o) {
      this.str(k);
      this.value(o[k]);
    }
    this.int(0x7d);
  }

  /** 16 hex digits. */
  digest(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}

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
  h.value(board.gic.save());
  for (const t of board.timers) h.value(t.save());
  h.value(board.uart.save());
  h.value(board.rtc.save());
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
  h.value(vm.vgic.peek ? vm.vgic.peek() : vm.vgic.save());
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
  }
  h.value(vm.placement.save());
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
