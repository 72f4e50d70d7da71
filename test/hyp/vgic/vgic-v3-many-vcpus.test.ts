// GICv3 guests with more vcpus than a GICv2 serves (issue 18): KVM's vcpu
// affinities (reset_mpidr: Aff0 = vcpu[3:0], Aff1 = vcpu[11:4], the same as
// QEMU virt's clusters of 16 with a GICv3) reach the guest in MPIDR_EL1 and
// in each redistributor's GICR_TYPER, and vcpu 0 sends an SGI to every other
// vcpu with ICC_SGI1R_EL1 (Aff1 = the target's cluster, TargetList bit =
// its Aff0): each takes it once, across Aff1 clusters 0, 1 (and 2).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GicV3 } from '../../../src/hw/gic/v3/gic-v3.ts';
import { mpidrAffinity } from '../../../src/hw/cpu/mpidr.ts';
import { NULL_SINK } from '../../../src/sim/trace/sink.ts';
import { createVm } from '../../../src/hyp/api/index.ts';
import { POWEROFF, unwrap, VECTORS } from '../helpers/guest-vm.ts';
import { vmGuest } from '../helpers/vm-guest.ts';

/** vcpu k (from MPIDR_EL1: Aff1 * 16 + Aff0) waits for SGI 5; vcpu 0 sends it to each, then waits for every `done`. */
function guest(n: number): string {
  return `
_start:
    mrs     x0, mpidr_el1
    and     x19, x0, #0xf           // Aff0
    ubfx    x1, x0, #8, #8          // Aff1
    add     x19, x19, x1, lsl #4    // k = Aff1 * 16 + Aff0
    mov     x22, x0                 // MPIDR_EL1, for the test
    ldr     x3, =flags
    ldr     x0, =vectors
    msr     vbar_el1, x0
    mov     x2, #0xf0
    msr     icc_pmr_el1, x2
    mov     x2, #1
    msr     icc_igrpen1_el1, x2
    isb
    // this vcpu's redistributor: GICR_TYPER[63:32] is its affinity
    ldr     x4, =GICR_BASE
    mov     x5, #GICR_STRIDE
    madd    x4, x19, x5, x4
    ldr     x23, [x4, #GICR_TYPER]
    lsr     x23, x23, #32
    add     x4, x4, #GICR_SGI_BASE
    mov     w2, #(1 << 5)
    str     w2, [x4, #GICR_ISENABLER0]  // SGI 5
    cbz     x19, boot
    msr     daifclr, #2
    mov     w2, #1
    strb    w2, [x3, x19]           // ready[k]
1:  wfi
    b       1b
boot:
    ldr     x1, =GICD_BASE
    mov     w2, #2
    str     w2, [x1, #GICD_CTLR]    // EnableGrp1
    mov     x6, #1
2:  ldrb    w2, [x3, x6]            // wait for ready[1..n-1]
    cbz     w2, 2b
    add     x6, x6, #1
    cmp     x6, #${n}
    b.lo    2b
    mov     x6, #1
3:  and     x7, x6, #0xf
    mov     x8, #1
    lsl     x8, x8, x7              // TargetList: bit Aff0
    lsr     x7, x6, #4
    orr     x8, x8, x7, lsl #16     // Aff1 [23:16]
    mov     x7, #5
    orr     x8, x8, x7, lsl #24     // INTID 5
    msr     icc_sgi1r_el1, x8
    isb
    add     x6, x6, #1
    cmp     x6, #${n}
    b.lo    3b
    add     x9, x3, #256            // done[]
    mov     x6, #1
4:  ldrb    w2, [x9, x6]
    cbz     w2, 4b
    add     x6, x6, #1
    cmp     x6, #${n}
    b.lo    4b
${POWEROFF}
${VECTORS}
irq:
    mrs     x10, icc_iar1_el1
    add     x20, x20, #1
    mov     x21, x10
    ldr     x3, =flags
    add     x3, x3, #256
    mov     w2, #1
    strb    w2, [x3, x19]           // done[k]
    msr     icc_eoir1_el1, x10
    eret
    .balign 8
flags:
    .skip   512
`;
}

describe('a GICv3 VM with more than 8 vcpus (linux-7.0)', () => {
  for (const n of [16, 20, 40])
    it(`${n} vcpus: MPIDR_EL1 and GICR_TYPER affinity Aff1.Aff0 = k / 16 . k mod 16; SGI 5 by ICC_SGI1R_EL1 reaches each vcpu once`, () => {
      const g = vmGuest(guest(n))
        .gicV3()
        .policy('linux-7.0')
        .vcpus(n)
        .run({ ticks: 2_000_000, instructions: 50_000_000 })
        .assertExit('poweroff');
      for (let k = 1; k < n; k++) {
        g.assertAckedBy(k, [5], `vcpu ${k}`).assertReg('x20', 1, k).assertReg('x21', 5, k);
        const aff = BigInt(((k >> 4) << 8) | (k & 15));
        assert.equal(g.reg('x22', k) & 0xff_00ff_ffffn, aff, `vcpu ${k} MPIDR_EL1`);
        assert.equal(g.reg('x23', k), aff, `vcpu ${k} GICR_TYPER affinity`);
      }
      g.assertAckedBy(0, []);
    });

  it('KVM_CREATE_VCPU for 64 vcpus on a GICv3 VM; the arm-vgic-v3 device and CTRL_INIT take them', () => {
    const kvm = createVm({ policy: 'linux-7.0', gic: 'v3', vcpus: 64 });
    for (let i = 0; i < 64; i++) unwrap(kvm.createVcpu(i));
    unwrap(kvm.createDevice('arm-vgic-v3'));
    unwrap(kvm.initVgic());
    assert.equal(kvm.vm.vgic.initialized, true);
    assert.equal(kvm.vm.vcpus.length, 64);
  });
});

describe('the bare GICv3 with more than 16 cpus', () => {
  it('ICC_SGI1R_EL1 targets (Aff1, TargetList) name cpu Aff1 * 16 + bit; GICR_TYPER and IROUTER use the same affinity', () => {
    const gic = new GicV3({ cpus: 40, spis: 64, clock: { now: 0 }, trace: NULL_SINK });
    assert.equal(gic.redistributor(17).affinity, mpidrAffinity(17));
    assert.equal(mpidrAffinity(17), 0x101);
    // SGI 2 to Aff1 = 1, TargetList bits 1 and 15: cpus 17 and 31
    gic.generateSgi(0, (2 << 24) | (1 << 16) | (1 << 1) | (1 << 15), 0, true);
    const pending = Array.from({ length: 40 }, (_, c) => gic.isPending(c, 2));
    assert.deepEqual(
      pending.flatMap((p, c) => (p ? [c] : [])),
      [17, 31],
    );
    assert.equal(gic.cpuOfAffinity(0, 0x203), 35);
    assert.equal(gic.cpuOfAffinity(0, 0x208), -1); // cpu 40 does not exist
    assert.equal(gic.cpuOfAffinity(0, 0x010), -1); // Aff0 >= 16 is no cpu
    assert.throws(() => new GicV3({ cpus: 124, spis: 64, clock: { now: 0 }, trace: NULL_SINK }), /1\.\.123/);
  });
});
