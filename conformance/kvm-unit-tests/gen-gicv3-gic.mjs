// Builders of conformance/kvm-unit-tests/gicv3/: kvm-unit-tests' arm/gic
// checks (the GICv2 ones are in ../gic/) in the form arm/gic.c takes on a
// GICv3 (gicv3_enable_defaults, gicv3_ipi_send_mask, ICC_IAR1/EOIR1), with
// new guests written from the GICv3 architecture (IHI 0069). Called by
// gen-gicv3.mjs.

/** The header line each builder writes about linux-4.2/4.3; yamlFile replaces it with the file's own. */
const OLD_ERA = 'linux-4.2 and linux-4.3: see OLD_VGIC_V3.';

/**
 * The checks linux-4.2 and linux-4.3 fail on their vgic-v3 (the old vgic.c
 * with vgic-v3-emul.c), with the note saying why; as their GICv2 forms
 * under the same generations. Every other check passes there.
 */
const OLD_VGIC_V3 = {
  'active-running-priority': [
    'old-vgic-bitmaps',
    'they fail it: GICR_ICACTIVER0 is RAZ/WI in that emulation and every LR has priority 0, so SGI 3 does not preempt.',
  ],
  'mmio-ipriorityr-1cpu': ['old-vgic-priority', 'they fail it: IPRIORITYR keeps all 8 bits (0xff reads 0xff, not 0xf8).'],
  'mmio-ipriorityr-3cpu': ['old-vgic-priority', 'they fail it: IPRIORITYR keeps all 8 bits (0xff reads 0xff, not 0xf8).'],
  'mmio-ipriorityr-8cpu': ['old-vgic-priority', 'they fail it: IPRIORITYR keeps all 8 bits (0xff reads 0xff, not 0xf8).'],
};

function oldEra(name) {
  const o = OLD_VGIC_V3[name];
  return o === undefined
    ? ['linux-4.2 and linux-4.3 run it on the old vgic.c with vgic-v3-emul.c and pass.']
    : ['linux-4.2 and linux-4.3 run it on the old vgic.c with vgic-v3-emul.c;', o[1]];
}
const hex = (n) => `0x${n.toString(16)}`;
const indent = (s) =>
  s
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

/**
 * Per-cpu GICv3 bring-up, as kvm-unit-tests' gicv3_enable_defaults does it
 * (plus the redistributor wake-up a bare GICv3 needs): cpu 0 writes
 * GICD_CTLR; each cpu wakes its redistributor, puts its SGIs/PPIs in
 * Group 1 at priority 0xa0, enables the SGIs, PMR 0xf0, Group 1 on.
 * Leaves x16 = this cpu (MPIDR_EL1.Aff0), x17 = its RD_base, x18 = its
 * SGI_base, x19 = GICD.
 */
const BRINGUP = `
    ldr     x19, =GICD
    mrs     x16, mpidr_el1
    and     x16, x16, #0xff     // this cpu (MPIDR_EL1.Aff0)
    ldr     x17, =GICR
    add     x17, x17, x16, lsl #17 // its redistributor's RD_base (128 KiB each)
    mov     x6, #0x10000
    add     x18, x17, x6        // and SGI_base
    cbnz    x16, 1f
    mov     w6, #0x13
    str     w6, [x19]           // cpu 0: GICD_CTLR = ARE_NS | EnableGrp1A | EnableGrp1
80: ldr     w6, [x19]
    tbnz    w6, #31, 80b        // until GICD_CTLR.RWP = 0
1:  str     wzr, [x17, #0x14]   // GICR_WAKER.ProcessorSleep = 0
81: ldr     w6, [x17, #0x14]
    tbnz    w6, #2, 81b         // until ChildrenAsleep = 0
    mov     w6, #-1
    str     w6, [x18, #0x80]    // GICR_IGROUPR0: SGIs and PPIs in Group 1
    ldr     w6, =0xa0a0a0a0
    str     w6, [x18, #0x400]   // GICR_IPRIORITYR0..3: SGIs at 0xa0
    str     w6, [x18, #0x404]
    str     w6, [x18, #0x408]
    str     w6, [x18, #0x40c]
    mov     w6, #0xffff
    str     w6, [x18, #0x100]   // GICR_ISENABLER0: this cpu's SGIs
    mov     x6, #0xf0
    msr     icc_pmr_el1, x6
    mov     x6, #1
    msr     icc_igrpen1_el1, x6
    isb`;

