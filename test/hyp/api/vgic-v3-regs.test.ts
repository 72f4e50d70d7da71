// The register groups of the arm-vgic-v3 device (kvm-vgic-v3-regs.ts over
// src/hyp/vgic's vgic-v3-uaccess.ts and vgic-v3-sysreg-uaccess.ts): KVM's
// attribute encodings (attr[63:32] the vcpu's affinity), its errnos in its
// order (vcpu -EINVAL, then -EBUSY before CTRL_INIT), the userspace
// semantics where they differ from a guest's access, and set-then-get
// round trips of the read/write fields (fast-check).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { assemble } from '../../../src/hw/cpu/asm/index.ts';
import { createVm, type KvmResult } from '../../../src/hyp/api/index.ts';
import {
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
  KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO,
  KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
  KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
  KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES,
  vgicLevelInfoAttr,
  vgicV3RegAttr,
  vgicV3SysregAttr,
} from '../../../src/hyp/api/uapi.ts';
import { unwrap } from '../helpers/guest-vm.ts';

const DIST = KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
const REDIST = KVM_DEV_ARM_VGIC_GRP_REDIST_REGS;
const SYSREGS = KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
const LEVEL = KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO;
const errno = <T>(r: KvmResult<T>): string => (r.ok ? 'ok' : r.errno);

const GICD_CTLR = 0x0;
const GICD_TYPER = 0x4;
const GICD_IIDR = 0x8;
const GICD_TYPER2 = 0xc;
const GICD_IGROUPR = 0x80;
const GICD_ISENABLER = 0x100;
const GICD_ICENABLER = 0x180;
const GICD_ISPENDR = 0x200;
const GICD_ICPENDR = 0x280;
const GICD_ISACTIVER = 0x300;
const GICD_ICACTIVER = 0x380;
const GICD_IPRIORITYR = 0x400;
const GICD_ICFGR = 0xc00;
const GICD_IROUTER = 0x6000;
const SGI = 0x1_0000;
const GICR_CTLR = 0x0;
const GICR_TYPER = 0x8;
const GICR_PROPBASER = 0x70;
const GICR_ISENABLER0 = SGI + 0x100;
const GICR_ISPENDR0 = SGI + 0x200;
const GICR_IPRIORITYR0 = SGI + 0x400;

/** ICC_*_EL1 encodings (op0, op1, CRn, CRm, op2) as a CPU_SYSREGS attr of the vcpu of affinity `mpidr`. */
const ICC = {
  PMR: [3, 0, 4, 6, 0],
  BPR0: [3, 0, 12, 8, 3],
  AP0R0: [3, 0, 12, 8, 4],
  AP0R1: [3, 0, 12, 8, 5],
  AP1R0: [3, 0, 12, 9, 0],
  AP1R3: [3, 0, 12, 9, 3],
  BPR1: [3, 0, 12, 12, 3],
  CTLR: [3, 0, 12, 12, 4],
  SRE: [3, 0, 12, 12, 5],
  IGRPEN0: [3, 0, 12, 12, 6],
  IGRPEN1: [3, 0, 12, 12, 7],
  IAR1: [3, 0, 12, 12, 0],
} as const;
const icc = (r: keyof typeof ICC, mpidr = 0) => {
  const [op0, op1, crn, crm, op2] = ICC[r];
  return vgicV3SysregAttr(mpidr, op0, op1, crn, crm, op2);
};

function v3Device(vcpus = 2, init = true, policy = 'linux-7.0') {
  const kvm = createVm({ policy, gic: 'v3', vcpus, spis: 224 });
  for (let i = 0; i < vcpus; i++) unwrap(kvm.createVcpu(i));
  const dev = unwrap(kvm.createDevice('arm-vgic-v3'));
  if (init) unwrap(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT));
  const get = (group: number, attr: bigint) => unwrap(dev.getAttr(group, attr));
  const set = (group: number, attr: bigint, value: bigint | number) =>
    unwrap(dev.setAttr(group, attr, BigInt(value)));
  return { kvm, dev, get, set };
}

