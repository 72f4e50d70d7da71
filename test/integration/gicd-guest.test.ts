// guests/asm/gicd.s: a guest drives the GICD register by register, on the
// bare-metal GIC (reference) and on the VM, where every GICD access traps
// and KVM's distributor emulation (hyp/vgic/vgic-mmio-v2.ts) answers it.
// What the architecture fixes must read the same on both; what it leaves to
// the implementation is listed in DIFFERENCES with the reason.
// test:cross: aarch64-linux-gnu-as, -ld, -objcopy (npm test: the bytes recorded in test/fixtures/cross/)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { BoardConfig } from '../../src/hw/board/board.ts';
import { GICD_IIDR_VALUE as HW_GICD_IIDR } from '../../src/hw/gic/distributor-mmio.ts';
import { GICD_IIDR_VALUE as KVM_GICD_IIDR } from '../../src/hyp/vgic/vgic-mmio-v2.ts';
import {
  ASM_GUEST_DIR,
  assembleGuest,
  gnuGuestBytes,
  hex,
  MACHINE_KINDS,
  type MachineKind,
  runAsmGuest,
  sym,
} from './helpers.ts';

/** Word offsets of `results` (guests/asm/gicd.s W_*), in order. */
const FIELDS = [
  'TYPER',
  'IIDR',
  'PIDR2',
  'CTLR',
  'SGIR_READ',
  'PRIO_BYTE',
  'PRIO_WORD',
  'PRIO_SGI',
  'TARGETS0',
  'TARGETS_PPI',
  'TARGET_SPI_BYTE',
  'TARGET_SPI_WORD',
  'ICFGR0',
  'ICFGR1',
  'ICFGR2_SET',
  'ICFGR2_CLR',
  'ISENABLER0',
  'ISENABLER1_SET',
  'ISENABLER1_CLR',
  'ISPENDR1_SET',
  'HPPIR_PENDING',
  'ISPENDR1_CLR',
  'IRQS_AFTER_CLR',
  'IRQS_AFTER_PEND',
  'ISPENDR1_AFTER_ACK',
  'DISABLED_PENDING',
  'IRQS_DISABLED',
  'IRQS_REENABLED',
  'IRQS_SGI',
  'HPPIR_IDLE',
  'ICFGR0_WRITE',
  'UNEXPECTED',
] as const;
type Field = (typeof FIELDS)[number];
type Results = Record<Field, number>;

const SPI = 40;
const SGI = 5;
const ALL_EDGE = 0xaaaa_aaaa; // Int_config[1] set for 16 interrupts
const bytes4 = (b: number): number => (b * 0x0101_0101) >>> 0;

/**
 * Legitimate differences between the bare-metal GIC and KVM's vgic:
 * - IIDR and the ICPIDR2 JEP106 bits name the implementer: the model's GIC
 *   claims none (ProductID 'V'), KVM reports Arm/'K'. Only ICPIDR2.ArchRev
 *   (GICv2 = 2) is architectural.
 * - ITARGETSR on a uniprocessor: GICv2 4.3.12 makes them RAZ/WI; KVM keeps
 *   1 << vcpu for private interrupts and masks SPI targets to the vcpus
 *   (so a one-vcpu VM reads 0x01 where hardware reads 0).
 * - legacy-edge (= linux-4.2) runs the old vgic of Linux 4.2
 *   (src/hyp/vgic/legacy, vgic-v2-emul.c): PPIs edge (ICFGR1), IIDR
 *   revision 0, no ID registers (ICPIDR2 reads 0), all 8 priority bits
 *   kept, one SPI target kept (the lowest bit written), and GICD_ICPENDR
 *   does not reach an LR that already holds the interrupt, so the SPI
 *   queued before the ICPENDR is still delivered (one delivery more).
 */
const LEGACY = 'legacy-edge';

