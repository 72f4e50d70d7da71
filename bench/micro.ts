// `npm run bench -- --micro`: guest instructions per host second of the
// AArch64 interpreter alone on small guest loops (tinybench, no machine
// around it), the event queue and a whole machine's periodic tick
// (machine.ts), and the in-process Linux boot (linux.ts). In-process
// numbers for development; the committed table is run.ts's.

import { Bench } from 'tinybench';
import { assemble } from '../src/hw/cpu/asm/index.ts';
import { Cpu } from '../src/hw/cpu/cpu.ts';
import { type GuestPort, MMIO_BUS_FAULT, SYSREG_UNDEFINED } from '../src/hw/cpu/guest-port.ts';
import { GuestRam } from '../src/hw/mem/guest-ram.ts';
import { linuxBench } from './linux.ts';
import { machineBench } from './machine.ts';

const NULL_PORT: GuestPort = {
  mmioRead: () => MMIO_BUS_FAULT,
  mmioWrite: () => MMIO_BUS_FAULT,
  sysregRead: () => SYSREG_UNDEFINED,
  sysregWrite: () => SYSREG_UNDEFINED,
};

const GUESTS: Record<string, string> = {
  'alu-branch loop': `
_start: mov x0, #0
        mov x2, #0
        movz x1, #0xffff
        movk x1, #0x7fff, lsl #16
loop:   add x2, x2, x0
        eor x3, x2, x0, lsl #3
        add x0, x0, #1
        cmp x0, x1
        b.ne loop
        hvc #0
`,
  'load/store loop': `
_start: adr x5, buf
        mov x0, #0
        movz x1, #0xffff
        movk x1, #0x7fff, lsl #16
loop:   and x4, x0, #0xff
        ldr x2, [x5, x4, lsl #3]
        add x2, x2, x0
        str x2, [x5, x4, lsl #3]
        ldp x6, x7, [x5, #16]
        add x0, x0, #1
        cmp x0, x1
        b.ne loop
        hvc #0
        .balign 4096
buf:    .skip 4096
`,
};

export async function microBench(): Promise<void> {
  const SLICE = 5_000_000;
  const bench = new Bench({ time: 1500, warmupTime: 300 });
  const cpus = new Map<string, Cpu>();
  for (const [name, src] of Object.entries(GUESTS)) {
    const ram = new GuestRam();
    const img = assemble(src, { base: 0x4008_0000 });
    ram.load(img.base, img.bytes);
    const cpu = new Cpu(0, ram, NULL_PORT);
    cpu.pc = img.entry;
    cpus.set(name, cpu);
    bench.add(name, () => {
      const r = cpu.run(SLICE);
      if (r !== 'budget') throw new Error(`guest stopped early: ${r}`);
    });
  }
  await bench.run();
  const rows = bench.tasks.map((t) => {
    const mean = t.result && 'latency' in t.result ? t.result.latency.mean : Number.NaN;
    return {
      guest: t.name,
      'ms per slice': mean.toFixed(1),
      'guest Minstr/s': (SLICE / (mean / 1000) / 1e6).toFixed(1),
    };
  });
  console.table(rows);
  await machineBench();
  await linuxBench();
}
