// Where the run loop loads and puts the vgic (RunLoopOrder.vgicLoad,
// src/hyp/vcpu/run-loop.ts): linux-7.0 at vcpu_load/vcpu_put (an exit handled
// in the kernel goes back in without them; blocking in WFI puts it),
// linux-4.2/4.3 around every entry. The guest sees the same either way: the
// scenario library and the migration tests run unchanged.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Vgic } from '../../../src/hyp/vgic/kvm-vgic.ts';
import { Machine } from '../vgic/helpers/machine.ts';
import { vmGuest, type VmGuest } from '../helpers/vm-guest.ts';

/** Eight trapped CNTP_CTL_EL0 reads (eight sysreg exits), then WFI with nothing to wake it. */
const TRAPS = `
_start:
    mov     x5, #8
1:  mrs     x3, cntp_ctl_el0
    subs    x5, x5, #1
    b.ne    1b
trapped:
    nop
    wfi
    nop
`;

/** Count the vgic's loads and puts of a VM, from its first entry on. */
function countLoads(g: VmGuest): { loads: number; puts: number } {
  const n = { loads: 0, puts: 0 };
  const vgic = g.kvm.vm.vgic;
  const load = vgic.vcpuLoad.bind(vgic);
  const put = vgic.vcpuPut.bind(vgic);
  vgic.vcpuLoad = (v, p) => {
    n.loads++;
    load(v, p);
  };
  vgic.vcpuPut = (v) => {
    n.puts++;
    put(v);
  };
  return n;
}

describe('vgic load/put: once per KVM_RUN where the generation does it at vcpu_load', () => {
  it('linux-7.0: eight sysreg exits, one load; loaded on its cpu between exits; put when blocked in WFI', () => {
    const g = vmGuest(TRAPS).policy('linux-7.0');
    const n = countLoads(g);
    const vgic = g.kvm.vm.vgic as Vgic;
    let loadedAtLabel = -2;
    g.atLabel('trapped', () => {
      loadedAtLabel = vgic.loadedOn(0);
    });
    g.run({ instructions: 10_000 });
    assert.equal(g.costs().exits.sysreg, 8);
    assert.equal(loadedAtLabel, 0, 'still loaded on pcpu 0 after the sysreg exits');
    assert.equal(n.loads, 1);
    assert.ok(g.blocked(), 'blocked in WFI');
    assert.equal(vgic.loadedOn(0), -1, 'put when the vcpu blocked');
    assert.equal(n.puts, 1);
  });

  for (const gen of ['linux-4.2', 'linux-4.3'] as const)
    it(`${gen}: loaded and put around every entry (its world switch)`, () => {
      const g = vmGuest(TRAPS).policy(gen);
      const n = countLoads(g);
      g.run({ instructions: 10_000 });
      assert.equal(g.costs().exits.sysreg, 8);
      assert.equal(n.loads, n.puts);
      assert.ok(n.loads >= 9, `${n.loads} loads`);
    });
});

describe('Vgic.vcpuLoad onto a cpu another vcpu is still loaded on', () => {
  it('puts that vcpu first: its VMCR and APR are saved from the interface, then the new one is loaded', () => {
    const m = new Machine({ vcpus: 2 });
    m.vgic.init();
    m.vgic.vcpuLoad(0, 0);
    m.vifs[0].writeVMCR(0xf0000201);
    m.vifs[0].writeAPR(0x4);
    const vmcr0 = m.vifs[0].readVMCR();
    m.vgic.vcpuLoad(1, 0);
    assert.equal(m.vgic.loadedOn(0), -1);
    assert.equal(m.vgic.loadedOn(1), 0);
    assert.equal(m.vgic.core.cpus[0].vmcr, vmcr0);
    assert.equal(m.vgic.core.cpus[0].apr, 0x4);
    assert.equal(m.vifs[0].readAPR(), m.vgic.core.cpus[1].apr, "vcpu 1's APR loaded");
  });

  it('userspace accesses put every loaded vcpu (the accessors see the saved VMCR)', () => {
    const m = new Machine({ vcpus: 1 });
    m.vgic.init();
    m.vgic.vcpuLoad(0, 0);
    m.vifs[0].writeAPR(0x2);
    const r = m.vgic.uaccess('cpu', 0, 0xd0, false, 0); // GICC_APR0
    assert.equal(m.vgic.loadedOn(0), -1);
    assert.deepEqual(r, { ok: true, value: 0x2 });
  });
});
