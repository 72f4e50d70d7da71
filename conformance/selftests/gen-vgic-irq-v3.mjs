// vgic_irq in its original GICv3 form (vgic_irq_v3/): every check of
// gen-vgic-irq.mjs written for the ICC_* system registers, and what only a
// GICv3 guest can do: SGIs by ICC_SGI1R_EL1 or GICR_ISPENDR0, PPIs by
// KVM_IRQ_LINE (to one vcpu) or GICR_ISPENDR0, more nested active SGIs and
// PPIs than list registers, and the latest selftest's two-vcpu
// deactivation (IHI 0069 12.2.x ICC_*, 12.11 GICR_*; 4.1.2 priority drop
// and deactivation with ICC_CTLR_EL1.EOImode). LPIs are not modelled.

import { V3 } from './gic-flavor.mjs';
import {
  ACK_LOG,
  base,
  byText,
  DONE_LOG,
  guest,
  HANDLER_NOTE,
  handler,
  inject,
  lowerHost,
  memLog,
  modeText,
  polledPreemption,
  useFlavor,
  vgicIrqChecks,
} from './gen-vgic-irq.mjs';
import { emit, POWEROFF, VECTORS } from './lib.mjs';
import { GIC_BIT_V3, preludeV3 } from './lib-v3.mjs';

const hex = (n) => `0x${n.toString(16)}`;
const SGIS = Array.from({ length: 16 }, (_, i) => i);

/** test_injection for SGIs: SGI 0 alone, then all 16 at once (priorities i << 3: in INTID order). */
function sgiInjection(eoiMode, by) {
  const prios = Object.fromEntries(SGIS.map((i) => [i, i << 3]));
  const a = inject('inject_first', [0], { by, level: false });
  const b = inject('inject_all', SGIS, { by, level: false });
  const acks = [0, ...SGIS];
  return base({
    file: `sgi-injection-edge-eoimode${eoiMode}-${by}`,
    check: `test_injection: SGIs, ${eoiMode ? 'eoi_split' : 'EOImode 0'}, ${by === 'sgi1r' ? 'ICC_SGI1R_EL1' : 'ISPENDR'}`,
    mirrors: `vgic_irq test_injection for SGIs (${by === 'sgi1r' ? 'the guest sending them to itself' : 'KVM_WRITE_ISPENDR: the pending bits of the redistributor'}): SGI 0 alone, then all 16 at once, priorities (i mod 31) << 3; each handled exactly once; active after ack, not pending after ack, neither after EOI${eoiMode ? ' and DIR' : ''}; IAR empty afterwards`,
    header: `SGIs (edge), ${modeText(eoiMode)}, made pending by ${byText(by, true)}.
With IRQs masked the guest makes SGI 0 pending and waits (WFI, unmask,
mask) until it is handled; then all 16 SGIs at once with priorities i << 3
(0x00 for SGI 0 .. 0x78 for SGI 15), which must come in INTID order. Each
exactly once; 16 pending at once with 4 list registers.

${HANDLER_NOTE(eoiMode, false)}`,
    description: `SGIs by ${by}, EOImode ${eoiMode}: SGI 0, then all 16 at once, each once`,
    g: guest({
      eoiMode,
      level: false,
      prios,
      main: `${a.code}
    mov     x0, #1
    bl      wfi_until
${b.code}
    mov     x0, #17
    bl      wfi_until`,
      h: handler({ eoiMode }),
    }),
    host: [],
    acks,
    regs: { x22: 17 },
    memory: { ...memLog(ACK_LOG, acks), ...memLog(DONE_LOG, acks) },
  });
}

