// One line per trace record, virtual time first: stable and diff-able.

import type { TraceRecord } from '../sim/trace/records.ts';

function cpuCol(cpu: number): string {
  return cpu >= 0 ? `cpu${cpu}` : '-';
}

export function formatRecord(r: TraceRecord): string {
  const head = `${String(r.t).padStart(10)} ${cpuCol(r.cpu).padEnd(5)} ${r.kind.padEnd(5)}`;
  switch (r.kind) {
    case 'line':
      return `${head} ${r.signal}=${r.level ? 1 : 0}`;
    case 'reg':
      return `${head} ${r.block}.${r.reg} ${r.op} ${r.value}`;
    case 'irq':
      return `${head} ${r.gic} intid=${r.intid} pending=${r.pending ? 1 : 0} active=${r.active ? 1 : 0}`;
    case 'ack':
    case 'eoi':
    case 'dir':
      return `${head} ${r.gic} intid=${r.intid}`;
    case 'note':
      return `${head} ${r.text}`;
    case 'exception': {
      // `sync EL0->EL1 vector=0x... elr=0x... esr=0x56000000 ec="EC 0x15 SVC" insn="svc #0x0"`
      let s = `${head} ${r.type} EL${r.from}->EL${r.to} vector=${r.vector} elr=${r.elr}`;
      if (r.esr !== undefined) s += ` esr=${r.esr} ec=${JSON.stringify(r.ec)}`;
      if (r.far !== undefined) s += ` far=${r.far}`;
      if (r.insn !== undefined) s += ` insn=${JSON.stringify(r.insn)}`;
      return s;
    }
    default: {
      // Record kinds added by lower layers print their fields generically (a disassembled
      // instruction quoted: insn="mrs x0, cntp_ctl_el0").
      const { t: _t, cpu: _c, kind: _k, ...rest } = r as TraceRecord & Record<string, unknown>;
      return `${head} ${Object.entries(rest)
        .map(([k, v]) => (k === 'insn' ? `${k}=${JSON.stringify(v)}` : `${k}=${String(v)}`))
        .join(' ')}`;
    }
  }
}

export function writeText(records: readonly TraceRecord[]): string {
  let s = '';
  for (const r of records) s += `${formatRecord(r)}\n`;
  return s;
}