function legacyExpected(cfg: BoardConfig, r: Results): Results {
  const lowest = (b: number) => (b === 0 ? 1 : b & -b);
  return {
    ...r,
    IIDR: 0x4b00043b,
    PIDR2: 0,
    PRIO_BYTE: 0xff,
    PRIO_WORD: 0x1234_5678,
    PRIO_SGI: 0xffff_ffff,
    TARGETS0: bytes4(0x01),
    TARGETS_PPI: bytes4(0x01),
    TARGET_SPI_BYTE: 1,
    TARGET_SPI_WORD: bytes4(cfg.cpus > 1 ? lowest(0xfe & ((1 << cfg.cpus) - 1)) : 1),
    ICFGR1: ALL_EDGE,
    IRQS_AFTER_CLR: r.IRQS_AFTER_CLR + 1,
    IRQS_AFTER_PEND: r.IRQS_AFTER_PEND + 1,
    IRQS_DISABLED: r.IRQS_DISABLED + 1,
    IRQS_REENABLED: r.IRQS_REENABLED + 1,
    IRQS_SGI: r.IRQS_SGI + 1,
  };
}
function expected(kind: MachineKind, cfg: BoardConfig): Results {
  const uni = cfg.cpus === 1;
  const cpuMask = (1 << cfg.cpus) - 1;
  const hwTargets = kind === 'reference' && uni;
  const r: Results = {
    TYPER: ((32 + cfg.spis) / 32 - 1) | ((cfg.cpus - 1) << 5), // ITLinesNumber, CPUNumber (GICv2 4.3.2)
    IIDR: kind === 'reference' ? HW_GICD_IIDR : KVM_GICD_IIDR,
    PIDR2: kind === 'reference' ? 0x20 : 0x2b, // ArchRev 2; JEP106 bits differ (see above)
    CTLR: 1,
    SGIR_READ: 0, // write-only
    PRIO_BYTE: 0xf8, // 5 priority bits implemented
    PRIO_WORD: 0x1030_5078, // 0x12345678 with each byte masked to 0xf8
    PRIO_SGI: 0xf8f8_f8f8,
    TARGETS0: hwTargets ? 0 : bytes4(0x01), // read-only: cpu 0's own bit
    TARGETS_PPI: hwTargets ? 0 : bytes4(0x01),
    TARGET_SPI_BYTE: hwTargets ? 0 : cpuMask, // 0xff masked to the implemented cpus
    TARGET_SPI_WORD: bytes4(0xfe & cpuMask),
    ICFGR0: ALL_EDGE, // SGIs are edge and read-only
    ICFGR0_WRITE: ALL_EDGE,
    ICFGR1: 0,
    ICFGR2_SET: ALL_EDGE, // Int_config[0] is reserved: only the odd bits stick
    ICFGR2_CLR: 0,
    ISENABLER0: 0xffff, // SGIs enabled at reset (IMPLEMENTATION DEFINED; both choose enabled)
    ISENABLER1_SET: 1 << (SPI - 32),
    ISENABLER1_CLR: 0,
    ISPENDR1_SET: 1 << (SPI - 32),
    HPPIR_PENDING: SPI,
    ISPENDR1_CLR: 0, // line low: ICPENDR clears the latch of a level interrupt
    IRQS_AFTER_CLR: 0, // ... and nothing is delivered
    IRQS_AFTER_PEND: 1,
    ISPENDR1_AFTER_ACK: 0, // the acknowledge cleared the latch
    DISABLED_PENDING: 1 << (SPI - 32), // pending shows while disabled
    IRQS_DISABLED: 1, // but is not forwarded
    IRQS_REENABLED: 2,
    IRQS_SGI: 3,
    HPPIR_IDLE: 1023,
    UNEXPECTED: 0,
  };
  return kind === LEGACY ? legacyExpected(cfg, r) : r;
}

/** Fields whose value the architecture fixes: reference and VM must agree on them. */
const ARCHITECTURAL = (cfg: BoardConfig, kind: MachineKind): Field[] =>
  FIELDS.filter(
    (f) =>
      f !== 'IIDR' &&
      f !== 'PIDR2' &&
      !(cfg.cpus === 1 && ['TARGETS0', 'TARGETS_PPI', 'TARGET_SPI_BYTE'].includes(f)) &&
      kind !== LEGACY,
  );

const CONFIGS: Partial<BoardConfig>[] = [
  { cpus: 1, spis: 64 },
  { cpus: 2, spis: 96 },
  { cpus: 4, spis: 224 },
];

const GICD_ACCESSES = readFileSync(join(ASM_GUEST_DIR, 'gicd.s'), 'utf8')
  .split('\n')
  .filter((l) => l.replace(/\/\/.*/, '').includes('[x19')).length;

describe('gicd.s (guest-driven GICD: bare-metal GIC vs KVM emulation)', () => {
  const img = assembleGuest('gicd.s');

  it('assembles to the same bytes as GNU as + ld', () => {
    assert.deepEqual(img.bytes, gnuGuestBytes(img, 'gicd.s'));
  });

  for (const partial of CONFIGS) {
    const runs = new Map<MachineKind, Results>();
    for (const kind of MACHINE_KINDS) {
      it(`${kind}, ${partial.cpus} cpu(s), ${partial.spis} SPIs: every GICD observation`, (t) => {
        const { m, end } = runAsmGuest(kind, img, partial);
        const cfg = m.board.config;
        assert.equal(end, 'poweroff');
        const base = sym(img, 'results');
        const got = {} as Results;
        FIELDS.forEach((f, i) => {
          got[f] = m.read32(base + 4 * i);
        });
        const exp = expected(kind, cfg);
        for (const f of FIELDS)
          assert.equal(got[f], exp[f], `${f}: got ${hex(got[f])}, expected ${hex(exp[f])}`);
        // The handler's IAR log: SPI 40 twice, then SGI 5 from cpu 0 (CPUID 0).
        const iars = sym(img, 'iars');
        const spis = kind === LEGACY ? [SPI, SPI, SPI] : [SPI, SPI];
        assert.deepEqual(
          [0, 1, 2, 3].map((i) => m.read32(iars + 4 * i)),
          kind === LEGACY ? [...spis, SGI] : [...spis, SGI, 0],
        );
        assert.deepEqual(
          m.acks().map((a) => [a.cpu, a.intid, a.source]),
          [...spis.map(() => [0, SPI, 0]), [0, SGI, 0]],
        );
        if (m.vm) {
          // Straight-line code: every `[x19, ...]` access (x19 = GICD base) runs once and traps once.
          const n = m.vm.counters.exits['mmio-gicd'];
          assert.equal(n, GICD_ACCESSES, 'one exit per GICD access');
          t.diagnostic(`${kind}: ${n} GICD exits, ${m.instructions()} instructions`);
        }
        runs.set(kind, got);
      });
    }

    it(`${partial.cpus} cpu(s): the VM agrees with the reference on every architectural field`, () => {
      const ref = runs.get('reference');
      assert.ok(ref && runs.size === MACHINE_KINDS.length, 'all runs above completed');
      const cfg = { cpus: partial.cpus ?? 1 } as BoardConfig;
      for (const kind of MACHINE_KINDS) {
        const got = runs.get(kind)!;
        for (const f of ARCHITECTURAL(cfg, kind)) assert.equal(got[f], ref[f], `${kind} ${f}`);
        if (kind !== LEGACY) assert.equal((got.PIDR2 >>> 4) & 0xf, 2, `${kind}: ICPIDR2.ArchRev = GICv2`);
      }
    });
  }
});
