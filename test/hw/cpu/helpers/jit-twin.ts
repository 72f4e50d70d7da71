// Two bare machines on the same program, one interpreting, one translating
// every slot at its first entry (src/hw/cpu/jit), run in lockstep with the
// same budgets: after each run the stop reason, the whole cpu state (save()),
// the port calls (with the instret each saw) and RAM must be identical.

import assert from 'node:assert/strict';
import type { StopReason } from '../../../../src/hw/cpu/guest-port.ts';
import { Guest } from './guest.ts';

/** [interpreter, translator] on `src`, each given to `setup` before anything runs. */
export function twin(src: string, setup: (g: Guest) => void = () => {}): [Guest, Guest] {
  const a = new Guest(src);
  const b = new Guest(src);
  a.cpu.cache.jit = false;
  b.cpu.cache.jit = true;
  b.cpu.cache.jitHot = 0;
  b.cpu.cache.jitLoopsOnly = false;
  for (const g of [a, b]) setup(g);
  return [a, b];
}

export function same(a: Guest, b: Guest, ra: StopReason, rb: StopReason, step: number): void {
  const where = `after run #${step} (interpreter pc 0x${a.cpu.pc.toString(16)}, instret ${a.cpu.instret})`;
  assert.equal(rb, ra, `stop reason ${where}`);
  assert.deepEqual(b.cpu.save(), a.cpu.save(), `cpu state ${where}`);
  assert.deepEqual(b.port.calls, a.port.calls, `port calls ${where}`);
  assert.equal(Buffer.compare(b.ram.u8, a.ram.u8), 0, `RAM ${where}`);
}

/** Run both with each budget in turn (MMIO exits completed alike); returns the interpreter's stop reasons. */
export function lockstep(a: Guest, b: Guest, budgets: readonly number[]): StopReason[] {
  const stops: StopReason[] = [];
  budgets.forEach((n, step) => {
    const ra = a.cpu.run(n);
    const rb = b.cpu.run(n);
    same(a, b, ra, rb, step);
    stops.push(ra);
    if (ra === 'mmio-exit') {
      const ca = a.cpu.mmio.write ? a.cpu.completeMmioWrite() : a.cpu.completeMmioRead(0x55);
      const cb = b.cpu.mmio.write ? b.cpu.completeMmioWrite() : b.cpu.completeMmioRead(0x55);
      same(a, b, ca, cb, step);
    }
  });
  return stops;
}