const EQUS = `
.equ GICD, 0x08000000
.equ GICR, 0x080a0000               // redistributor region: 0x20000 per cpu
.equ DATA, 0x44000000               // per-cpu records, 0x40 bytes each`;

function header(lines) {
  return ['# yaml-language-server: $schema=../../../schema/scenario.schema.json', '#', ...lines.map((l) => (l ? `# ${l}` : '#'))].join('\n');
}

function yamlFile({ head, name, machine, guest, expect, check, mirrors }) {
  const old = OLD_VGIC_V3[name];
  const note = old?.[0];
  const lines = head.flatMap((l) => (l === OLD_ERA ? oldEra(name) : [l]));
  return `${header(lines)}
version: 1
name: kvm-unit-tests-gicv3-${name}
description: "kvm-unit-tests gic (GICv3): ${name}"
machine:
  gic: v3
${machine}
guest:
${guest}
expect:
${expect}
  exit: poweroff
  divergence: none
${old ? '  verdicts: { linux-4.2: fail, linux-4.3: fail }\n' : ''}conformance:
  suite: kvm-unit-tests/gicv3
  check: ${check}
  mirrors: "${mirrors}"
${note ? `  note: ${note}\n` : ''}`;
}

// ---- ipi ----------------------------------------------------------------

const SENDER = 1;

