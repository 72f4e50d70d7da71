// The vgic device's register groups KVM_DEV_ARM_VGIC_GRP_DIST_REGS and
// KVM_DEV_ARM_VGIC_GRP_CPU_REGS (GICv2): KVM's attr encoding, the registers
// each release exposes and its errors, the PMR in VMPriMask format, and the
// vcpus leaving KVM_RUN first.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KVM_DEV_ARM_VGIC_GRP_CPU_REGS as CPU,
  KVM_DEV_ARM_VGIC_GRP_DIST_REGS as DIST,
  type KvmResult,
  type KvmVgicDevice,
  vgicRegAttr,
} from '../../../src/hyp/api/index.ts';
import { GENERATIONS } from '../../../src/hyp/generation/index.ts';
import { POWEROFF, prologue, unwrap, VECTORS } from '../helpers/guest-vm.ts';
import { type VmGuest, vmGuest } from '../helpers/vm-guest.ts';

const GENS = Object.keys(GENERATIONS);
const LEGACY = new Set(['linux-4.2', 'linux-4.3']);

const GICD_TYPER = 0x004;
const GICD_IIDR = 0x008;
const GICD_IGROUPR1 = 0x084;
const GICD_ISENABLER1 = 0x104;
const GICD_ISPENDR1 = 0x204;
const GICD_ICPENDR1 = 0x284;
const GICD_ISACTIVER1 = 0x304;
const GICD_ICPIDR2 = 0xfe8;
const GICC_CTLR = 0x00;
const GICC_PMR = 0x04;
const GICC_BPR = 0x08;
const GICC_APR0 = 0xd0;
const GICC_IIDR = 0xfc;

function errno<T>(r: KvmResult<T>): string {
  return r.ok ? 'ok' : r.errno;
}

function dev(g: VmGuest): KvmVgicDevice {
  const d = g.kvm.vgicDevice;
  assert.ok(d !== null);
  return d;
}

const get = (g: VmGuest, group: number, offset: number, vcpu = 0) =>
  dev(g).getAttr(group, vgicRegAttr(vcpu, offset));
const set = (g: VmGuest, group: number, offset: number, value: number | bigint, vcpu = 0) =>
  dev(g).setAttr(group, vgicRegAttr(vcpu, offset), BigInt(value));

/** Reads GICC_PMR, CTLR, BPR (the GICV under the hypervisor) into x20-x22. */
const READ_CPUIF = `
_start:
    ldr     x9, =0x08010000
    ldr     w20, [x9, #0x4]         // GICC_PMR
    ldr     w21, [x9]               // GICC_CTLR
    ldr     w22, [x9, #0x8]         // GICC_BPR
${POWEROFF}`;

/** Programs PMR 0xa8, BPR 4 and CTLR (EnableGrp0, EOImode) then spins. */
const WRITE_CPUIF = `
_start:
    ldr     x9, =0x08010000
    mov     w2, #0xa8
    str     w2, [x9, #0x4]          // GICC_PMR
    mov     w2, #4
    str     w2, [x9, #0x8]          // GICC_BPR
    ldr     w2, =0x201
    str     w2, [x9]                // GICC_CTLR: EnableGrp0 | EOImode
spin:
    b       spin
`;

const SPIN = `_start: b _start`;
const WFI = `
_start:
    msr     daifset, #2
    wfi
    mov     x21, #1
${POWEROFF}`;

describe('vgic register groups: encoding', () => {
  it('attr = vcpu index << 32 | offset', () => {
    assert.equal(vgicRegAttr(0, 0x100), 0x100n);
    assert.equal(vgicRegAttr(3, 0xfc), (3n << 32n) | 0xfcn);
  });
});

