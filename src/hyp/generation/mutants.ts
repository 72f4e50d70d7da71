// Mutants: linux-7.0 with one deliberate bug each, named `mutant:<id>`
// (names.ts MUTANT_IDS). They exist so the explorer's tests can show it
// catches each bug; hand-written scenarios that expose them under a fixed
// timing are in test/fixtures/mutants/. Each bug is switched at one place,
// read once at construction (a boolean or a wrapped port), never looked up
// per exit or instruction:
//
//   vgic-sync-first               RunLoopOrder: the vgic before the timer on
//                                 both sides (flush and sync), as linux-4.2's
//                                 order. On the new vgic the sync half alone
//                                 cannot be seen (every flush rebuilds the
//                                 LRs from the current line levels); the
//                                 flush half can: a timer that expired while
//                                 the vcpu was out (blocked in WFI) is
//                                 queued after the LRs were written, while
//                                 the timer flush sets the physical active
//                                 state, so nothing makes the vcpu exit.
//   keep-phys-active              the PhysIrqChip port given to the timer
//                                 and the vgic ignores clears of the timer
//                                 PPI's physical active state
//   no-eoi-maintenance            vgic faults (src/hyp/vgic/faults.ts)
//   no-resample-after-deactivate  vgic faults
//   sgi-ispendr-writable          vgic faults
//   no-level-reeval-on-enable     vgic faults
//   lost-kick                     vgic faults
//   pmu-no-kick                   the vPMU (KvmPmuOptions.noOverflowKick)

import { PPI } from '../../hw/gic/intid.ts';
import type { IntId } from '../../hw/gic/intid.ts';
import { NO_VGIC_FAULTS, type VgicFaults } from '../vgic/faults.ts';
import type { PhysIrqChip } from '../vgic/ports.ts';
import type { Generation } from './generation.ts';
import { MUTANT_PREFIX, type MutantId } from './names.ts';

/** What each mutant gets wrong, one line (docs/generations.md has the longer form). */
export const MUTANT_SUMMARY: Readonly<Record<MutantId, string>> = {
  'vgic-sync-first': 'the vgic is flushed and synced before the timer (the seed moved the timer first)',
  'keep-phys-active': "the timer PPI's physical active state is never cleared by the hypervisor",
  'no-eoi-maintenance': 'unmapped level interrupts get no GICH_LR.EOI bit: no exit to resample at their EOI',
  'no-resample-after-deactivate':
    'a mapped level interrupt the guest deactivated is taken as low: a line still high is not re-injected',
  'sgi-ispendr-writable': 'GICD_ISPENDR0 SGI bits pend the SGI (they are WI on GICv2, GICv2 4.3.7)',
  'no-level-reeval-on-enable': 'GICD_ISENABLER does not queue a level interrupt whose line is already high',
  'lost-kick':
    'a kick of a vcpu between its vgic flush and its sync is lost: no exit to pick up the interrupt',
  'pmu-no-kick':
    "a PMU counter overflow does not kick the vcpu (kvm_pmu_perf_overflow's kick): PPI 23 reaches the vgic only at the next exit",
};

/** `base` (linux-7.0) with the bug `id`. */
export function mutant(base: Generation, id: MutantId): Generation {
  return {
    ...base,
    name: `${MUTANT_PREFIX}${id}`,
    summary: `${base.name} with a deliberate bug: ${MUTANT_SUMMARY[id]}`,
    order:
      id === 'vgic-sync-first' ? { timerFlush: 'after-vgic', timerSync: 'after-preempt-enable' } : base.order,
    mutations: new Set([id]),
  };
}

/** The vgic faults of a generation's mutations (NO_VGIC_FAULTS for a real one). */
export function vgicFaultsOf(m: ReadonlySet<MutantId> | undefined): VgicFaults {
  if (m === undefined || m.size === 0) return NO_VGIC_FAULTS;
  return {
    noEoiMaintenance: m.has('no-eoi-maintenance'),
    noResampleAfterDeactivate: m.has('no-resample-after-deactivate'),
    sgiIspendrWritable: m.has('sgi-ispendr-writable'),
    noLevelReevalOnEnable: m.has('no-level-reeval-on-enable'),
    lostKick: m.has('lost-kick'),
  };
}

/** The physical distributor as the hypervisor's timer and vgic reach it: `keep-phys-active` drops clears of PPI 27. */
export function physChipOf(m: ReadonlySet<MutantId> | undefined, chip: PhysIrqChip): PhysIrqChip {
  if (m?.has('keep-phys-active') !== true) return chip;
  return {
    isActive: (cpu: number, intid: IntId) => chip.isActive(cpu, intid),
    setActive: (cpu: number, intid: IntId, active: boolean) => {
      if (active || intid !== PPI.VIRT_TIMER) chip.setActive(cpu, intid, active);
    },
  };
}