/** test_injection for PPIs (level): PPI 16 alone, then 17..20 at once with rising priorities. */
function ppiInjection(eoiMode, by) {
  const batch = [17, 18, 19, 20];
  const prios = { 17: 0x40, 18: 0x30, 19: 0x20, 20: 0x10 };
  const a = inject('inject_first', [16], { by, level: true });
  const b = inject('inject_batch', batch, { by, level: true });
  const lowers = by === 'irqline';
  const acks = [16, 20, 19, 18, 17];
  return base({
    file: `ppi-injection-level-eoimode${eoiMode}-${by}`,
    check: `test_injection: PPIs, level, ${eoiMode ? 'eoi_split' : 'EOImode 0'}, ${by === 'irqline' ? 'KVM_IRQ_LINE' : 'ISPENDR'}`,
    mirrors: `vgic_irq test_injection for PPIs (level, ${by === 'irqline' ? 'KVM_SET_IRQ_LINE with the vcpu in the irq field' : 'KVM_WRITE_ISPENDR: the pending latch of a level PPI'}): the first PPI, then several at once, each handled exactly once in priority order; active after ack, not pending after ack, neither after EOI${eoiMode ? ' and DIR' : ''}`,
    header: `Level-sensitive PPIs of vcpu 0, ${modeText(eoiMode)}, made pending by
${byText(by, true)}${lowers ? ' (the handler has the host lower the line\nbefore EOI)' : ' (the pending latch: the line stays low)'}. PPI 16 alone, then 17..20 at
once with priorities 0x40, 0x30, 0x20, 0x10: handled 20, 19, 18, 17.

${HANDLER_NOTE(eoiMode, lowers)}`,
    description: `level PPIs by ${by}, EOImode ${eoiMode}: each delivered once, in priority order`,
    g: guest({
      eoiMode,
      level: true,
      prios,
      main: `${a.code}
    mov     x0, #1
    bl      wfi_until
${b.code}
    mov     x0, #5
    bl      wfi_until`,
      h: handler({ eoiMode, lowerAt: lowers ? [16, ...batch] : [] }),
    }),
    host: [...a.host, ...b.host, ...(lowers ? lowerHost([16, ...batch]) : [])],
    acks,
    regs: { x22: 5 },
    memory: { ...memLog(ACK_LOG, acks), ...memLog(DONE_LOG, acks) },
  });
}

const FLAG_EOID = 0x40100300;
const FLAG_DIRD = 0x40100304;

/**
 * guest_code_asym_dir (the latest selftest, 2 vcpus, EOImode 1): vcpu 0
 * acknowledges SPI 32 and drops its priority (EOIR); vcpu 1 deactivates it
 * (ICC_DIR_EL1); vcpu 0 then sees it inactive.
 */
