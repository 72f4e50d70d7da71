// Checking a finished run against the scenario's `expect` section. Every
// expectation gives a verdict with what was expected and what was seen.

import type { AckEntry } from '../hw/board/acks.ts';
import type { RunEnd } from '../hw/board/run-result.ts';
import type { Cpu } from '../hw/cpu/cpu.ts';
import type { GuestRam } from '../hw/mem/guest-ram.ts';
import type { Expectations } from './types.ts';

export interface Verdict {
  /** e.g. `acknowledged.vcpu0`, `uart`, `divergence` */
  readonly name: string;
  readonly ok: boolean;
  readonly expected: string;
  readonly seen: string;
  /** virtual time (ticks) of the event that decided it, when there is one */
  readonly t?: number;
}

export interface RunFacts {
  readonly end: RunEnd;
  readonly ticks: number;
  readonly acks: readonly AckEntry[];
  readonly uart: string;
  readonly cpus: readonly Cpu[];
  readonly ram: GuestRam;
}

const list = (xs: readonly number[]) => `[${xs.join(', ')}]`;

/** A kernel's console is long: show its end (the last lines say where it stopped). */
const UART_SEEN_MAX = 1000;
function uartSeen(text: string): string {
  if (text.length <= UART_SEEN_MAX) return JSON.stringify(text);
  const tail = text.slice(-UART_SEEN_MAX);
  const cut = tail.indexOf('\n');
  return `${text.length} bytes, ending ...${JSON.stringify(cut >= 0 ? tail.slice(cut + 1) : tail)}`;
}

function readRegister(cpu: Cpu, name: string): bigint {
  if (name === 'pc') return BigInt.asUintN(64, BigInt(cpu.pc));
  if (name === 'sp') return cpu.getSp();
  return cpu.getX(Number(name.slice(1)));
}

export function checkExpectations(e: Expectations, f: RunFacts): Verdict[] {
  const out: Verdict[] = [];
  for (const a of e.acknowledged) {
    const seenEntries = f.acks.filter((x) => x.cpu === a.vcpu);
    const seen = seenEntries.map((x) => x.intid);
    const name = `acknowledged.vcpu${a.vcpu}`;
    if (a.kind === 'sequence') {
      const ok = seen.length === a.intids.length && seen.every((v, i) => v === a.intids[i]);
      let firstBad = seen.findIndex((v, i) => v !== a.intids[i]);
      if (firstBad < 0 && !ok) firstBad = Math.min(seen.length, a.intids.length);
      out.push({
        name,
        ok,
        expected: list(a.intids),
        seen: list(seen),
        t: ok ? undefined : seenEntries[firstBad]?.t,
      });
    } else {
      const counts = new Map<number, number>();
      for (const v of seen) counts.set(v, (counts.get(v) ?? 0) + 1);
      for (const c of a.counts) {
        const n = counts.get(c.intid) ?? 0;
        out.push({
          name: `${name}.count.${c.intid}`,
          ok: n === c.count,
          expected: String(c.count),
          seen: String(n),
        });
      }
    }
  }
  for (const id of e.never) {
    const hit = f.acks.find((x) => x.intid === id);
    out.push({
      name: `never.${id}`,
      ok: hit === undefined,
      expected: `INTID ${id} never acknowledged`,
      seen: hit === undefined ? 'never acknowledged' : `acknowledged by vcpu${hit.cpu}`,
      t: hit?.t,
    });
  }
  for (const r of e.registers) {
    const v = readRegister(f.cpus[r.vcpu], r.register);
    out.push({
      name: `registers.vcpu${r.vcpu}.${r.register}`,
      ok: v === r.value,
      expected: `0x${r.value.toString(16)}`,
      seen: `0x${v.toString(16)}`,
    });
  }
  for (const m of e.memory) {
    const addr = Number(m.address);
    const inRam = m.address <= BigInt(Number.MAX_SAFE_INTEGER) && f.ram.contains(addr, 4);
    const v = inRam ? f.ram.read32(addr) >>> 0 : undefined;
    out.push({
      name: `memory.0x${m.address.toString(16)}`,
      ok: v === m.value,
      expected: `0x${m.value.toString(16)}`,
      seen: v === undefined ? 'not RAM' : `0x${v.toString(16)}`,
    });
  }
  if (e.uart !== undefined) {
    const ok = e.uart.kind === 'exact' ? f.uart === e.uart.text : f.uart.includes(e.uart.text);
    out.push({
      name: 'uart',
      ok,
      expected:
        e.uart.kind === 'exact' ? JSON.stringify(e.uart.text) : `contains ${JSON.stringify(e.uart.text)}`,
      seen: uartSeen(f.uart),
    });
  }
  if (e.exit !== undefined)
    out.push({ name: 'exit', ok: f.end === e.exit, expected: e.exit, seen: f.end, t: f.ticks });
  return out;
}