describe('arm-vgic-v3 register groups: encodings and errnos', () => {
  it('before CTRL_INIT every register group is EBUSY (no lazy init on v3); a bad vcpu is EINVAL first', () => {
    const { kvm, dev } = v3Device(2, false);
    assert.equal(errno(dev.getAttr(DIST, 0n)), 'EBUSY');
    assert.equal(errno(dev.getAttr(REDIST, vgicV3RegAttr(1, GICR_CTLR))), 'EBUSY');
    assert.equal(errno(dev.getAttr(SYSREGS, icc('PMR'))), 'EBUSY');
    assert.equal(errno(dev.getAttr(LEVEL, vgicLevelInfoAttr(0, 32))), 'EBUSY');
    assert.equal(errno(dev.getAttr(REDIST, vgicV3RegAttr(2, GICR_CTLR))), 'EINVAL');
    assert.equal(kvm.vm.vgic.initialized, false);
  });

  for (const policy of ['linux-4.2', 'linux-4.3'])
    it(`${policy}: no register group exists (added in 4.11): ENXIO before the vcpu or init checks; ADDR, NR_IRQS, CTRL work`, () => {
      for (const init of [false, true]) {
        const { kvm, dev } = v3Device(2, init, policy);
        for (const [group, attr] of [
          [DIST, 0n],
          [REDIST, vgicV3RegAttr(1, GICR_CTLR)],
          [REDIST, vgicV3RegAttr(7, GICR_CTLR)],
          [SYSREGS, icc('PMR')],
          [LEVEL, vgicLevelInfoAttr(0, 32)],
        ] as const) {
          assert.equal(errno(dev.getAttr(group, attr)), 'ENXIO', `get ${group} init=${init}`);
          assert.equal(errno(dev.setAttr(group, attr, 0n)), 'ENXIO', `set ${group} init=${init}`);
          assert.equal(unwrap(dev.hasAttr(group, attr)), false, `has ${group}`);
        }
        assert.equal(kvm.vm.vgic.initialized, init);
      }
    });

  it('GRP_NR_IRQS: 64..992 in steps of 32 (EINVAL), once (EBUSY), before CTRL_INIT (EBUSY); CTRL_INIT twice is fine', () => {
    const { dev } = v3Device(1, false);
    const NR = KVM_DEV_ARM_VGIC_GRP_NR_IRQS;
    assert.equal(errno(dev.setAttr(NR, 0n, 1024n)), 'EINVAL');
    assert.equal(errno(dev.setAttr(NR, 0n, 48n)), 'EINVAL');
    assert.equal(errno(dev.setAttr(NR, 0n, 256n)), 'ok');
    assert.equal(errno(dev.setAttr(NR, 0n, 256n)), 'EBUSY');
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT)), 'ok');
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT)), 'ok');
    assert.equal(unwrap(dev.getAttr(NR, 0n)), 256n);
    const { dev: fresh } = v3Device(1);
    assert.equal(errno(fresh.setAttr(NR, 0n, 256n)), 'EBUSY');
  });

  it('the vcpu is named by affinity (Aff3.Aff2.Aff1.Aff0 in attr[63:32]); DIST_REGS ignores it', () => {
    const { dev, get } = v3Device(2);
    // GICR_TYPER[31:0]: Processor_Number 1, Last; [63:32] the affinity
    assert.equal(get(REDIST, vgicV3RegAttr(1, GICR_TYPER)), (1n << 8n) | (1n << 4n));
    assert.equal(get(REDIST, vgicV3RegAttr(1, GICR_TYPER + 4)), 1n);
    assert.equal(get(REDIST, vgicV3RegAttr(0, GICR_TYPER)), 0n);
    for (const bad of [2, 0x100, 0x0100_0000, 0x10])
      assert.equal(
        errno(dev.getAttr(REDIST, vgicV3RegAttr(bad, GICR_TYPER))),
        'EINVAL',
        `0x${bad.toString(16)}`,
      );
    assert.equal(get(DIST, vgicV3RegAttr(0x0100_0000, GICD_CTLR)), 0x50n);
    assert.equal(errno(dev.getAttr(SYSREGS, icc('PMR', 7))), 'EINVAL');
    assert.equal(errno(dev.getAttr(LEVEL, vgicLevelInfoAttr(7, 32))), 'EINVAL');
  });

  it('KVM_HAS_DEVICE_ATTR: registers at aligned offsets, KVM-only GICR LPI registers, ICC registers, LEVEL_INFO info 0', () => {
    const { dev } = v3Device(1);
    const has = (g: number, a: bigint) => unwrap(dev.hasAttr(g, a));
    assert.equal(has(DIST, BigInt(GICD_ISENABLER + 4)), true);
    assert.equal(has(DIST, BigInt(GICD_ISENABLER + 2)), false);
    assert.equal(has(DIST, 0x10n), true); // GICD_STATUSR
    assert.equal(has(DIST, 0x20n), false);
    assert.equal(has(DIST, BigInt(GICD_IROUTER + 8 * 40 + 4)), true);
    assert.equal(has(DIST, BigInt(GICD_IROUTER + 8 * 1000)), false); // beyond nr_irqs
    assert.equal(has(REDIST, vgicV3RegAttr(0, GICR_PROPBASER)), true);
    assert.equal(has(REDIST, vgicV3RegAttr(0, 0x50)), false);
    assert.equal(errno(dev.hasAttr(REDIST, vgicV3RegAttr(1, GICR_CTLR))), 'EINVAL');
    assert.equal(has(SYSREGS, icc('CTLR')), true);
    assert.equal(has(SYSREGS, icc('IAR1')), false);
    assert.equal(has(LEVEL, vgicLevelInfoAttr(0, 33)), true);
    assert.equal(has(LEVEL, 1n << 10n), false);
    assert.equal(has(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES), true);
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES)), 'ok');
  });

  it('unknown offsets read 0 and ignore writes (success); LEVEL_INFO info != 0 or an unaligned base is EINVAL; a non-ICC sysreg ENXIO', () => {
    const { dev, get, set } = v3Device(1);
    assert.equal(get(DIST, 0x50n), 0n);
    set(DIST, 0x50n, 0xffff_ffff);
    assert.equal(get(REDIST, vgicV3RegAttr(0, GICR_PROPBASER)), 0n);
    assert.equal(errno(dev.getAttr(LEVEL, vgicLevelInfoAttr(0, 40))), 'EINVAL');
    assert.equal(errno(dev.getAttr(LEVEL, (1n << 10n) | 32n)), 'EINVAL');
    assert.equal(errno(dev.getAttr(SYSREGS, icc('IAR1'))), 'ENXIO');
    assert.equal(errno(dev.setAttr(SYSREGS, icc('IAR1'), 0n)), 'ENXIO');
  });
});