function asymDir() {
  const v0 = `${preludeV3({ eoiMode: 1 })}
    mov     w0, #1
    str     w0, [x19, #0x104]       // GICD_ISENABLER1: SPI 32
    ldr     w0, =0xaaaaaaaa
    str     w0, [x19, #0xc08]       // GICD_ICFGR2: SPIs 32..47 edge
    mov     w0, #0xa0
    strb    w0, [x19, #0x420]       // GICD_IPRIORITYR: SPI 32 at 0xa0
    str     xzr, [x19, #0x6100]     // GICD_IROUTER32: Aff 0.0.0.0 (vcpu 0)
    msr     daifset, #2
    mov     w0, #1
    str     w0, [x19, #0x204]       // GICD_ISPENDR1: SPI 32
1:  mrs     x2, icc_iar1_el1        // ICC_IAR1_EL1 (IRQs masked: polled)
    and     w3, w2, #0xffffff
    cmp     w3, #1023
    b.ne    2f
    wfi
    b       1b
2:  cmp     w3, #32
    b.eq    3f
    add     x23, x23, #1            // error: not SPI 32
3:  mov     x4, #0x300
    bl      gicd_bit
    cbnz    w7, 4f
    add     x23, x23, #1            // error: not active after IAR
4:  msr     icc_eoir1_el1, x2       // ICC_EOIR1_EL1: priority drop only (EOImode 1)
    isb
    mrs     x26, s3_0_c12_c9_0      // ICC_AP1R0_EL1: 0 after the drop
    bl      gicd_bit
    add     x25, x25, x7            // still active after EOIR: x25 = 1
    ldr     x0, =${hex(FLAG_EOID)}
    mov     w1, #1
    str     w1, [x0]                // tell vcpu 1: dropped, deactivate it
5:  ldr     x0, =${hex(FLAG_DIRD)}
    ldr     w1, [x0]
    cbz     w1, 5b                  // until vcpu 1 has written ICC_DIR_EL1
    bl      gicd_bit
    add     x25, x25, x7            // error if still active: x25 = 2
    mrs     x27, icc_iar1_el1       // nothing left: 1023
${POWEROFF}
${GIC_BIT_V3}
irq:
    add     x23, x23, #100          // IRQs are masked: never taken
    eret
${VECTORS}`;
  const v1 = `${preludeV3({ eoiMode: 1 })}
    msr     daifset, #2
    ldr     x0, =${hex(FLAG_EOID)}
1:  ldr     w1, [x0]
    cbz     w1, 1b                  // until vcpu 0 has dropped SPI 32's priority
    mov     x2, #32
dir_32:
    msr     icc_dir_el1, x2         // ICC_DIR_EL1: deactivate SPI 32, active on vcpu 0
    isb
    ldr     x0, =${hex(FLAG_DIRD)}
    mov     w1, #1
    str     w1, [x0]
2:  wfi
    b       2b
irq:
    eret
${VECTORS}`;
  return emit({
    dir: V3.folder,
    file: 'asym-dir-2vcpu-eoimode1',
    header: `Two vcpus, EOImode 1 (the latest selftest's guest_code_asym_dir). vcpu 0
makes SPI 32 pending (GICD_ISPENDR1), polls ICC_IAR1_EL1 with IRQs masked
until it gets 32, checks it active, drops its priority (ICC_EOIR1_EL1:
ICC_AP1R0_EL1 reads 0, x26; still active) and hands over through memory;
vcpu 1 writes ICC_DIR_EL1 with 32: a deactivation of an interrupt that is
active on another vcpu. KVM (6.19) sets ICH_HCR_EL2.TDIR while any SPI is
active, so the write traps; vgic_v3_deactivate then ends the SPI as a
GICD_ICACTIVER write would (every vcpu in the guest exits and syncs).
vcpu 0 then finds SPI 32 inactive: x25 counts the times it read active
after the drop (1: right after EOIR; 2 would be after vcpu 1's DIR).
x23 counts errors, x27 = ICC_IAR1_EL1 at the end (1023).`,
    description: 'SPI 32 acknowledged and dropped on vcpu 0, deactivated by ICC_DIR_EL1 on vcpu 1',
    conformance: {
      check: 'guest_code_asym_dir: DIR from the other vcpu, eoi_split',
      mirrors:
        'vgic_irq (latest) asym_dir test: with EOImode 1 an SPI acknowledged and priority-dropped on vcpu 0 is deactivated by ICC_DIR_EL1 written on vcpu 1; vcpu 0 then sees it inactive',
    },
    machine: { gic: 'v3', vcpus: 2, start: 'all', spis: 64, nLR: 4, limits: { ticks: 400000, instructions: 4000000 } },
    guest: { vcpu0: v0, vcpu1: v1 },
    host: [],
    expect: {
      acknowledged: { vcpu0: [32] },
      registers: { vcpu0: { x23: 0, x25: 1, x26: 0, x27: 1023 } },
      memory: { [hex(FLAG_EOID)]: 1, [hex(FLAG_DIRD)]: 1 },
      exit: 'poweroff',
      divergence: 'none',
    },
  });
}

const JOIN = 0x40100400;

/** Both vcpus count themselves in at JOIN; vcpu 0 powers off once both have, vcpu 1 parks. */
const JOIN_CODE = `
    ldr     x3, =${hex(JOIN)}         // vcpus finished
1:  ldxr    w2, [x3]
    add     w2, w2, #1
    stxr    w4, w2, [x3]
    cbnz    w4, 1b
    mrs     x0, mpidr_el1
    ands    x0, x0, #0xff
    b.ne    park
2:  ldr     w2, [x3]
    cmp     w2, #2
    b.lo    2b                      // vcpu 0 waits for both
${POWEROFF}
park:
    wfi
    b       park`;

/**
 * guest_code_group_en (the latest selftest, 2 vcpus, each on its own
 * SGIs): SGI 0 is Group 0 with Group 0 disabled at the CPU interface; all
 * 16 SGIs pending, priorities (i + 1) * 8; the 15 Group 1 ones are
 * acknowledged and ended; SGI 0 stays pending and inactive, IAR1 and IAR0
 * read 1023; ICC_IGRPEN0_EL1 = 1 then lets IAR0 return SGI 0.
 */