for (const gen of GENS) {
  const legacy = LEGACY.has(gen);
  describe(`${gen}: KVM_DEV_ARM_VGIC_GRP_DIST_REGS / CPU_REGS`, () => {
    it('reads the distributor as the named vcpu; a bad vcpu index is -EINVAL', () => {
      const g = vmGuest(SPIN).policy(gen).vcpus(2);
      // ITLinesNumber = 64 SPIs / 32 (+1 for the private ones) - 1 = 2; CPUNumber = 1
      assert.equal(unwrap(get(g, DIST, GICD_TYPER)), (1n << 5n) | 2n);
      assert.equal(errno(get(g, DIST, GICD_TYPER, 2)), 'EINVAL');
      assert.equal(errno(set(g, CPU, GICC_PMR, 0, 7)), 'EINVAL');
    });

    it('enables and pends an SPI the way the release does; ISPENDR reads back the latch', () => {
      const g = vmGuest(SPIN).policy(gen);
      unwrap(set(g, DIST, GICD_ISENABLER1, 1 << 8)); // SPI 40
      unwrap(set(g, DIST, GICD_ISPENDR1, 1 << 8));
      assert.equal(unwrap(get(g, DIST, GICD_ISENABLER1)) & 0x100n, 0x100n);
      assert.equal(unwrap(get(g, DIST, GICD_ISPENDR1)) & 0x100n, 0x100n);
      unwrap(set(g, DIST, GICD_ICPENDR1, 1 << 8));
      assert.equal(unwrap(get(g, DIST, GICD_ISPENDR1)) & 0x100n, 0n);
    });

    it('a level SPI whose line is high reads pending, and ICPENDR cannot clear it', () => {
      const g = vmGuest(SPIN).policy(gen).irqLine(40, 1);
      assert.equal(unwrap(get(g, DIST, GICD_ISPENDR1)) & 0x100n, 0x100n, 'pending = line || latch');
      unwrap(set(g, DIST, GICD_ICPENDR1, 1 << 8));
      assert.equal(unwrap(get(g, DIST, GICD_ISPENDR1)) & 0x100n, 0x100n, 'the line is not a register');
    });

    it(`an offset with no register: ${legacy ? '-ENXIO' : 'RAZ/WI'}; KVM_HAS_DEVICE_ATTR says no`, () => {
      const g = vmGuest(SPIN).policy(gen);
      for (const off of [0x00c, GICD_ICPIDR2, 0xf04]) {
        assert.equal(unwrap(dev(g).hasAttr(DIST, vgicRegAttr(0, off))), false, `has 0x${off.toString(16)}`);
        if (legacy) {
          assert.equal(errno(get(g, DIST, off)), 'ENXIO');
          assert.equal(errno(set(g, DIST, off, 1)), 'ENXIO');
        } else {
          assert.equal(unwrap(get(g, DIST, off)), 0n);
          assert.equal(errno(set(g, DIST, off, 1)), 'ok');
        }
      }
      for (const off of [0x10, 0x20, 0x100]) {
        assert.equal(unwrap(dev(g).hasAttr(CPU, vgicRegAttr(0, off))), false);
        assert.equal(errno(get(g, CPU, off)), legacy ? 'ENXIO' : 'ok');
      }
      for (const off of [GICD_TYPER, GICD_ISENABLER1, 0xf20])
        assert.equal(unwrap(dev(g).hasAttr(DIST, vgicRegAttr(0, off))), true);
      for (const off of [GICC_CTLR, GICC_PMR, GICC_BPR, 0x1c, GICC_APR0, 0xdc, GICC_IIDR])
        assert.equal(unwrap(dev(g).hasAttr(CPU, vgicRegAttr(0, off))), true);
    });

    it('GICC_PMR travels in VMPriMask format (5 bits); the guest sees it shifted by 3', () => {
      const g = vmGuest(READ_CPUIF).policy(gen);
      unwrap(set(g, CPU, GICC_PMR, 0x1e));
      unwrap(set(g, CPU, GICC_CTLR, 1));
      unwrap(set(g, CPU, GICC_BPR, 3));
      assert.equal(unwrap(get(g, CPU, GICC_PMR)), 0x1en);
      g.run({ ticks: 1000 })
        .assertExit('poweroff')
        .assertReg('x20', 0xf0)
        .assertReg('x21', 1)
        .assertReg('x22', 3);
    });

    it('reads back what the guest programmed, after bringing it out of the guest', () => {
      const g = vmGuest(WRITE_CPUIF).policy(gen).run({ ticks: 500 }).assertExit('limit');
      assert.equal(g.kvm.vm.vcpus[0].mode, 'in-guest');
      assert.equal(unwrap(get(g, CPU, GICC_PMR)), BigInt(0xa8 >> 3));
      assert.equal(g.kvm.vm.vcpus[0].mode, 'outside', 'the access brought the vcpu to userspace');
      assert.equal(g.costs().exits.intr, 1);
      assert.equal(g.kvm.vm.counters.signalExits, 1);
      assert.equal(unwrap(get(g, CPU, GICC_BPR)), 4n);
      assert.equal(unwrap(get(g, CPU, GICC_CTLR)), 0x201n);
      assert.equal(unwrap(get(g, CPU, GICC_IIDR)), 0x04b2_043bn, "KVM's GICC_IIDR");
      g.run({ ticks: 100 }).assertExit('limit');
      assert.equal(g.costs().entries >= 2, true, 'KVM_RUN re-entered');
    });

    it('a vcpu blocked in WFI leaves it for the access (a spurious wake-up)', () => {
      const g = vmGuest(WFI).policy(gen).run({ ticks: 500 }).assertBlocked(true);
      unwrap(get(g, DIST, GICD_TYPER));
      g.assertBlocked(false);
      assert.equal(g.kvm.vm.counters.signalExits, 1);
      g.run({ ticks: 500 }).assertExit('poweroff').assertReg('x21', 1);
    });

    it(`GICC_APR0: ${legacy ? 'RAZ/WI on 4.2/4.3 (active priorities are lost)' : 'GICH_APR'}`, () => {
      const g = vmGuest(SPIN).policy(gen);
      unwrap(set(g, CPU, GICC_APR0, 0x8));
      assert.equal(unwrap(get(g, CPU, GICC_APR0)), legacy ? 0n : 0x8n);
      unwrap(set(g, CPU, GICC_APR0 + 4, 0x8));
      assert.equal(unwrap(get(g, CPU, GICC_APR0 + 4)), 0n, 'APR1-3 RAZ/WI');
    });

    if (legacy) {
      it('GICD_IGROUPR is RAZ/WI (every interrupt group 0)', () => {
        const g = vmGuest(SPIN).policy(gen);
        unwrap(set(g, DIST, GICD_IGROUPR1, 0xffff_ffff));
        assert.equal(unwrap(get(g, DIST, GICD_IGROUPR1)), 0n);
      });
    } else {
      it('GICD_IGROUPR writes count only once userspace wrote GICD_IIDR back (v2_groups_user_writable)', () => {
        const g = vmGuest(SPIN).policy(gen);
        unwrap(set(g, DIST, GICD_IGROUPR1, 1 << 8));
        assert.equal(unwrap(get(g, DIST, GICD_IGROUPR1)), 0n, 'ignored');
        const iidr = unwrap(get(g, DIST, GICD_IIDR));
        assert.equal(errno(set(g, DIST, GICD_IIDR, iidr ^ 1n)), 'EINVAL');
        unwrap(set(g, DIST, GICD_IIDR, iidr));
        unwrap(set(g, DIST, GICD_IGROUPR1, 1 << 8));
        assert.equal(unwrap(get(g, DIST, GICD_IGROUPR1)), 1n << 8n);
      });

      it('GICD_ISACTIVER sets the active state without a physical one', () => {
        const g = vmGuest(SPIN).policy(gen);
        unwrap(set(g, DIST, GICD_ISACTIVER1, 1 << 8));
        assert.equal(unwrap(get(g, DIST, GICD_ISACTIVER1)), 1n << 8n);
        assert.equal(g.kvm.vm.vgic.irqState(0, 40)?.active, true);
      });
    }
  });
}

describe('vgic register groups: the guest sees a restored pending SPI', () => {
  for (const gen of GENS)
    it(`${gen}: enabled + pending through DIST_REGS before the first run -> one IRQ 40`, () => {
      const src = `${prologue('0')}
    ldr     x1, =0x08000000
    msr     daifclr, #2
    mov     x0, #2000
1:  subs    x0, x0, #1
    b.ne    1b
${POWEROFF}${VECTORS}
irq:
    ldr     w2, [x9, #0xc]          // GICC_IAR
    add     x20, x20, #1
    str     w2, [x9, #0x10]         // GICC_EOIR
    eret
`;
      const g = vmGuest(src).policy(gen);
      unwrap(set(g, DIST, GICD_ISENABLER1, 1 << 8));
      unwrap(set(g, DIST, GICD_ISPENDR1, 1 << 8));
      g.run({ ticks: 5000 }).assertExit('poweroff').assertAcked([40]).assertReg('x20', 1);
    });
});