describe('arm-vgic-v3 DIST_REGS / REDIST_REGS: userspace semantics', () => {
  it('GICD_CTLR keeps EnableGrp1; TYPER is WI; TYPER2 and IIDR must match (EINVAL) but IIDR may say Revision 2', () => {
    const { kvm, dev, get, set } = v3Device(1);
    set(DIST, BigInt(GICD_CTLR), 0x2);
    assert.equal(get(DIST, BigInt(GICD_CTLR)), 0x52n);
    const typer = get(DIST, BigInt(GICD_TYPER));
    set(DIST, BigInt(GICD_TYPER), 0);
    assert.equal(get(DIST, BigInt(GICD_TYPER)), typer);
    assert.equal(errno(dev.setAttr(DIST, BigInt(GICD_TYPER2), 1n)), 'EINVAL');
    set(DIST, BigInt(GICD_TYPER2), 0);
    const iidr = get(DIST, BigInt(GICD_IIDR));
    assert.equal((iidr >> 12n) & 0xfn, 3n);
    assert.equal(errno(dev.setAttr(DIST, BigInt(GICD_IIDR), iidr ^ 1n)), 'EINVAL');
    assert.equal(errno(dev.setAttr(DIST, BigInt(GICD_IIDR), iidr | (4n << 12n))), 'EINVAL');
    assert.equal(get(REDIST, vgicV3RegAttr(0, GICR_CTLR)), 0x6n); // IR | CES with revision 3
    set(DIST, BigInt(GICD_IIDR), (iidr & ~(0xfn << 12n)) | (2n << 12n));
    assert.equal((get(DIST, BigInt(GICD_IIDR)) >> 12n) & 0xfn, 2n);
    assert.equal(get(REDIST, vgicV3RegAttr(0, GICR_CTLR)), 0n);
    // the revision is VM state: a snapshot keeps it
    const snap = unwrap(kvm.save());
    const { kvm: fresh, get: get2 } = v3Device(1, false);
    fresh.restore(snap);
    assert.equal((get2(DIST, BigInt(GICD_IIDR)) >> 12n) & 0xfn, 2n);
  });

  it('ISPENDR is the latch alone (a 0 bit clears it; a high line is LEVEL_INFO), ICPENDR RAZ/WI; ISACTIVER without a halt', () => {
    const { kvm, get, set } = v3Device(1);
    const vgic = kvm.vm.vgic;
    unwrap(kvm.irqLine((1 << 24) | 40, 1)); // SPI 40's line high (level)
    assert.equal(vgic.irqState(0, 40)?.pending, true);
    assert.equal(get(DIST, BigInt(GICD_ISPENDR + 4)), 0n, 'the line is not the latch');
    assert.equal(get(LEVEL, vgicLevelInfoAttr(0, 32)), 1n << 8n);
    set(DIST, BigInt(GICD_ISPENDR + 4), 1 << 9);
    assert.equal(vgic.irqState(0, 41)?.latch, true);
    assert.equal(get(DIST, BigInt(GICD_ISPENDR + 4)), 1n << 9n);
    assert.equal(get(DIST, BigInt(GICD_ICPENDR + 4)), 0n);
    set(DIST, BigInt(GICD_ICPENDR + 4), 0xffff_ffff);
    assert.equal(vgic.irqState(0, 41)?.latch, true, 'ICPENDR writes are ignored');
    set(DIST, BigInt(GICD_ISPENDR + 4), 0);
    assert.equal(vgic.irqState(0, 41)?.latch, false, 'a 0 bit of ISPENDR clears the latch');
    // LEVEL_INFO write sets the line whatever it was, 0 drops it
    set(LEVEL, vgicLevelInfoAttr(0, 32), 0);
    assert.equal(vgic.irqState(0, 40)?.lineLevel, false);
    const halts = vgic.counters.halts;
    set(DIST, BigInt(GICD_ISACTIVER + 4), 1 << 10);
    assert.equal(vgic.irqState(0, 42)?.active, true);
    set(DIST, BigInt(GICD_ICACTIVER + 4), 1 << 10);
    assert.equal(vgic.irqState(0, 42)?.active, false);
    assert.equal(vgic.counters.halts, halts);
    // the GICD words of INTIDs 0-31 are RAZ/WI
    set(DIST, BigInt(GICD_ISENABLER), 0xffff_ffff);
    assert.equal(get(DIST, BigInt(GICD_ISENABLER)), 0n);
    assert.equal(vgic.irqState(0, 27)?.enabled, false);
  });

  it('GICD_IROUTER through DIST_REGS: Aff2.Aff1.Aff0 in the low word, Aff3 in the high word, routing follows', () => {
    const { kvm, get, set } = v3Device(2);
    const off = BigInt(GICD_IROUTER + 8 * 40);
    set(DIST, off, 0x8000_0001);
    assert.equal(get(DIST, off), 1n);
    set(DIST, off + 4n, 0x1ff);
    assert.equal(get(DIST, off + 4n), 0xffn);
    set(DIST, BigInt(GICD_ISENABLER + 4), 1 << 8);
    set(DIST, BigInt(GICD_CTLR), 2);
    set(DIST, BigInt(GICD_ISPENDR + 4), 1 << 8);
    const core = (kvm.vm.vgic as unknown as { core: { cpus: { apList: { intid: number }[] }[] } }).core;
    assert.deepEqual(
      core.cpus.map((c) => c.apList.length),
      [0, 0],
      'Aff3 = 0xff: no vcpu',
    );
    set(DIST, off + 4n, 0);
    set(DIST, BigInt(GICD_ISPENDR + 4), 1 << 8); // re-latched: queued where it routes now
    assert.deepEqual(
      core.cpus.map((c) => c.apList.map((i) => i.intid)),
      [[], [40]],
    );
  });

  it("REDIST_REGS: SGI_base is the named vcpu's bank (ISENABLER0, ISPENDR0, IPRIORITYR); ICFGR's private words are read-only", () => {
    const { kvm, get, set } = v3Device(2);
    set(REDIST, vgicV3RegAttr(1, GICR_ISENABLER0), 1 << 27);
    set(REDIST, vgicV3RegAttr(1, GICR_ISPENDR0), 1 << 3);
    set(REDIST, vgicV3RegAttr(1, GICR_IPRIORITYR0 + 24), 0xa0);
    assert.equal(kvm.vm.vgic.irqState(1, 27)?.enabled, true);
    assert.equal(kvm.vm.vgic.irqState(0, 27)?.enabled, false);
    assert.equal(kvm.vm.vgic.irqState(1, 3)?.latch, true);
    assert.equal(get(REDIST, vgicV3RegAttr(1, GICR_IPRIORITYR0 + 24)), 0xa0n);
    assert.equal(get(REDIST, vgicV3RegAttr(0, GICR_IPRIORITYR0 + 24)), 0n);
    const icfgr1 = get(REDIST, vgicV3RegAttr(0, SGI + 0xc04));
    set(REDIST, vgicV3RegAttr(0, SGI + 0xc04), 0);
    assert.equal(get(REDIST, vgicV3RegAttr(0, SGI + 0xc04)), icfgr1);
    set(REDIST, vgicV3RegAttr(0, GICR_TYPER), 0); // WI
    assert.equal(get(REDIST, vgicV3RegAttr(0, GICR_TYPER)), 0n);
  });
});