function groupEnable() {
  const g = `${preludeV3({ eoiMode: 0, grp0: true })}
    msr     daifset, #3             // IRQ and FIQ masked (Group 0 would be an FIQ): polled
    ldr     w0, =0xfffffffe
    str     w0, [x18, #0x80]        // GICR_IGROUPR0: SGI 0 Group 0, the rest Group 1
${SGIS.map((i) => `    mov     w0, #${hex((i + 1) * 8)}
    strb    w0, [x18, #${hex(0x400 + i)}]       // GICR_IPRIORITYR: SGI ${i} at ${hex((i + 1) * 8)}`).join('\n')}
    ldr     w0, =0xffff
    str     w0, [x18, #0x100]       // GICR_ISENABLER0: SGIs 0..15
    str     w0, [x18, #0x200]       // GICR_ISPENDR0: SGIs 0..15 pending
    mov     x20, #0
1:  mrs     x2, icc_iar1_el1        // ICC_IAR1_EL1 (polled)
    and     w3, w2, #0xffffff
    cmp     w3, #1023
    b.ne    2f
    wfi
    b       1b
2:  cmp     w3, #16
    b.lo    3f
    add     x23, x23, #1            // error: not an SGI
3:  cbnz    w3, 4f
    add     x23, x23, #1            // error: SGI 0 is Group 0, disabled
4:  add     x22, x22, #1
    msr     icc_eoir1_el1, x2       // ICC_EOIR1_EL1
    isb
    add     x20, x20, #1
    cmp     x20, #15
    b.lo    1b
    mov     x3, #0
    mov     x4, #0x200
    bl      gicd_bit                // GICR_ISPENDR0: SGI 0
    mov     x25, x7                 // SGI 0 still pending: 1
    mov     x4, #0x300
    bl      gicd_bit                // GICR_ISACTIVER0
    add     x23, x23, x7            // error: SGI 0 active
    mrs     x27, icc_iar1_el1       // ICC_IAR1_EL1: 1023
    mrs     x26, s3_0_c12_c8_0      // ICC_IAR0_EL1: 1023 (Group 0 disabled)
    mov     x0, #1
    msr     icc_igrpen0_el1, x0     // ICC_IGRPEN0_EL1: Group 0 on
    isb
5:  mrs     x2, s3_0_c12_c8_0       // ICC_IAR0_EL1 (polled)
    and     w21, w2, #0xffffff
    cmp     w21, #1023
    b.ne    6f
    wfi
    b       5b
6:  msr     s3_0_c12_c8_1, x2       // ICC_EOIR0_EL1
    isb
${JOIN_CODE}
${GIC_BIT_V3}
irq:
    add     x23, x23, #100          // IRQs are masked: never taken
    eret
${VECTORS}`;
  const acks = [...SGIS.slice(1), 0];
  const regs = { x21: 0, x22: 15, x23: 0, x25: 1, x26: 1023, x27: 1023 };
  return emit({
    dir: V3.folder,
    file: 'group-enable-2vcpu',
    header: `Two vcpus, each on its own SGIs (the latest selftest's guest_code_group_en).
SGI 0 is Group 0 (GICR_IGROUPR0 bit 0 clear) while ICC_IGRPEN0_EL1 is 0;
all 16 SGIs are made pending (GICR_ISPENDR0) with priorities (i + 1) * 8,
IRQ and FIQ masked. The guest acknowledges (ICC_IAR1_EL1, polled) and ends
(ICC_EOIR1_EL1) the 15 Group 1 SGIs (x22 = 15; SGI 0 or a non-SGI counts
an error in x23); then SGI 0 is still pending (x25 = 1) and inactive, and
ICC_IAR1_EL1 and ICC_IAR0_EL1 both read 1023 (x27, x26). Once
ICC_IGRPEN0_EL1 = 1, ICC_IAR0_EL1 returns SGI 0 (x21 = 0), ended by
ICC_EOIR0_EL1. Enabling a group must make its pending interrupt visible
(KVM's VGrp0EIE/VGrp0DIE maintenance, or the LR already in place).`,
    description: 'Group 0 SGI held back while Group 0 is disabled, acknowledged through IAR0 once ICC_IGRPEN0_EL1 is set',
    conformance: {
      check: 'guest_code_group_en: Group 0 SGI after ICC_IGRPEN0_EL1, 2 vcpus',
      mirrors:
        'vgic_irq (latest) group_en test: with SGI 0 in the disabled Group 0 and SGIs 1..15 in Group 1 all pending, only the Group 1 ones are acknowledged; SGI 0 stays pending and inactive, IAR1 and IAR0 read spurious; after ICC_IGRPEN0_EL1 = 1, IAR0 returns SGI 0',
    },
    machine: { gic: 'v3', vcpus: 2, start: 'all', spis: 64, nLR: 4, limits: { ticks: 400000, instructions: 4000000 } },
    guest: { vcpu0: g, vcpu1: { same: 'vcpu0' } },
    host: [],
    expect: {
      acknowledged: { vcpu0: acks, vcpu1: acks },
      registers: { vcpu0: regs, vcpu1: regs },
      memory: { [hex(JOIN)]: 2 },
      exit: 'poweroff',
      divergence: 'none',
    },
  });
}

/**
 * guest_code_timer_spi (the latest selftest, 2 vcpus, EOImode 1): an SPI
 * made pending (disabled) so that KVM traps ICV_DIR_EL1; the virtual timer
 * (PPI 27, higher priority) expired and pending; both enabled: the timer is
 * acknowledged first; the guest masks it (CTL = 0) and it is no longer
 * pending; EOIR then DIR deactivate it (the HW-mapped interrupt's physical
 * deactivation through a trapped DIR); then the SPI is acknowledged and ended.
 */
function timerSpi() {
  const g = `${preludeV3({ eoiMode: 1 })}
    msr     daifset, #2             // polled
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    add     x9, x9, #32             // this vcpu's SPI: 32 + vcpu
    lsl     x10, x9, #3
    add     x10, x10, x19
    mrs     x11, mpidr_el1
    and     x11, x11, #0xff
    str     x11, [x10, #0x6000]     // GICD_IROUTER<32 + vcpu>: this vcpu (Aff0)
    add     x10, x19, x9
    mov     w0, #0xf0
    strb    w0, [x10, #0x400]       // GICD_IPRIORITYR: the SPI at 0xf0
    mov     w0, #1
    lsl     w0, w0, w9              // its bit in GICD_I[S]xR1 (INTID mod 32)
    str     w0, [x19, #0x204]       // GICD_ISPENDR1: the SPI pending (not yet enabled)
    mov     w0, #0xe8
    strb    w0, [x18, #0x41b]       // GICR_IPRIORITYR: PPI 27 at 0xe8 (higher)
    isb
    mrs     x0, cntvct_el0
    msr     cntv_cval_el0, x0       // CVAL = now: expired
    mov     x0, #1
    msr     cntv_ctl_el0, x0        // CTL = ENABLE
    isb
    mov     x3, #27
    mov     x4, #0x200
1:  bl      gicd_bit                // GICR_ISPENDR0: PPI 27 pending (the line reaches the vgic)
    cbz     w7, 1b
    mov     w0, #1
    lsl     w0, w0, w9
    str     w0, [x19, #0x104]       // GICD_ISENABLER1: the SPI
    mov     w0, #0x8000000
    str     w0, [x18, #0x100]       // GICR_ISENABLER0: PPI 27
2:  mrs     x2, icc_iar1_el1        // ICC_IAR1_EL1 (polled)
    and     w3, w2, #0xffffff
    cmp     w3, #1023
    b.ne    3f
    wfi
    b       2b
3:  mov     x25, x3                 // the first acknowledged: 27
    msr     cntv_ctl_el0, xzr       // CTL = 0: the timer's line goes low
    isb
    mov     x3, #27
    mov     x4, #0x200
    bl      gicd_bit
    add     x23, x23, x7            // error: PPI 27 still pending
    msr     icc_eoir1_el1, x2       // ICC_EOIR1_EL1: priority drop
    msr     icc_dir_el1, x2         // ICC_DIR_EL1: deactivate (virtual and physical)
    isb
    mov     x4, #0x300
    bl      gicd_bit
    add     x23, x23, x7            // error: PPI 27 still active
4:  mrs     x2, icc_iar1_el1        // the SPI next
    and     w3, w2, #0xffffff
    cmp     w3, #1023
    b.ne    5f
    wfi
    b       4b
5:  mov     x26, x3                 // the second acknowledged: 32 + vcpu
    sub     x26, x26, x9            // 0 when it is this vcpu's SPI
    msr     icc_eoir1_el1, x2
    msr     icc_dir_el1, x2
    isb
    mov     x4, #0x300
    bl      gicd_bit
    add     x23, x23, x7            // error: the SPI still active
    mrs     x27, icc_iar1_el1       // nothing left: 1023
${JOIN_CODE}
${GIC_BIT_V3}
irq:
    add     x23, x23, #100          // IRQs are masked: never taken
    eret
${VECTORS}`;
  const regs = { x23: 0, x25: 27, x26: 0, x27: 1023 };
  return emit({
    dir: V3.folder,
    file: 'timer-spi-2vcpu-eoimode1',
    header: `Two vcpus, EOImode 1 (the latest selftest's guest_code_timer_spi). Each
vcpu routes SPI 32 + vcpu to itself (GICD_IROUTER) and makes it pending
while disabled (so that KVM traps ICV_DIR_EL1 while SPIs are active or
outside the LRs); programs the virtual timer already expired (CVAL = now)
with PPI 27 at priority 0xe8, above the SPI's 0xf0, and waits until
GICR_ISPENDR0 shows PPI 27 pending; then enables both. With IRQs masked it
polls ICC_IAR1_EL1: the timer first (x25 = 27); it masks the timer (CTL =
0: no longer pending), ends it with ICC_EOIR1_EL1 and ICC_DIR_EL1 (for the
HW-mapped interrupt the physical one is deactivated too) and finds it
inactive; then the SPI (x26 = INTID - (32 + vcpu) = 0), EOIR and DIR,
inactive; ICC_IAR1_EL1 then reads 1023 (x27). x23 counts errors.`,
    description: 'the virtual timer (HW-mapped PPI 27) ended by EOIR + DIR with an SPI pending, on both vcpus',
    conformance: {
      check: 'guest_code_timer_spi: timer PPI deactivated by DIR beside a pending SPI, 2 vcpus',
      mirrors:
        'vgic_irq (latest) timer_spi test: with an SPI pending so that DIR traps, the expired virtual timer (higher priority) is acknowledged first, stops being pending once masked, and EOIR + DIR deactivate it; then the SPI is acknowledged',
    },
    machine: { gic: 'v3', vcpus: 2, start: 'all', spis: 64, nLR: 4, limits: { ticks: 400000, instructions: 4000000 } },
    guest: { vcpu0: g, vcpu1: { same: 'vcpu0' } },
    host: [],
    expect: {
      acknowledged: { vcpu0: [27, 32], vcpu1: [27, 33] },
      registers: { vcpu0: regs, vcpu1: regs },
      memory: { [hex(JOIN)]: 2 },
      exit: 'poweroff',
      divergence: 'none',
    },
  });
}

export function vgicIrqV3Checks() {
  const files = vgicIrqChecks(V3);
  useFlavor(V3);
  for (const eoiMode of [0, 1]) for (const by of ['sgi1r', 'ispendr']) files.push(sgiInjection(eoiMode, by));
  for (const eoiMode of [0, 1]) for (const by of ['irqline', 'ispendr']) files.push(ppiInjection(eoiMode, by));
  files.push(polledPreemption('edge', 0, 'sgi1r', 16, { first: 0, kind: 'sgi' }));
  files.push(polledPreemption('edge', 1, 'ispendr', 16, { first: 0, kind: 'sgi' }));
  files.push(polledPreemption('level', 1, 'irqline', 9, { first: 16, kind: 'ppi' }));
  files.push(polledPreemption('level', 0, 'ispendr', 9, { first: 16, kind: 'ppi' }));
  files.push(asymDir());
  files.push(groupEnable(), timerSpi());
  return files;
}
