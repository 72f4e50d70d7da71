// Whole-VM save/restore of a GICv3 guest (gic: v3, linux-7.0's vgic-v3):
// guests/asm/gicv3-smp.s on 2 vcpus (SGIs by target list and IRM, SPI 41
// routed to vcpu 1 by GICD_IROUTER41) stopped at many points, saved,
// restored into a freshly built VM and continued. The vgic's state right
// after the restore equals the saved one (routing included: a GICv3
// guest's IROUTER affinity is in no GICv2 register the snapshot walks), and
// the guest's end, log and acknowledgements, and those after a VMM-style
// migration of the stopped VM (vmmMigrate: the arm-vgic-v3 register
// groups), equal those of the same run
// stopped at the same point and continued without a save. That equals the
// uninterrupted run's but at two stops (instructions 107, 108), where
// stopping alone changes the interleaving: vcpu 1's reply SGI 3 arrives
// while vcpu 0's first SGI 3 is still pending and merges with it (a GICv3
// SGI has no source), so the guest, which counts them, waits forever.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type BoardConfig, DEFAULT_BOARD } from '../../../src/hw/board/board.ts';
import { assemble } from '../../../src/hw/cpu/asm/index.ts';
import { vmmMigrate } from '../../../src/hyp/api/vmm-migrate.ts';
import { Vm } from '../../../src/hyp/vm.ts';
import type { Vgic } from '../../../src/hyp/vgic/kvm-vgic.ts';
import { NO_VCPU } from '../../../src/hyp/vgic/vgic-irq.ts';
import { Hash64 } from '../../../src/sim/state-digest.ts';
import { ASM_GUEST_DIR, GUEST_BASE } from '../../integration/helpers.ts';

const LIMITS = { ticks: 200_000, instructions: 200_000 };
const img = assemble(readFileSync(join(ASM_GUEST_DIR, 'gicv3-smp.s'), 'utf8'), { base: GUEST_BASE });
const board: BoardConfig = { ...DEFAULT_BOARD, cpus: 2, pcpus: 2, spis: 224, gic: 'v3' };

function build(): Vm {
  const vm = new Vm({ board, policy: 'linux-7.0' });
  vm.load(GUEST_BASE, img.bytes, img.entry);
  return vm;
}

const outcome = (vm: Vm) => ({
  acks: vm.acks.entries.map((a) => [a.cpu, a.intid]),
  uart: vm.board.uart.outputText(),
});
/** The vgic's whole state, hashed (what the explorer's state hash reads of it). */
const peek = (vm: Vm) => {
  const h = new Hash64();
  vm.vgic.digest(h);
  return h.digest();
};

const base = build();
assert.equal(base.run(LIMITS), 'poweroff');
const total = base.scheduler.retired;

describe('save/restore of a GICv3 VM (gic: v3)', () => {
  it(`gicv3-smp.s stopped every 97 of its ${total} instructions: same vgic state after restore; restored or migrated (vmmMigrate), the same end, log and acks`, () => {
    let routedSeen = 0;
    let poweroffs = 0;
    for (let at = 20; at < total; at += 97) {
      const vm = build();
      vm.run({ ...LIMITS, instructions: at });
      const snap = vm.save();
      const before = peek(vm);
      const next = build();
      next.restore(structuredClone(snap));
      assert.deepEqual(peek(next), before, `vgic state after restore at ${at}`);
      const spi41 = (next.vgic as Vgic).core.getIrq(NO_VCPU, 41)!;
      if (spi41.targetVcpu === 1) routedSeen++;
      // and a VMM's migration of the same stopped VM through the arm-vgic-v3 groups
      const migrated = build();
      vmmMigrate(vm, migrated, []);
      const stopped = build();
      stopped.run({ ...LIMITS, instructions: at });
      const end = stopped.run(LIMITS);
      assert.equal(next.run(LIMITS), end, `at ${at}`);
      assert.deepEqual(outcome(next), outcome(stopped), `restored at ${at}`);
      assert.equal(migrated.run(LIMITS), end, `migrated at ${at}`);
      assert.deepEqual(outcome(migrated), outcome(stopped), `migrated at ${at}`);
      if (end === 'poweroff') poweroffs++;
    }
    assert.ok(routedSeen > 0, 'some snapshots hold SPI 41 routed to vcpu 1');
    assert.ok(poweroffs >= 8, `${poweroffs} runs got to the end`);
  });
});