describe('arm-vgic-v3 CPU_SYSREGS (ICC_*_EL1)', () => {
  it("ICC_CTLR_EL1: PRIbits/IDbits/SEIS/A3V from ICH_VTR_EL2, CBPR and EOImode state; KVM's checks (EINVAL)", () => {
    const { dev, get, set } = v3Device(1);
    const ctlr = get(SYSREGS, icc('CTLR'));
    assert.equal(ctlr, (4n << 8n) | (1n << 15n)); // 5 priority bits, 16 INTID bits, no SEIS, A3V
    assert.equal(errno(dev.setAttr(SYSREGS, icc('CTLR'), ctlr | (6n << 8n))), 'EINVAL'); // 7 priority bits
    assert.equal(errno(dev.setAttr(SYSREGS, icc('CTLR'), ctlr | (1n << 11n))), 'EINVAL'); // 24 INTID bits
    assert.equal(errno(dev.setAttr(SYSREGS, icc('CTLR'), ctlr | (1n << 14n))), 'EINVAL'); // SEIS
    assert.equal(errno(dev.setAttr(SYSREGS, icc('CTLR'), ctlr & ~(1n << 15n))), 'EINVAL'); // A3V
    set(SYSREGS, icc('CTLR'), ctlr | 0b11n);
    assert.equal(get(SYSREGS, icc('CTLR')), ctlr | 0b11n);
    // fewer priority bits are accepted and become the vcpu's
    set(SYSREGS, icc('CTLR'), (ctlr & ~(7n << 8n)) | (3n << 8n));
    assert.equal((get(SYSREGS, icc('CTLR')) >> 8n) & 7n, 3n);
    assert.equal(errno(dev.setAttr(SYSREGS, icc('CTLR'), ctlr)), 'EINVAL');
  });

  it('ICC_BPR1_EL1 with CBPR reads BPR0 + 1 and ignores writes; ICC_SRE_EL1 reads 7, SRE = 0 is EINVAL; AP<g>R1-3 EINVAL with 5 priority bits', () => {
    const { dev, get, set } = v3Device(1);
    set(SYSREGS, icc('BPR0'), 2);
    set(SYSREGS, icc('BPR1'), 5);
    assert.equal(get(SYSREGS, icc('BPR1')), 5n);
    set(SYSREGS, icc('CTLR'), get(SYSREGS, icc('CTLR')) | 1n); // CBPR
    assert.equal(get(SYSREGS, icc('BPR1')), 3n);
    set(SYSREGS, icc('BPR1'), 1);
    set(SYSREGS, icc('CTLR'), get(SYSREGS, icc('CTLR')) & ~1n);
    assert.equal(get(SYSREGS, icc('BPR1')), 5n);
    assert.equal(get(SYSREGS, icc('SRE')), 7n);
    assert.equal(errno(dev.setAttr(SYSREGS, icc('SRE'), 6n)), 'EINVAL');
    set(SYSREGS, icc('SRE'), 1);
    assert.equal(errno(dev.getAttr(SYSREGS, icc('AP0R1'))), 'EINVAL');
    assert.equal(errno(dev.setAttr(SYSREGS, icc('AP1R3'), 1n)), 'EINVAL');
  });

  it('a restored ICC_PMR_EL1 and ICC_IGRPEN1_EL1 reach the guest (ICH_VMCR_EL2 at the next entry)', () => {
    const kvm = createVm({ policy: 'linux-7.0', gic: 'v3', vcpus: 1 });
    unwrap(kvm.createVcpu(0));
    const dev = unwrap(kvm.createDevice('arm-vgic-v3'));
    unwrap(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT));
    unwrap(dev.setAttr(SYSREGS, icc('PMR'), 0xa8n));
    unwrap(dev.setAttr(SYSREGS, icc('IGRPEN1'), 1n));
    const img = assemble(
      `_start:
        mrs x20, icc_pmr_el1
        mrs x21, icc_igrpen1_el1
        ldr x0, =0x84000008
        hvc #0
      `,
      { base: 0x4008_0000 },
    );
    unwrap(kvm.loadImage(img.bytes, img.entry, 0x4008_0000));
    assert.equal(unwrap(kvm.run({ instructions: 10_000 })).reason, 'system-event');
    assert.equal(kvm.vm.board.cpus[0].getX(20), 0xa8n & 0xf8n); // 5 priority bits implemented
    assert.equal(kvm.vm.board.cpus[0].getX(21), 1n);
  });
});