/** vcpu1 sends SGI `sgi` by `how` once every cpu is ready; each cpu's handler records what ICC_IAR1_EL1 gave. */
function ipi(kind, n) {
  const sgi = { self: 1, 'target-list': 2, broadcast: 3 }[kind];
  let targets;
  let sgi1r;
  let sendDesc;
  if (kind === 'self') {
    targets = [SENDER];
    sgi1r = (BigInt(sgi) << 24n) | (1n << BigInt(SENDER));
    sendDesc = `to itself (ICC_SGI1R_EL1 TargetList bit ${SENDER})`;
  } else if (kind === 'target-list') {
    targets = [];
    for (let c = 0; c < n; c++) if (c % 2 !== SENDER % 2) targets.push(c);
    const tl = targets.reduce((m, c) => m | (1 << c), 0);
    sgi1r = (BigInt(sgi) << 24n) | BigInt(tl);
    sendDesc = `by ICC_SGI1R_EL1 TargetList ${hex(tl)}: the cpus whose number has the other parity (as kvm-unit-tests chooses them): ${targets.join(', ')}`;
  } else {
    targets = [];
    for (let c = 0; c < n; c++) if (c !== SENDER) targets.push(c);
    sgi1r = (1n << 40n) | (BigInt(sgi) << 24n);
    sendDesc = 'to all cpus but itself (ICC_SGI1R_EL1.IRM = 1)';
  }
  const mask = targets.reduce((m, c) => m | (1 << c), 0);
  const guest = `${EQUS}
.equ SENDER, ${SENDER}
.equ NCPUS, ${n}
.equ SGI, ${sgi}
_start:
    ldr     x0, =vectors
    msr     vbar_el1, x0
    isb
${BRINGUP}
    ldr     x15, =DATA
    add     x14, x15, x16, lsl #6 // this cpu's record:
                                // +0 ready, +4 right SGI, +8 wrong INTID,
                                // +12 IAR = 1023, +16 last IAR value
    msr     daifclr, #2
    dsb     sy
    mov     w6, #1
    str     w6, [x14]           // ready
    cmp     x16, #SENDER
    b.eq    sender
idle:                           // receivers: sleep, take interrupts
    wfi
    b       idle

sender:
    mov     x9, #0              // wait until every cpu is ready
2:  add     x10, x15, x9, lsl #6
3:  mrs     x12, cntvct_el0
    ldr     w11, [x10]
    cbz     w11, 3b
    add     x9, x9, #1
    cmp     x9, #NCPUS
    b.lo    2b
    dsb     sy
    // Send at a fixed virtual time (counter tick 2000), so the vcpus'
    // progress is aligned with the reference machine's at the send.
    ldr     x7, =2000
9:  mrs     x8, cntvct_el0
    cmp     x8, x7
    b.lo    9b
    ldr     x6, =${hex(sgi1r)}
    msr     icc_sgi1r_el1, x6   // ${kind === 'broadcast' ? 'IRM = 1' : 'Aff3.Aff2.Aff1 = 0, TargetList'}, INTID ${sgi}
    isb
    mov     x6, #${targets.length}  // wait for ${targets.length} acknowledge(s) in all, or 20000 ticks
    bl      wait_acks
    mov     x6, #5000           // then let late or extra deliveries show
    bl      delay
    // compare every cpu's record with the expected receivers
    ldr     x13, =${hex(mask)}  // expected receivers (a bit per cpu)
    mov     x21, #0             // mismatches
    mov     x9, #0
6:  add     x10, x15, x9, lsl #6
    ldr     w11, [x10, #4]
    lsr     x12, x13, x9
    and     x12, x12, #1
    cmp     x11, x12
    cinc    x21, x21, ne
    ldr     w11, [x10, #8]
    cmp     w11, #0
    cinc    x21, x21, ne        // wrong INTID
    ldr     w11, [x10, #12]
    cmp     w11, #0
    cinc    x21, x21, ne        // spurious (1023)
    add     x9, x9, #1
    cmp     x9, #NCPUS
    b.lo    6b
    str     w21, [x15, #0x400]  // DATA + 0x400: mismatches
    ldr     x0, =0x84000008     // PSCI SYSTEM_OFF
    hvc     #0
99: b       99b

// wait_acks: until the right-SGI counts of all cpus add up to x6, or 20000 ticks
wait_acks:
    mrs     x7, cntvct_el0
    ldr     x8, =20000
    add     x7, x7, x8
4:  mov     x9, #0
    mov     x11, #0
5:  add     x10, x15, x9, lsl #6
    ldr     w12, [x10, #4]
    add     x11, x11, x12
    add     x9, x9, #1
    cmp     x9, #NCPUS
    b.lo    5b
    cmp     x11, x6
    b.hs    7f
    mrs     x8, cntvct_el0
    cmp     x8, x7
    b.lo    4b
7:  ret

// delay: spin x6 counter ticks
delay:
    mrs     x7, cntvct_el0
    add     x7, x7, x6
8:  mrs     x8, cntvct_el0
    cmp     x8, x7
    b.lo    8b
    ret

    .balign 2048
vectors:
    .skip   0x280               // current EL with SPx: IRQ at +0x280
    b       irq
    .balign 2048
// Uses x2-x5; x14 = this cpu's record. No sender check: a GICv3 IAR has no
// CPUID field (kvm-unit-tests checks the sender on a GICv2 only).
irq:
    mrs     x2, icc_iar1_el1
    and     w3, w2, #0xffffff   // INTID
    cmp     w3, #1023
    b.eq    spurious
    str     w2, [x14, #16]      // last IAR
    msr     icc_eoir1_el1, x2
    cmp     w3, #SGI
    b.ne    bad
    ldr     w5, [x14, #4]
    add     w5, w5, #1
    str     w5, [x14, #4]
    eret
bad:
    ldr     w5, [x14, #8]
    add     w5, w5, #1
    str     w5, [x14, #8]
    eret
spurious:
    ldr     w5, [x14, #12]
    add     w5, w5, #1
    str     w5, [x14, #12]
    eret`;
  const vcpus = [`  vcpu0: |\n${indent(guest)}`];
  for (let c = 1; c < n; c++) vcpus.push(`  vcpu${c}: { same: vcpu0 }`);
  const acked = Array.from({ length: n }, (_, c) => `vcpu${c}: [${targets.includes(c) ? sgi : ''}]`).join(', ');
  const never = Array.from({ length: 16 }, (_, i) => i).filter((i) => i !== sgi);
  const mem = ['    0x44000400: 0'];
  for (let c = 0; c < n; c++) {
    const base = 0x4400_0000 + 0x40 * c;
    const hit = targets.includes(c);
    mem.push(`    ${hex(base)}: 1`, `    ${hex(base + 4)}: ${hit ? 1 : 0}`, `    ${hex(base + 8)}: 0`, `    ${hex(base + 12)}: 0`);
    if (hit) mem.push(`    ${hex(base + 16)}: ${sgi}`);
  }
  const what = { self: 'to itself', 'target-list': 'by target list to the cpus of the other parity', broadcast: 'broadcast to all but self' }[kind];
  return [
    `ipi-${kind}-${n}cpu.yaml`,
    yamlFile({
      head: [
        `kvm-unit-tests arm/gic on a GICv3 (gic-version=3), ipi: ${kind}, ${n} vcpus.`,
        '',
        `${n} vcpus, all started at the same entry, each bringing up its redistributor`,
        "and CPU interface as kvm-unit-tests' gicv3_enable_defaults does. vcpu1",
        `(IPI_SENDER) waits until every cpu is ready, then sends SGI ${sgi}`,
        `${sendDesc}. Every cpu's handler records what ICC_IAR1_EL1 returned:`,
        'the right SGI, a wrong INTID, or 1023 (spurious).',
        '',
        `Hardware: exactly the targeted cpus take SGI ${sgi} once each; no other cpu`,
        'takes anything, no IAR reads 1023. The check asserts the per-cpu records',
        `(ready, right count, wrong count, spurious count, last IAR = ${sgi}), the`,
        "sender's summary (DATA + 0x400: mismatches = 0) and the acknowledge lists.",
        'Under KVM the ICC_SGI1R_EL1 write traps (vgic_v3_dispatch_sgi).',
        OLD_ERA,
      ],
      name: `ipi-${kind}-${n}cpu`,
      machine: `  vcpus: ${n}\n  start: all\n  limits: { ticks: 200000, instructions: ${n > 4 ? 8000000 : 4000000} }`,
      guest: vcpus.join('\n'),
      expect: `  acknowledged: { ${acked} }\n  never: [${never.join(', ')}]\n  memory:\n${mem.join('\n')}`,
      check: `ipi-${kind}-${n}cpu`,
      mirrors: `ipi_test_${kind === 'self' ? 'self' : 'smp'} with ${n} cpus on a GICv3: SGI ${what} by ICC_SGI1R_EL1 (check_acked '${kind}': each target once, no one else; right INTID; no spurious IRQs)`,
    }),
  ];
}

