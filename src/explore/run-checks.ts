// DESIGN.md's properties on one explored run, each a named check:
//   spurious-delivery       an IAR read the reference machine, fed the same
//                           inputs, would not have made (findDivergence)
//   lost-interrupt          an interrupt the reference acknowledged that the
//                           virtual machine never did, by the end of the run
//                           (the bound: the run's limits). It assumes each
//                           vcpu gets its share of cpu time: with vcpus
//                           time-sharing a cpu (machine.pcpus), a vcpu kept
//                           off its cpu by the choices ('yield' refused exit
//                           after exit) until another's SYSTEM_OFF ends the
//                           run falls short without losing anything
//   phys-active-after-sync  the timer PPI's physical active state after a
//                           vgic sync, on the physical cpu the vcpu ran on
//                           (trace-checks.ts)
//   lr-duplicate            one INTID twice in one flush's LRs
//   expectations            the scenario's own `expect` (its divergence
//                           verdict is spurious-delivery's)
// The reference machine is built once; its runs are memoized by the
// inputs that can differ between explored runs (window instants) and, for
// the divergence walk, the acknowledgements to check.

import type { AckEntry } from '../hw/board/acks.ts';
import type { RunEnd } from '../hw/board/run-result.ts';
import type { ReferenceMachine, ReferenceState } from '../reference/machine.ts';
import { findDivergence } from '../scenario/divergence.ts';
import { checkExpectations } from '../scenario/expect.ts';
import { armLabelEvents } from '../scenario/host-triggers.ts';
import { applyToReference, buildReference } from '../scenario/machines.ts';
import type { HostEvent } from '../scenario/types.ts';
import type { EventId } from '../sim/kernel.ts';
import { NULL_SINK } from '../sim/trace/sink.ts';
import type { ExploreMachine } from './explore-machine.ts';
import { duplicateLrs, physActiveAfterSync } from './trace-checks.ts';

export const PROPERTIES = [
  'spurious-delivery',
  'lost-interrupt',
  'phys-active-after-sync',
  'lr-duplicate',
  'expectations',
] as const;
export type Property = (typeof PROPERTIES)[number];

export interface Violation {
  readonly property: Property;
  readonly message: string;
}

const TIMER_PPI = 27;

export class RunChecks {
  private readonly ref: ReferenceMachine;
  private readonly refStart: ReferenceState;
  private readonly windowIds: (EventId | null)[] = [];
  private readonly divergenceMemo = new Map<string, string | null>();
  private readonly refAcksMemo = new Map<string, Map<string, number>>();

  constructor(private readonly m: ExploreMachine) {
    const s = m.scenario;
    this.ref = buildReference(s, m.images, { policy: 'level', seed: 0, trace: NULL_SINK });
    const k = this.ref.board.kernel;
    const fire = (ev: HostEvent) => applyToReference(this.ref, ev.action);
    s.host.forEach((ev, i) => {
      this.windowIds.push(null);
      if (ev.trigger.kind !== 'at') return;
      const id = k.createEvent(`host.${i}`, { onEvent: () => fire(ev) });
      this.windowIds[i] = id;
      k.schedule(id, ev.trigger.ticks);
    });
    armLabelEvents(this.ref, s, m.images, fire);
    this.refStart = this.ref.save();
  }

  /**
   * The reference at its start, with every window event moved to the
   * instant this run chose and, when the run chose the order of host
   * events due at one instant, those rescheduled in the order they fired.
   */
  private resetRef(): void {
    this.ref.restore(this.refStart);
    const off = this.m.timed.windowOffsets;
    const k = this.ref.board.kernel;
    const host = this.m.scenario.host;
    const at = (i: number): number => {
      const t = host[i].trigger;
      return t.kind === 'at' ? t.ticks + Math.max(off[i], 0) : -1;
    };
    host.forEach((ev, i) => {
      if (ev.trigger.kind !== 'at' || ev.trigger.to === undefined) return;
      const n = Math.max(off[i], 0);
      const id = this.windowIds[i];
      if (n > 0 && id !== null) k.schedule(id, at(i));
    });
    if (this.m.timed.reordered())
      for (const i of this.m.timed.firedOrder()) {
        const id = this.windowIds[i];
        if (id !== null) k.schedule(id, at(i));
      }
  }