describe('arm-vgic-v3: set then get returns the value (RW fields, fast-check)', () => {
  const spiWord = fc.integer({ min: 1, max: 7 }); // SPIs 32..255 (224 SPIs)
  const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
  it('GICD_IGROUPR, ISENABLER/ICENABLER, ISPENDR, ISACTIVER/ICACTIVER, IPRIORITYR, ICFGR, IROUTER: each as written', () => {
    const { get, set } = v3Device(2);
    fc.assert(
      fc.property(spiWord, u32, (w, v) => {
        const at = (base: number, step = 4) => BigInt(base + step * w);
        set(DIST, at(GICD_IGROUPR), v);
        set(DIST, at(GICD_ICENABLER), 0xffff_ffff);
        set(DIST, at(GICD_ISENABLER), v);
        set(DIST, at(GICD_ISPENDR), v);
        set(DIST, at(GICD_ICACTIVER), 0xffff_ffff);
        set(DIST, at(GICD_ISACTIVER), v);
        set(DIST, at(GICD_IPRIORITYR, 32), v);
        set(DIST, BigInt(GICD_ICFGR + 8 * w), v);
        set(DIST, BigInt(GICD_IROUTER + 8 * 32 * w), v);
        set(DIST, BigInt(GICD_IROUTER + 8 * 32 * w + 4), v);
        const want = BigInt(v >>> 0);
        assert.equal(get(DIST, at(GICD_IGROUPR)), want, 'IGROUPR');
        assert.equal(get(DIST, at(GICD_ISENABLER)), want, 'ISENABLER');
        assert.equal(get(DIST, at(GICD_ICENABLER)), want, 'ICENABLER');
        assert.equal(get(DIST, at(GICD_ISPENDR)), want, 'ISPENDR');
        assert.equal(get(DIST, at(GICD_ISACTIVER)), want, 'ISACTIVER');
        // 5 priority bits per byte (VGIC_PRI_BITS)
        assert.equal(get(DIST, at(GICD_IPRIORITYR, 32)), BigInt((v & 0xf8f8_f8f8) >>> 0), 'IPRIORITYR');
        // Int_config[1] of each SPI is writable, Int_config[0] RES0
        assert.equal(get(DIST, BigInt(GICD_ICFGR + 8 * w)), BigInt((v & 0xaaaa_aaaa) >>> 0), 'ICFGR');
        assert.equal(get(DIST, BigInt(GICD_IROUTER + 8 * 32 * w)), BigInt(v & 0xff_ffff), 'IROUTER');
        assert.equal(get(DIST, BigInt(GICD_IROUTER + 8 * 32 * w + 4)), BigInt(v & 0xff), 'IROUTER[63:32]');
      }),
      { numRuns: 60 },
    );
  });

  it('REDIST_REGS (IGROUPR0, ISENABLER0, ISPENDR0, IPRIORITYR of vcpu 1), LEVEL_INFO of SPIs, ICC_PMR/BPR0/IGRPEN0/1/AP0R0/AP1R0', () => {
    const { get, set } = v3Device(2);
    fc.assert(
      fc.property(spiWord, u32, fc.integer({ min: 0, max: 7 }), (w, v, n) => {
        const rd = (off: number) => vgicV3RegAttr(1, off);
        set(REDIST, rd(SGI + 0x80), v);
        set(REDIST, rd(SGI + 0x180), 0xffff_ffff);
        set(REDIST, rd(GICR_ISENABLER0), v);
        set(REDIST, rd(GICR_ISPENDR0), v);
        set(REDIST, rd(GICR_IPRIORITYR0 + 4 * n), v);
        set(LEVEL, vgicLevelInfoAttr(1, 32 * w), v);
        set(SYSREGS, icc('PMR', 1), v);
        set(SYSREGS, icc('BPR0', 1), v);
        set(SYSREGS, icc('IGRPEN0', 1), v);
        set(SYSREGS, icc('IGRPEN1', 1), v >>> 1);
        set(SYSREGS, icc('AP0R0', 1), v);
        set(SYSREGS, icc('AP1R0', 1), ~v);
        const want = BigInt(v >>> 0);
        assert.equal(get(REDIST, rd(SGI + 0x80)), want, 'GICR_IGROUPR0');
        assert.equal(get(REDIST, rd(GICR_ISENABLER0)), want, 'GICR_ISENABLER0');
        assert.equal(get(REDIST, rd(GICR_ISPENDR0)), want, 'GICR_ISPENDR0');
        assert.equal(
          get(REDIST, rd(GICR_IPRIORITYR0 + 4 * n)),
          BigInt((v & 0xf8f8_f8f8) >>> 0),
          'GICR_IPRIORITYR',
        );
        // SPIs are level-triggered at reset (the model's choice): each line reads as written
        assert.equal(get(LEVEL, vgicLevelInfoAttr(1, 32 * w)), want, 'LEVEL_INFO');
        assert.equal(get(SYSREGS, icc('PMR', 1)), BigInt(v & 0xff), 'ICC_PMR_EL1');
        assert.equal(get(SYSREGS, icc('BPR0', 1)), BigInt(v & 7), 'ICC_BPR0_EL1');
        assert.equal(get(SYSREGS, icc('IGRPEN0', 1)), BigInt(v & 1), 'ICC_IGRPEN0_EL1');
        assert.equal(get(SYSREGS, icc('IGRPEN1', 1)), BigInt((v >>> 1) & 1), 'ICC_IGRPEN1_EL1');
        assert.equal(get(SYSREGS, icc('AP0R0', 1)), want, 'ICC_AP0R0_EL1');
        assert.equal(get(SYSREGS, icc('AP1R0', 1)), BigInt(~v >>> 0), 'ICC_AP1R0_EL1');
      }),
      { numRuns: 60 },
    );
  });
});
