// The VM's vgic over the board's physical GIC: the GICv2 backend over each
// physical cpu's GICH frame, or (machine.gic: v3) the vgic-v3 backend over
// each one's ICH_* registers, with the physical distributor as the timer
// and the vgic reach it (a mutant may wrap it).

import type { TraceSink } from '../sim/trace/sink.ts';
import type { Board } from '../hw/board/board.ts';
import type { GicV2 } from '../hw/gic/gic.ts';
import type { GicV3 } from '../hw/gic/v3/gic-v3.ts';
import { type Generation, physChipOf, vgicFaultsOf } from './generation/index.ts';
import { createVgic } from './vgic/create.ts';
import type { VgicFacade } from './vgic/facade.ts';
import type { PhysIrqChip, VcpuKicker } from './vgic/ports.ts';

export interface VmVgic {
  /** the physical GIC the VM's virtual interfaces and the host's interrupts live on */
  readonly gic: GicV2 | GicV3;
  /** the physical distributor as the timer and the vgic reach it */
  readonly phys: PhysIrqChip;
  readonly vgic: VgicFacade;
}

export function createVmVgic(
  board: Board,
  generation: Generation,
  trace: TraceSink,
  kicker: VcpuKicker,
): VmVgic {
  const gicV3 = board.gicV3;
  if (gicV3 !== undefined && generation.vgicV3 !== true)
    throw new RangeError(`machine.gic: ${generation.name} has no vgic-v3 (GICv2 guests only)`);
  const gic = gicV3 ?? board.gic;
  const phys = physChipOf(generation.mutations, gic);
  const vgic = createVgic(generation.vgic, {
    nrVcpus: board.config.cpus,
    nrSpis: board.config.spis,
    clock: board.kernel,
    trace,
    phys,
    kicker,
    frames: { gich: (p) => board.gic.gich(p), gichRegs: (p) => board.gic.virtInterface(p) },
    ichFrames: gicV3 === undefined ? undefined : { ich: (p) => gicV3.virtInterface(p) },
    v3Model: gicV3 !== undefined,
    faults: vgicFaultsOf(generation.mutations),
  });
  return { gic, phys, vgic };
}
