// guests/asm/gicv3.s (and gicv3-smp.s, two cpus): a bare-metal guest drives a GICv3 (distributor,
// redistributor, ICC system registers) on the reference machine with
// `gic: v3`, and the same bytes run under qemu-system-aarch64 -M
// virt,gic-version=3 (recorded: `npm test` replays
// test/fixtures/cross/qemu-gicv3.json, `npm run test:cross` runs QEMU). The
// guest prints its observations on the PL011; both consoles must agree but
// for the differences listed in DIFFERENCES, with the reason.
// test:cross: qemu-system-aarch64 (npm test: test/fixtures/cross/qemu-gicv3.json)

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_BOARD } from '../../src/hw/board/board.ts';
import { assemble } from '../../src/hw/cpu/asm/index.ts';
import { ReferenceMachine } from '../../src/reference/machine.ts';
import { missingTool, recorded } from '../cross/recorded.ts';
import { ASM_GUEST_DIR, GUEST_BASE, LIMITS } from './helpers.ts';

const guest = (name: string) =>
  assemble(readFileSync(join(ASM_GUEST_DIR, name), 'utf8'), { base: GUEST_BASE });
const IMAGE = guest('gicv3.s');
const SMP_IMAGE = guest('gicv3-smp.s');
/** QEMU virt has 256 INTIDs (GICD_TYPER.ITLinesNumber 7): the reference machine is given as many. */
const SPIS = 224;

/** The guest's log, in order (guests/asm/gicv3.s). */
const EXPECTED: readonly (readonly [string, number])[] = [
  ['GICD_CTLR at reset: ARE, DS', 0x50],
  ['GICD_TYPER.ITLinesNumber', 7],
  ['GICD_TYPER.IDbits', 15],
  ['GICD_PIDR2.ArchRev', 3],
  ['GICR_TYPER: Processor_Number 0, Last', 0x10],
  ['GICR_TYPER.Affinity_Value', 0],
  ['GICR_WAKER at reset: ProcessorSleep, ChildrenAsleep', 6],
  ['ICC_CTLR_EL1: PRIbits 4, IDbits 0, A3V', 0x8400],
  ['ICC_SRE_EL1: SRE, DFB, DIB', 7],
  ['ICC_PMR_EL1 at reset', 0],
  ['ICC_BPR0_EL1 at reset (minimum)', 2],
  ['ICC_BPR1_EL1 at reset (minimum)', 3],
  ['GICR_IGROUPR0 at reset', 0],
  ['ID_AA64PFR0_EL1.GIC: the GICv3 system registers', 1],
  ['GICD_IGROUPR1 at reset', 0],
  ['ICC_HPPIR1_EL1 after ICC_SGI1R_EL1 to self', 5],
  ['GICR_ISPENDR0', 1 << 5],
  ['ICC_IAR1_EL1', 5],
  ['ICC_RPR_EL1 in the handler', 0xa0],
  ['GICR_ISACTIVER0 after ICC_EOIR1_EL1', 0],
  ['ICC_IAR1_EL1: the virtual timer', 27],
  ['ICC_RPR_EL1', 0x80],
  ['GICR_ISACTIVER0 after EOI', 0],
  ['GICD_IROUTER40 = Aff0 5', 5],
  ['ICC_HPPIR1_EL1: SPI 40 routed to no cpu', 1023],
  ['ICC_IAR1_EL1: SPI 40 routed to cpu 0', 40],
  ['ICC_RPR_EL1', 0],
  ['GICR_ISACTIVER0', 0],
  ['ICC_IAR1_EL1 (EOImode = 1)', 6],
  ['GICR_ISACTIVER0 after EOIR1: still active', 1 << 6],
  ['GICR_ISACTIVER0 after ICC_DIR_EL1', 0],
  ['ICC_CTLR_EL1 with EOImode', 0x8402],
  ['interrupts taken', 4],
];

/**
 * Where QEMU (7.2) and the model differ, both within the architecture:
 * ICC_CTLR_EL1.IDbits: QEMU reports 24 INTID bits (IDbits = 1) while its
 * GICD_TYPER.IDbits says 16; the model says 16 in both.
 */
const DIFFERENCES: ReadonlyMap<string, number> = new Map([
  ['ICC_CTLR_EL1: PRIbits 4, IDbits 0, A3V', 0x8c00],
  ['ICC_CTLR_EL1 with EOImode', 0x8c02],
]);

const hex8 = (v: number) => v.toString(16).padStart(8, '0');