// ---- active -------------------------------------------------------------

/**
 * run_active_clear_test on a GICv3: a self-IPI whose handler clears its
 * active state with GICR_ICACTIVER0 and writes no EOI. With `priority`,
 * also what the architecture says follows: the running priority stays
 * (ICC_RPR_EL1 = 0xa0), a second SGI at the same priority waits, one at a
 * higher priority (0x80) preempts.
 */
function active(priority) {
  const name = priority ? 'active-running-priority' : 'active-1cpu';
  const guest = `${EQUS}
_start:
    ldr     x0, =vectors
    msr     vbar_el1, x0
    isb
${BRINGUP}
    mov     w6, #0x80
    strb    w6, [x18, #0x403]   // GICR_IPRIORITYR: SGI 3 at 0x80 (higher than 0xa0)
    mov     x20, #0             // SGI 1 taken
    mov     x21, #0             // SGI 2 taken
    mov     x22, #0             // SGI 3 taken
    mov     x23, #0             // other IAR values
    msr     daifclr, #2
    ldr     x6, =(1 << 24) | 1
    msr     icc_sgi1r_el1, x6   // SGI 1 to self (TargetList bit 0)
    isb
    mov     x6, #2000
    bl      delay
    ldr     w25, [x18, #0x300]  // x25: GICR_ISACTIVER0 after the handler (want 0)
    mrs     x26, s3_0_c12_c11_3 // x26: ICC_RPR_EL1,: running priority (${priority ? 'want 0xa0: no EOI' : 'recorded'})
${
  priority
    ? `    ldr     x6, =(2 << 24) | 1
    msr     icc_sgi1r_el1, x6   // SGI 2, same priority: must wait
    isb
    mov     x6, #2000
    bl      delay
    ldr     w27, [x18, #0x200]  // x27: GICR_ISPENDR0 (want SGI 2 pending: 4)
    ldr     x6, =(3 << 24) | 1
    msr     icc_sgi1r_el1, x6   // SGI 3 at 0x80: preempts
    isb
    mov     x6, #2000
    bl      delay`
    : ''
}
    ldr     x0, =0x84000008     // PSCI SYSTEM_OFF
    hvc     #0
99: b       99b

delay:
    mrs     x7, cntvct_el0
    add     x7, x7, x6
8:  mrs     x8, cntvct_el0
    cmp     x8, x7
    b.lo    8b
    ret

    .balign 2048
vectors:
    .skip   0x280
    b       irq
    .balign 2048
// ipi_clear_active_handler: acknowledge, clear the active state through
// GICR_ICACTIVER0, no EOI. Uses x2-x5.
irq:
    mrs     x2, icc_iar1_el1
    and     w3, w2, #0xffffff
    cmp     w3, #1023
    b.eq    9f
    mov     w4, #1
    lsl     w4, w4, w3
    str     w4, [x18, #0x380]   // GICR_ICACTIVER0
    cmp     w3, #1
    cinc    x20, x20, eq
    cmp     w3, #2
    cinc    x21, x21, eq
    cmp     w3, #3
    cinc    x22, x22, eq
    cmp     w3, #4
    b.lo    10f
9:  add     x23, x23, #1
10: eret`;
  const regs = priority
    ? '{ vcpu0: { x20: 1, x21: 0, x22: 1, x23: 0, x25: 0, x26: 0xa0, x27: 4 } }'
    : '{ vcpu0: { x20: 1, x21: 0, x22: 0, x23: 0, x25: 0 } }';
  return [
    `${name}.yaml`,
    yamlFile({
      head: [
        `kvm-unit-tests arm/gic on a GICv3 (gic-version=3), ${priority ? 'active: the running priority' : 'active'}.`,
        '',
        "One vcpu sends SGI 1 to itself; the handler (kvm-unit-tests'",
        'ipi_clear_active_handler) clears its active state by writing',
        'GICR_ICACTIVER0 in its redistributor and writes no EOI.',
        '',
        'Hardware: SGI 1 is taken once, and is no longer active afterwards',
        '(GICR_ISACTIVER0 = 0).',
        ...(priority
          ? [
              'Clearing the active state does not drop the running priority (GICv3',
              '4.8: only an EOI does): ICC_RPR_EL1 stays 0xa0, so SGI 2 at the same',
              'priority stays pending (GICR_ISPENDR0 bit 2) and SGI 3 at 0x80 preempts.',
            ]
          : []),
        'The check asserts x20 (SGI 1 taken), x21/x22 (SGIs 2/3), x23 (anything',
        'else), x25 (GICR_ISACTIVER0 after the handler)' + (priority ? ', x26 (ICC_RPR_EL1), x27 (GICR_ISPENDR0).' : '.'),
        OLD_ERA,
      ],
      name,
      machine: '  limits: { ticks: 100000, instructions: 2000000 }',
      guest: `  vcpu0: |\n${indent(guest)}`,
      expect: `  acknowledged: { vcpu0: [1${priority ? ', 3' : ''}] }\n  registers: ${regs}`,
      check: name,
      mirrors: priority
        ? "run_active_clear_test's handler on a GICv3 (GICR_ICACTIVER0, no EOIR): the SGI is acknowledged with the right INTID and its active state cleared; the running priority is not dropped, so an SGI of the same priority waits and a higher one preempts"
        : 'run_active_clear_test on a GICv3: a self-IPI whose handler ends it through GICR_ICACTIVER0 (ipi_clear_active_handler) is acknowledged with the right INTID, no spurious IRQs, and is no longer active',
    }),
  ];
}

// ---- mmio ---------------------------------------------------------------

const SPIS = { 1: 32, 3: 96, 8: 256 };
const END = `
    ldr     x0, =0x84000008     // PSCI SYSTEM_OFF
    hvc     #0
99: b       99b`;

function mmioFile(check, n, head, guest, regs, mirrors) {
  return [
    `mmio-${check}-${n}cpu.yaml`,
    yamlFile({
      head: [
        `kvm-unit-tests arm/gic on a GICv3 (gic-version=3), mmio: ${check}, ${n} vcpu(s).`,
        '',
        `${n} vcpu(s) (only vcpu0 runs), ${SPIS[n]} SPIs: INTIDs 0..${SPIS[n] + 31}.`,
        '',
        ...head,
        OLD_ERA,
      ],
      name: `mmio-${check}-${n}cpu`,
      machine: `  vcpus: ${n}\n  spis: ${SPIS[n]}\n  limits: { ticks: 100000, instructions: 200000 }`,
      guest: `  vcpu0: |\n${indent(guest)}`,
      expect: `  registers: { vcpu0: { ${regs} } }`,
      check: `mmio-${check}-${n}cpu`,
      mirrors,
    }),
  ];
}

/** GICD_TYPER and the redistributors walked to GICR_TYPER.Last (kvm-unit-tests' gicv3_set_redist_base walk). */
function typer(n) {
  const guest = `${EQUS}
_start:
    ldr     x19, =GICD
    ldr     w6, [x19, #0x4]     // GICD_TYPER
    and     w26, w6, #0x1f      // x26: ITLinesNumber (want spis / 32)
    ubfx    w27, w6, #19, #5    // x27: IDbits (want >= 9: at least 10 INTID bits)
    ldr     x17, =GICR
    mov     x20, #0             // x20: redistributors up to Last (want vcpus)
    mov     x22, #0             // x22: mismatches (want 0)
1:  ldr     x6, [x17, #0x8]     // GICR_TYPER, one 64-bit read
    ubfx    x7, x6, #8, #16     // Processor_Number
    cmp     x7, x20
    cinc    x22, x22, ne
    lsr     x7, x6, #32         // Affinity_Value: Aff3.Aff2.Aff1.Aff0 = 0.0.0.cpu
    cmp     x7, x20
    cinc    x22, x22, ne
    ldr     w8, [x17, #0xc]     // the upper word by a 32-bit read
    cmp     x8, x7
    cinc    x22, x22, ne
    add     x20, x20, #1
    tbnz    x6, #4, 2f          // GICR_TYPER.Last
    mov     x9, #0x20000
    add     x17, x17, x9
    cmp     x20, #16
    b.lo    1b
2:  cmp     w27, #9
    cset    x28, hs             // x28: IDbits >= 9 (want 1)
${END}`;
  return mmioFile(
    'typer',
    n,
    [
      'Hardware (GICv3 12.9.38, 12.11.36): GICD_TYPER.ITLinesNumber = (INTIDs / 32) - 1;',
      'one redistributor per cpu, 128 KiB apart, GICR_TYPER.Processor_Number = the',
      'cpu number, Affinity_Value = its MPIDR affinity (0.0.0.cpu), Last on the',
      "last one: walking them as kvm-unit-tests' gicv3_set_redist_base does finds",
      'every cpu (the GICv3 counterpart of the GICv2 check that GICD_TYPER.CPUNumber',
      `counts every cpu). The check asserts x20 = ${n} (redistributors), x22 = 0`,
      `(mismatches), x26 = ${SPIS[n] / 32} (ITLinesNumber), x28 = 1 (IDbits >= 9).`,
    ],
    guest,
    `x20: ${n}, x22: 0, x26: ${SPIS[n] / 32}, x28: 1`,
    `gic_test_mmio's test_typer in its GICv3 form with ${n} cpus: GICD_TYPER.ITLinesNumber covers the SPIs, and every cpu has a redistributor (GICR_TYPER: Processor_Number, Affinity_Value, Last)`,
  );
}

/** test_readonly_32 of GICD_TYPER, GICD_IIDR, GICD_PIDR2, GICR_TYPER (both words), GICR_IIDR. */
function readonly(n) {
  const regs = [
    ['x19', '0x4', 'GICD_TYPER'],
    ['x19', '0x8', 'GICD_IIDR'],
    ['x21', '0xe8', 'GICD_PIDR2'],
    ['x17', '0x8', 'GICR_TYPER'],
    ['x17', '0xc', 'GICR_TYPER[63:32]'],
    ['x17', '0x4', 'GICR_IIDR'],
  ];
  const guest = `${EQUS}
_start:
    ldr     x19, =GICD
    ldr     x21, =GICD + 0xff00 // GICD_PIDR2 is at 0xffe8
    ldr     x17, =GICR
    mov     x22, #0             // x22: registers that changed (want 0)
${regs.map(([b, o, name]) => `    add     x0, ${b}, #${o}       // ${name}\n    bl      readonly`).join('\n')}
    ldr     w6, [x21, #0xe8]
    ubfx    w23, w6, #4, #4     // x23: GICD_PIDR2.ArchRev (want 3)
    ldr     x6, =GICR + 0xff00
    ldr     w6, [x6, #0xe8]
    ubfx    w24, w6, #4, #4     // x24: GICR_PIDR2.ArchRev (want 3)
${END}

// readonly: write 0xffffffff, 0xa5a55a5a, 0 to [x0]; each must read back
// the original (which is then written back); x22 += 1 if one did not
readonly:
    ldr     w1, [x0]
    mov     w2, #-1
    ldr     w3, =0xa5a55a5a
    mov     w5, #0
    str     w2, [x0]
    ldr     w4, [x0]
    cmp     w4, w1
    cinc    w5, w5, ne
    str     w3, [x0]
    ldr     w4, [x0]
    cmp     w4, w1
    cinc    w5, w5, ne
    str     wzr, [x0]
    ldr     w4, [x0]
    cmp     w4, w1
    cinc    w5, w5, ne
    str     w1, [x0]
    cmp     w5, #0
    cinc    x22, x22, ne
    ret`;
  return mmioFile(
    'readonly',
    n,
    [
      'Hardware (GICv3 12.9, 12.11): GICD_TYPER, GICD_IIDR, GICD_PIDR2, GICR_TYPER',
      'and GICR_IIDR are read-only: writes of 0xffffffff, 0xa5a55a5a and 0 leave',
      'them unchanged; both PIDR2.ArchRev fields say GICv3 (3). The check asserts',
      'x22 = 0 (registers that changed), x23 = x24 = 3.',
    ],
    guest,
    'x22: 0, x23: 3, x24: 3',
    `gic_test_mmio's 'GICD_TYPER is read-only', 'GICD_IIDR is read-only', 'ICPIDR2 is read-only' in their GICv3 form with ${n} cpus (GICD_PIDR2 at 0xffe8), plus the redistributor's GICR_TYPER and GICR_IIDR`,
  );
}

/** GICD_IROUTER<n>: SGI/PPI entries RAZ/WI, each cpu's affinity kept (64- and 32-bit), beyond the last SPI RAZ/WI. */
function irouter(n) {
  const guest = `${EQUS}
.equ NCPUS, ${n}
_start:
    ldr     x19, =GICD
    ldr     w6, [x19, #0x4]     // GICD_TYPER
    and     w6, w6, #0x1f
    add     w6, w6, #1
    lsl     w21, w6, #5         // nr_irqs = 32 * (ITLinesNumber + 1)
    mov     x6, #0x6000
    add     x20, x19, x6        // GICD_IROUTER<0>
    mov     x22, #0             // x22: failures (want 0)
    // SGI/PPI entries (IROUTER0..31) are reserved: RAZ/WI
    mov     x6, #0x100
    add     x6, x20, x6         // IROUTER32
    ldr     x7, [x20, #0x80]    // IROUTER16
    cmp     x7, #0
    cinc    x22, x22, ne
    mov     x7, #1
    str     x7, [x20, #0x80]
    ldr     x7, [x20, #0x80]
    cmp     x7, #0
    cinc    x22, x22, ne
    // IROUTER32: every cpu's affinity, by a 64-bit store, read back by a 64-bit load
    mov     x9, #0
1:  str     x9, [x6]            // Aff0 = cpu x9
    ldr     x7, [x6]
    and     x7, x7, #0xffffff   // Aff2.Aff1.Aff0 (IRM and Aff3 aside)
    cmp     x7, x9
    cinc    x22, x22, ne
    add     x9, x9, #1
    cmp     x9, #NCPUS
    b.lo    1b
    // 32-bit accesses to each half
    mov     w7, #NCPUS - 1
    str     w7, [x6]
    str     wzr, [x6, #4]
    ldr     w8, [x6]
    and     w8, w8, #0xffffff
    cmp     w8, w7
    cinc    x22, x22, ne
    ldr     w8, [x6, #4]
    cmp     w8, #0
    cinc    x22, x22, ne
    ldr     x8, [x6]
    and     x8, x8, #0xffffff
    cmp     x8, x7
    cinc    x22, x22, ne
    mov     x23, x8             // x23: IROUTER32's affinity (want ${n - 1})
    // beyond the last SPI: RAZ/WI
    add     x7, x20, x21, lsl #3 // IROUTER<nr_irqs>
    mov     x8, #1
    str     x8, [x7]
    ldr     x8, [x7]
    cmp     x8, #0
    cinc    x22, x22, ne
${END}`;
  return mmioFile(
    'irouter',
    n,
    [
      'Hardware (GICv3 12.9.22): GICD_IROUTER<n> (64 bits, 0x6000 + 8n) holds the',
      'affinity an SPI is routed to; the entries of SGIs and PPIs (n < 32) are',
      'reserved (RAZ/WI), so are those beyond the implemented SPIs; 64- and 32-bit',
      'accesses both work. The check writes each cpu\'s affinity to IROUTER32 and',
      'reads it back (64-bit), then by 32-bit halves; asserts x22 = 0 (failures),',
      `x23 = ${n - 1} (the last affinity written).`,
    ],
    guest,
    `x22: 0, x23: ${n - 1}`,
    `GICD_IROUTER (the GICv3 replacement of test_targets' GICD_ITARGETSR) with ${n} cpus: reserved entries RAZ/WI, each cpu's affinity kept by 64- and 32-bit accesses, RAZ/WI beyond the last SPI`,
  );
}

/** The GICv2 test_priorities guest (../gic/mmio-ipriorityr-*.yaml) touches only GICD_TYPER and GICD_IPRIORITYR, the same registers on a GICv3. */
function ipriorityr(n, v2text) {
  const guest = v2text.slice(v2text.indexOf('guest:\n') + 'guest:\n'.length, v2text.indexOf('\nexpect:'));
  const regs = /registers: \{ vcpu0: \{ (.*) \} \}/.exec(v2text)[1];
  const head = v2text
    .split('\n')
    .filter((l) => l.startsWith('#'))
    .slice(4)
    .map((l) => l.replace(/^# ?/, '').replace('GICv2 4.3.11', 'GICv3 12.9.18'));
  const [file, text] = mmioFile(
    'ipriorityr',
    n,
    [...head.filter((l) => !l.startsWith(`${n} vcpu`) && l !== ''), 'The guest is the GICv2 check\'s: the GICv3 distributor has the same GICD_IPRIORITYR.'],
    '',
    regs,
    `test_priorities on a GICv3 with ${n} cpus and ${SPIS[n]} SPIs: 'consistent priority masking', 'implements at least 4 priority bits', 'clearing priorities', 'accesses beyond limit RAZ/WI', 'accessing last SPIs', 'priorities are preserved', 'byte reads successful', 'byte writes successful'`,
  );
  return [file, text.replace('guest:\n  vcpu0: |\n', `guest:\n${guest}`)];
}

export function gicChecks(readV2) {
  const out = [];
  for (const kind of ['self', 'target-list', 'broadcast']) for (const n of [2, 3, 8]) out.push(ipi(kind, n));
  out.push(active(false), active(true));
  for (const n of [1, 3, 8]) {
    out.push(typer(n), readonly(n), irouter(n));
    out.push(ipriorityr(n, readV2(`mmio-ipriorityr-${n}cpu.yaml`)));
  }
  return out;
}