  private windowKey(): string {
    let key = '';
    this.m.scenario.host.forEach((ev, i) => {
      if (ev.trigger.kind === 'at' && ev.trigger.to !== undefined)
        key += `${i}:${Math.max(0, this.m.timed.windowOffsets[i])},`;
    });
    if (this.m.timed.reordered()) key += `order:${this.m.timed.firedOrder().join('.')}`;
    return key;
  }

  private divergence(acks: readonly AckEntry[]): string | null {
    if (acks.length === 0) return null;
    let key = this.windowKey();
    for (const a of acks) key += `${a.cpu}.${a.intid}.${a.t}.${a.cycle};`;
    const memo = this.divergenceMemo.get(key);
    if (memo !== undefined) return memo;
    this.resetRef();
    const d = findDivergence(acks, this.ref, this.m.scenario.machine.limits.instructions);
    const msg =
      d === null
        ? null
        : `vcpu${d.cpu} acknowledged INTID ${d.intid} (#${d.nth}) at t=${d.t} (pc=${d.virt.pc}); the reference had it pending=${d.ref.pending} enabled=${d.ref.enabled} active=${d.ref.active} line=${d.ref.line}`;
    this.divergenceMemo.set(key, msg);
    return msg;
  }

  /** Acknowledgements per `cpu:intid` the reference makes in the whole run. */
  private refAcks(): Map<string, number> {
    const key = this.windowKey();
    const memo = this.refAcksMemo.get(key);
    if (memo !== undefined) return memo;
    this.resetRef();
    this.ref.run(this.m.scenario.machine.limits);
    const counts = new Map<string, number>();
    for (const a of this.ref.acks.entries)
      counts.set(`${a.cpu}:${a.intid}`, (counts.get(`${a.cpu}:${a.intid}`) ?? 0) + 1);
    this.refAcksMemo.set(key, counts);
    return counts;
  }

  /** Every property on the run the machine just completed. */
  check(end: RunEnd): Violation[] {
    const m = this.m;
    const vm = m.vm;
    const s = m.scenario;
    const out: Violation[] = [];
    const acks = vm.acks.entries;
    if (s.expect.divergence !== 'allowed') {
      const d = this.divergence(acks);
      if (d !== null) out.push({ property: 'spurious-delivery', message: d });
    }
    const seen = new Map<string, number>();
    for (const a of acks) seen.set(`${a.cpu}:${a.intid}`, (seen.get(`${a.cpu}:${a.intid}`) ?? 0) + 1);
    for (const [k, n] of this.refAcks()) {
      const got = seen.get(k) ?? 0;
      if (got < n) {
        const [cpu, intid] = k.split(':');
        out.push({
          property: 'lost-interrupt',
          message: `vcpu${cpu} acknowledged INTID ${intid} ${got} time(s); the reference ${n}`,
        });
        break;
      }
    }
    const pa = physActiveAfterSync(m.sink.records, TIMER_PPI);
    if (pa.length > 0)
      out.push({ property: 'phys-active-after-sync', message: `${pa[0].message} on vcpu${pa[0].cpu}` });
    const dup = duplicateLrs(m.sink.records);
    if (dup.length > 0)
      out.push({
        property: 'lr-duplicate',
        message: `${dup[0].message} at t=${dup[0].t} on vcpu${dup[0].cpu}`,
      });
    const verdicts = checkExpectations(s.expect, {
      end,
      ticks: vm.board.kernel.now,
      acks,
      uart: vm.board.uart.outputText(),
      cpus: vm.board.cpus,
      ram: vm.board.ram,
    });
    const bad = verdicts.filter((v) => !v.ok);
    if (bad.length > 0)
      out.push({
        property: 'expectations',
        message: bad.map((v) => `${v.name}: expected ${v.expected}, seen ${v.seen}`).join('; '),
      });
    return out;
  }
}
