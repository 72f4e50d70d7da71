// Build the vgic of a generation's design behind the facade.

import type { VgicDesign, VgicFacade } from './facade.ts';
import { Vgic, type VgicOptions } from './kvm-vgic.ts';
import { LegacyVgic } from './legacy/legacy-vgic.ts';

export function createVgic(design: VgicDesign, opts: VgicOptions): VgicFacade {
  if (design.kind === 'new') return new Vgic(opts);
  return new LegacyVgic({ ...opts, seed: design.seed });
}
