// A physical cpu's GIC outputs reach the vcpu placed on it: the virtual
// interface's VIRQ/VFIQ drive the vcpu's interrupt inputs, and the physical
// cpu interface's IRQ (IMO/FMO = 1) takes a vcpu in the guest to EL2,
// whatever the guest's PSTATE.

import type { SignalListener } from '../../sim/signal.ts';
import type { Signal } from '../../sim/signal.ts';
import type { Vcpu } from './vcpu.ts';
import { FREE, type VcpuPlacement } from './vcpu-placement.ts';

const IRQ_ARG = 0;
const FIQ_ARG = 1;
const PHYS_ARG = 2;

export class PcpuSignals implements SignalListener {
  constructor(
    gic: {
      virtInterface(p: number): { readonly virq: Signal; readonly vfiq: Signal };
      cpuInterface(p: number): { readonly irq: Signal };
    },
    pcpus: number,
    private readonly placement: VcpuPlacement,
    private readonly vcpus: readonly Vcpu[],
  ) {
    for (let p = 0; p < pcpus; p++) {
      gic.virtInterface(p).virq.connect(this, (p << 2) | IRQ_ARG);
      gic.virtInterface(p).vfiq.connect(this, (p << 2) | FIQ_ARG);
      gic.cpuInterface(p).irq.connect(this, (p << 2) | PHYS_ARG);
    }
  }

  onSignal(arg: number, level: boolean): void {
    const on = this.placement.vcpuOn[arg >>> 2];
    // A physical cpu no vcpu is on: its virtual interface is disabled, and
    // the host takes its physical interrupts when a vcpu exits there.
    if (on === FREE) return;
    const v = this.vcpus[on];
    switch (arg & 3) {
      case IRQ_ARG:
        v.cpu.setIrq(level);
        break;
      case FIQ_ARG:
        v.cpu.setFiq(level);
        break;
      case PHYS_ARG:
        if (level && v.mode === 'in-guest') v.cpu.requestStop();
        break;
    }
  }
}