/** gicv3-smp.s: cpu 0's log, then cpu 1's. */
const SMP_EXPECTED: readonly (readonly [string, number])[] = [
  ['cpu 0 ICC_IAR1_EL1: SGI 3, cpu 1 is ready', 3],
  ['PSCI CPU_ON: SUCCESS', 0],
  ["cpu 0 ICC_IAR1_EL1: SGI 3, cpu 1's answer to SGI 2", 3],
  ['cpu 0 GICR_ISPENDR0 after SGI 4 with IRM = 1: not to self', 0],
  ['cpu 0 ICC_IAR1_EL1: SGI 3, cpu 1 is done', 3],
  ['GICR_TYPER of cpu 0: Processor_Number 0', 0],
  ['GICR_TYPER of cpu 1: Processor_Number 1, Last', 0x110],
  ['GICR_TYPER of cpu 1: Affinity_Value', 1],
  ['cpu 1 ICC_IAR1_EL1: SGI 2 by target list', 2],
  ['cpu 1 ICC_IAR1_EL1: SGI 4 by IRM = 1', 4],
  ['cpu 1 ICC_IAR1_EL1: SPI 41 routed by GICD_IROUTER41 = 1', 41],
];

function referenceConsole(image = IMAGE, cpus = 1): string {
  const ref = new ReferenceMachine({ board: { ...DEFAULT_BOARD, cpus, spis: SPIS, gic: 'v3' } });
  ref.load(GUEST_BASE, image.bytes, image.entry);
  const r = ref.run(LIMITS);
  assert.equal(r.end, 'poweroff');
  return r.uart;
}

function qemuConsole(image = IMAGE, name = 'gicv3.s', cpus = 1): string {
  const args = ['-M', 'virt,gic-version=3,its=off', '-cpu', 'max', '-icount', 'shift=0,sleep=off'];
  if (cpus > 1) args.push('-smp', String(cpus));
  return recorded(
    {
      store: 'qemu-gicv3',
      what: `guests/asm/${name} under qemu-system-aarch64 ${args.join(' ')}`,
      tools: ['qemu-system-aarch64'],
      inputs: { recipe: [...args, '-nographic', '-no-reboot', '-kernel'], kernel: image.bytes },
    },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'vgicsim-gicv3-'));
      try {
        writeFileSync(join(dir, 'k'), image.bytes);
        const all = [...args, '-nographic', '-no-reboot', '-kernel', join(dir, 'k')];
        return execFileSync('qemu-system-aarch64', all, {
          encoding: 'utf8',
          timeout: 60_000,
          stdio: 'pipe',
        }).replaceAll('\r', '');
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') throw missingTool('qemu-system-aarch64');
        throw e;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}

describe('guests/asm/gicv3.s: a GICv3 driven through its registers', () => {
  it('on the reference machine (gic: v3) every observation is the expected one', () => {
    const lines = referenceConsole().trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l, i) => `${EXPECTED[i]?.[0] ?? '?'}: ${l}`),
      EXPECTED.map(([name, v]) => `${name}: ${hex8(v)}`),
    );
  });

  it('the ICC_IAR1_EL1 reads are in the acknowledgement log', () => {
    const ref = new ReferenceMachine({ board: { ...DEFAULT_BOARD, spis: SPIS, gic: 'v3' } });
    ref.load(GUEST_BASE, IMAGE.bytes, IMAGE.entry);
    const r = ref.run(LIMITS);
    assert.deepEqual(
      r.acks.map((a) => a.intid),
      [5, 27, 40, 6],
    );
  });

  it('qemu-system-aarch64 -M virt,gic-version=3 prints the same, but for the listed differences', () => {
    const expected = EXPECTED.map(([name, v]) => hex8(DIFFERENCES.get(name) ?? v));
    assert.deepEqual(qemuConsole().trimEnd().split('\n'), expected);
  });
});

describe('guests/asm/gicv3-smp.s: two cpus, SGIs by target list and IRM, an SPI routed to cpu 1', () => {
  it('on the reference machine (gic: v3, 2 cpus) every observation is the expected one', () => {
    const lines = referenceConsole(SMP_IMAGE, 2).trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l, i) => `${SMP_EXPECTED[i]?.[0] ?? '?'}: ${l}`),
      SMP_EXPECTED.map(([name, v]) => `${name}: ${hex8(v)}`),
    );
  });

  it('qemu-system-aarch64 -M virt,gic-version=3 -smp 2 prints the same', () => {
    assert.deepEqual(
      qemuConsole(SMP_IMAGE, 'gicv3-smp.s', 2).trimEnd().split('\n'),
      SMP_EXPECTED.map(([, v]) => hex8(v)),
    );
  });
});
