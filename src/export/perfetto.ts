// Chrome trace-event JSON, which ui.perfetto.dev and chrome://tracing load
// (the "JSON trace format": traceEvents with ph X / i / C / M). One process
// for the VM, one thread (track) per vcpu with slices for running in the
// guest, handling an exit in the hypervisor and being blocked in WFI;
// instant events for injections, IAR/EOIR/DIR, maintenance and the guest's
// exception entries (with the instruction that took a synchronous one); counter
// tracks per vcpu for the number of list registers in use and PSTATE.I.

import type { TraceRecord } from '../sim/trace/records.ts';

export interface PerfettoOptions {
  readonly counterHz: number;
  readonly title?: string;
  readonly endTicks: number;
}

interface TraceEvent {
  name: string;
  ph: 'X' | 'i' | 'C' | 'M';
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  s?: 't' | 'p' | 'g';
  cat?: string;
  args?: Record<string, unknown>;
}

const PID = 1;

export function writePerfetto(records: readonly TraceRecord[], o: PerfettoOptions): string {
  const us = (t: number) => (t * 1e6) / o.counterHz;
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', ts: 0, pid: PID, tid: 0, args: { name: o.title ?? 'vgicsim VM' } },
  ];
  const tids = new Set<number>();
  const open = new Map<number, { name: string; t: number; args?: Record<string, unknown> }>();
  const lrsUsed = new Map<number, Set<number>>();
  const close = (cpu: number, t: number) => {
    const s = open.get(cpu);
    if (s === undefined) return;
    events.push({
      name: s.name,
      ph: 'X',
      ts: us(s.t),
      dur: us(t) - us(s.t),
      pid: PID,
      tid: cpu,
      cat: 'vcpu',
      args: s.args,
    });
    open.delete(cpu);
  };
  /** A thread-scoped instant event (ph i, s t); `args` only when given. */
  const instant = (name: string, t: number, tid: number, cat: string, args?: Record<string, unknown>) => {
    const e: TraceEvent = { name, ph: 'i', s: 't', ts: us(t), pid: PID, tid, cat };
    if (args !== undefined) e.args = args;
    events.push(e);
  };
  for (const r of records) {
    const tid = Math.max(r.cpu, 0);
    tids.add(tid);
    switch (r.kind) {
      case 'vcpu': {
        close(tid, r.t);
        const name =
          r.state === 'guest' ? 'guest' : r.state === 'hyp' ? `exit: ${r.reason ?? ''}`.trim() : r.state;
        if (r.state !== 'off') {
          const args: Record<string, unknown> | undefined = r.reason || r.pcpu !== undefined ? {} : undefined;
          if (r.reason) args!.reason = r.reason;
          if (r.insn !== undefined) args!.insn = r.insn;
          if (r.pcpu !== undefined) args!.pcpu = r.pcpu;
          open.set(tid, { name, t: r.t, args });
        }
        break;
      }
      case 'vgic-inject':
        instant(`inject ${r.intid}=${r.level ? 1 : 0}`, r.t, tid, 'vgic', { accepted: r.accepted });
        break;
      case 'ack':
      case 'eoi':
      case 'dir':
        if (r.gic === 'virt') instant(`${r.kind.toUpperCase()} ${r.intid}`, r.t, tid, 'guest');
        break;
      case 'vgic-maint':
        instant('maintenance', r.t, tid, 'vgic', { misr: r.misr });
        break;
      case 'vgic-lr': {
        let set = lrsUsed.get(tid);
        if (set === undefined) {
          set = new Set();
          lrsUsed.set(tid, set);
        }
        set.add(r.lr);
        events.push({
          name: `LRs vcpu${tid}`,
          ph: 'C',
          ts: us(r.t),
          pid: PID,
          tid,
          args: { used: set.size },
        });
        break;
      }
      case 'line':
        // PSTATE.I (hyp/vm.ts traces it per vcpu): a counter track, 1 while IRQs are masked
        if (r.signal.endsWith('.pstate_i'))
          events.push({
            name: `PSTATE.I vcpu${tid}`,
            ph: 'C',
            ts: us(r.t),
            pid: PID,
            tid,
            args: { masked: r.level ? 1 : 0 },
          });
        break;
      case 'exception': {
        // An instant on the vcpu's track: `exception sync: EC 0x15 SVC`, `exception irq`.
        const args: Record<string, unknown> = {
          from: `EL${r.from}`,
          to: `EL${r.to}`,
          vector: r.vector,
          elr: r.elr,
        };
        if (r.esr !== undefined) args.esr = r.esr;
        if (r.far !== undefined) args.far = r.far;
        if (r.insn !== undefined) args.insn = r.insn;
        instant(`exception ${r.type}${r.ec === undefined ? '' : `: ${r.ec}`}`, r.t, tid, 'guest', args);
        break;
      }
      case 'vgic-sync':
        lrsUsed.set(tid, new Set());
        events.push({ name: `LRs vcpu${tid}`, ph: 'C', ts: us(r.t), pid: PID, tid, args: { used: 0 } });
        break;
      default:
        break;
    }
  }
  for (const cpu of [...open.keys()]) close(cpu, o.endTicks);
  for (const tid of [...tids].sort((a, b) => a - b))
    events.push({ name: 'thread_name', ph: 'M', ts: 0, pid: PID, tid, args: { name: `vcpu${tid}` } });
  return `${JSON.stringify({ displayTimeUnit: 'ns', traceEvents: events }, null, 0)}\n`;
}
