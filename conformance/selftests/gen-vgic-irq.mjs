// vgic_irq: SPIs injected by userspace (KVM_IRQ_LINE host events) or by the
// guest (GICD_ISPENDR writes), edge or level, EOImode 0 or 1; the guest
// checks the GIC state it can see at each step (GICv2 3.2 "interrupt
// handling state machine", 4.3.7-4.3.10 I[SC]PENDR/I[SC]ACTIVER, 4.4.14
// GICC_APR0, 3.2.4 priority drop and deactivation with EOImode).

import { V2 } from './gic-flavor.mjs';
import { emit, POWEROFF, RESTORE, SAVE, VECTORS, WAIT_TICKS, WFI_UNTIL } from './lib.mjs';

// The CPU interface the checks being written drive (gic-flavor.mjs): set by
// vgicIrqChecks(), so every check is written once for GICv2 and GICv3.
let G = V2;
const ACK_LOG = 0x40100100;
const DONE_LOG = 0x40100200;

const hex = (n) => `0x${n.toString(16)}`;

/** Enable every SPI (32..95), configure it edge or level, the default priority; then the given priorities. */
function setup({ level, prios = {} }) {
  const p4 = hex(G.defaultPrio * 0x01010101);
  const lines = [
    `
    ldr     w0, =0xffffffff
    str     w0, [x19, #0x104]       // GICD_ISENABLER1: SPIs 32..63
    str     w0, [x19, #0x108]       // GICD_ISENABLER2: SPIs 64..95
    ldr     w0, =${level ? '0x0' : '0xaaaaaaaa'}                 // ${level ? 'level-sensitive' : 'edge-triggered (0b10 per field)'}
    str     w0, [x19, #0xc08]       // GICD_ICFGR2..5: SPIs 32..95
    str     w0, [x19, #0xc0c]
    str     w0, [x19, #0xc10]
    str     w0, [x19, #0xc14]
    ldr     w0, =${p4}
    mov     x1, #0x420              // GICD_IPRIORITYR8..23: SPIs 32..95 at ${hex(G.defaultPrio)}
1:  str     w0, [x19, x1]
    add     x1, x1, #4
    cmp     x1, #0x460
    b.lo    1b`,
  ];
  if (G.privateSetup) lines.push(G.privateSetup());
  for (const [intid, p] of Object.entries(prios))
    lines.push(
      Number(intid) < 32
        ? `    mov     w0, #${hex(p)}
    strb    w0, [x18, #${hex(0x400 + Number(intid))}]       // GICR_IPRIORITYR: INTID ${intid} at ${hex(p)}`
        : `    mov     w0, #${hex(p)}
    strb    w0, [x19, #${hex(0x400 + Number(intid))}]       // GICD_IPRIORITYR: INTID ${intid} at ${hex(p)}`,
    );
  lines.push(`    ldr     x21, =${hex(ACK_LOG)}         // log of acknowledged INTIDs
    ldr     x20, =${hex(DONE_LOG)}         // log of completed (EOI'd) INTIDs
    msr     daifset, #2`);
  return lines.join('\n');
}

/**
 * How a batch of INTIDs is made pending: guest code and host events after
 * the label. SGIs and PPIs (GICv3 only): GICR_ISPENDR0 of this vcpu's
 * redistributor, ICC_SGI1R_EL1 to itself (by 'sgi1r'), KVM_IRQ_LINE to vcpu 0.
 */
export function inject(label, intids, { by, level }) {
  if (by === 'sgi1r')
    return {
      code: `${label}:
${intids
        .map(
          (i) => `    ldr     x0, =${hex(i * 2 ** 24 + 1)}
    msr     icc_sgi1r_el1, x0       // ICC_SGI1R_EL1: SGI ${i} to Aff 0.0.0 TargetList 1 (this vcpu)`,
        )
        .join('\n')}
    isb`,
      host: [],
    };
  if (by === 'ispendr') {
    const words = {};
    for (const i of intids) words[i >> 5] = (words[i >> 5] ?? 0) | (1 << (i & 31));
    const code = Object.entries(words)
      .map(
        ([w, bits]) => `    ldr     w0, =${hex(bits >>> 0)}
    str     w0, [${w === '0' ? 'x18, #0x200]       // GICR_ISPENDR0' : `x19, #${hex(0x200 + 4 * Number(w))}]       // GICD_ISPENDR${w}`}: INTID(s) ${intids.filter((i) => i >> 5 === Number(w)).join(', ')}`,
      )
      .join('\n');
    return { code: `${label}:\n${code}`, host: [] };
  }
  const host = [];
  for (const i of intids) {
    const ppi = i < 32 ? { vcpu: 0 } : {};
    host.push({ after: { vcpu: 0, label }, irqLine: { intid: i, level: 1, ...ppi } });
    if (!level) host.push({ after: { vcpu: 0, label }, irqLine: { intid: i, level: 0, ...ppi } });
  }
  return {
    code: `${label}:
    nop                             // userspace: KVM_IRQ_LINE ${intids.join(', ')} ${level ? 'high' : 'high then low (an edge)'}`,
    host,
  };
}

/** For level interrupts injected by userspace: the handler asks the host to lower the line (a label per INTID). */
function lowerDispatch(intids) {
  return intids
    .map(
      (i) => `    cmp     w3, #${i}
    b.ne    1f
lower_${i}:
    nop                             // userspace: KVM_IRQ_LINE ${i} low
1:`,
    )
    .join('\n');
}
const lowerHost = (intids) =>
  intids.map((i) => ({
    after: { vcpu: 0, label: `lower_${i}` },
    irqLine: { intid: i, level: 0, ...(i < 32 ? { vcpu: 0 } : {}) },
  }));

/**
 * The IRQ handler: acknowledge, log; the INTID must be active, GICC_APR0
 * non-zero; (level from userspace: lower the line); not pending; EOI (+ DIR
 * with EOImode 1, the INTID must still be active between the two); log the
 * completion; then neither pending nor active, and (unless nested) APR0 = 0.
 */
function handler({ eoiMode, lowerAt = [], nested = null, heldHigh = null }) {
  return `
irq:${SAVE}
${G.iar()}
    cmp     w3, #1023
    b.eq    irq_spurious
    add     x22, x22, #1
    str     w3, [x21], #4           // log the acknowledgement
    mov     x4, #0x300
    bl      gicd_bit                // GICD_ISACTIVER
    cbnz    w7, 1f
    add     x23, x23, #1            // error: not active after IAR
${G.readApr('0', '1:')}
    cbnz    w0, 1f
    add     x23, x23, #1            // error: no active priority after IAR
1:
${lowerDispatch(lowerAt)}
${
  heldHigh
    ? `    cmp     x22, #${heldHigh.times}
    b.ne    1f
lower_${heldHigh.intid}:
    nop                             // userspace: KVM_IRQ_LINE ${heldHigh.intid} low (the last delivery)
1:`
    : ''
}
    mov     x4, #0x200
    bl      gicd_bit                // GICD_ISPENDR
    add     x23, x23, x7            // error: still pending after IAR (edge, or the line is low)
${
  nested
    ? `    cmp     w3, #${nested.outer}
    b.ne    3f
outer_acked:
${nested.code}
    msr     daifclr, #2             // let higher priorities preempt this handler
    mov     x0, #300
    bl      wait_ticks
    msr     daifset, #2
    mov     x25, x22                // interrupts handled when the outer one completes
3:`
    : ''
}
${G.eoir('2', eoiMode ? ': priority drop only' : '')}
${
  eoiMode
    ? `    mov     x4, #0x300
    bl      gicd_bit
    cbnz    w7, 1f
    add     x23, x23, #1            // error: EOIR deactivated it with EOImode 1
${G.dir('2', '1:', ': deactivate')}`
    : ''
}
    str     w3, [x20], #4           // log the completion
    mov     x4, #0x200
    bl      gicd_bit
${heldHigh ? '    add     x26, x26, x7            // pending again after EOI: the line is still high' : '    add     x23, x23, x7            // error: pending after EOI'}
    mov     x4, #0x300
    bl      gicd_bit
    add     x23, x23, x7            // error: active after EOI${eoiMode ? ' and DIR' : ''}
${
  nested
    ? ''
    : `${G.readApr('0').replace(/ +\/\/.*/, '')}
    cbz     w0, 1f
    add     x23, x23, #1            // error: a priority still active after EOI
1:`
}${RESTORE}
irq_spurious:
    add     x24, x24, #1${RESTORE}`;
}

function guest({ eoiMode, level, prios, main, h }) {
  return `${G.prelude({ eoiMode })}
${setup({ level, prios })}
${main}
${G.finalIar}
${POWEROFF}
${WAIT_TICKS}
${WFI_UNTIL}
${G.bitHelper}
${h}
${VECTORS}`;
}

const memLog = (base, list) =>
  Object.fromEntries(list.map((v, i) => [hex(base + 4 * i), v]));

const modeText = (eoiMode) => (eoiMode ? 'EOImode 1 (EOIR drops the priority, DIR deactivates)' : 'EOImode 0');
const byText = (by, priv = false) =>
  by === 'irqline'
    ? 'userspace KVM_IRQ_LINE'
    : by === 'sgi1r'
      ? 'the guest writing ICC_SGI1R_EL1'
      : `the guest writing ${priv ? 'GICR_ISPENDR0' : 'GICD_ISPENDR'}`;
const byName = (by) => ({ irqline: 'KVM_IRQ_LINE', sgi1r: 'ICC_SGI1R_EL1', ispendr: 'ISPENDR' })[by];

const HANDLER_NOTE = (eoiMode, lowers) => `The handler checks, for each acknowledged INTID: active (GICD_ISACTIVER)
and an active priority (${G.aprName}) after IAR; ${lowers ? 'the host lowers the line\n(a KVM_IRQ_LINE host event at a label), then ' : ''}not pending after IAR;
${eoiMode ? 'still active after EOIR (priority drop only), inactive after DIR;' : 'inactive after EOIR;'} neither pending nor active and no
active priority afterwards. Every failed check adds 1 to x23 (must be 0).
x22 counts handled interrupts; acknowledged INTIDs are logged at
${hex(ACK_LOG)}, completed ones at ${hex(DONE_LOG)}; x27 = IAR at the end (1023).`;

function base({ file, check, mirrors, header, description, machine = {}, g, host, acks, regs, memory, verdicts }) {
  return emit({
    dir: G.folder,
    file,
    header,
    description,
    conformance: { check, mirrors },
    machine: {
      ...(G.gic === 'v3' ? { gic: 'v3' } : {}),
      spis: 64,
      nLR: 4,
      limits: { ticks: 400000, instructions: 4000000 },
      ...machine,
    },
    guest: g,
    host,
    expect: {
      acknowledged: { vcpu0: acks },
      registers: { vcpu0: { x23: 0, x27: 1023, ...regs } },
      ...(memory ? { memory } : {}),
      exit: 'poweroff',
      divergence: 'none',
      ...(verdicts ? { verdicts } : {}),
    },
  });
}

/** test_injection: INTID 32 alone, the last SPI (95) alone, then 4 SPIs at once (priority order). */
function injection(trigger, eoiMode, by) {
  const level = trigger === 'level';
  const batch = [40, 41, 42, 43];
  const prios = { 40: 0x40, 41: 0x30, 42: 0x20, 43: 0x10 };
  const a = inject('inject_first', [32], { by, level });
  const b = inject('inject_last', [95], { by, level });
  const c = inject('inject_batch', batch, { by, level });
  const lowers = level && by === 'irqline';
  const acks = [32, 95, 43, 42, 41, 40];
  return base({
    file: `injection-${trigger}-eoimode${eoiMode}-${by}`,
    check: `test_injection: ${trigger}, ${eoiMode ? 'eoi_split' : 'EOImode 0'}, ${byName(by)}`,
    mirrors: `vgic_irq test_injection (${trigger}, ${eoiMode ? 'split EOI/DIR' : 'EOImode 0'}, ${by === 'irqline' ? (level ? 'KVM_SET_IRQ_LINE' : 'KVM_INJECT_EDGE_IRQ_LINE') : 'ISPENDR write'}): the first SPI, the last SPI, then several SPIs at once are each handled exactly once; active after ack, not pending after ack, neither pending nor active after EOI${eoiMode ? ' and DIR' : ''}; IAR empty afterwards`,
    header: `${trigger === 'edge' ? 'Edge-triggered' : 'Level-sensitive'} SPIs, ${modeText(eoiMode)}, made pending by
${byText(by)}${lowers ? ' (the handler has the host lower the line\nbefore EOI)' : ''}. With IRQs masked the guest injects INTID 32, waits
(WFI, unmask, mask) until it is handled; then the last SPI, 95; then 40..43
at once with priorities 0x40, 0x30, 0x20, 0x10, which must come highest
priority first: 43, 42, 41, 40. Each exactly once.

${HANDLER_NOTE(eoiMode, lowers)}`,
    description: `${trigger} SPIs, EOImode ${eoiMode}, injected by ${by}: each delivered once, then neither pending nor active`,
    g: guest({
      eoiMode,
      level,
      prios,
      main: `${a.code}
    mov     x0, #1
    bl      wfi_until
${b.code}
    mov     x0, #2
    bl      wfi_until
${c.code}
    mov     x0, #6
    bl      wfi_until`,
      h: handler({ eoiMode, lowerAt: lowers ? [32, 95, ...batch] : [] }),
    }),
    host: [...a.host, ...b.host, ...c.host, ...(lowers ? lowerHost([32, 95, ...batch]) : [])],
    acks,
    regs: { x22: 6 },
    memory: { ...memLog(ACK_LOG, acks), ...memLog(DONE_LOG, acks) },
  });
}

/** More interrupts pending at once than list registers: all delivered once, in priority order. */
function manyPending(trigger, eoiMode, by) {
  const level = trigger === 'level';
  const intids = [40, 41, 42, 43, 44, 45];
  const prios = { 40: 0x60, 41: 0x20, 42: 0xa0, 43: 0x40, 44: 0xc0, 45: 0x80 };
  const order = [...intids].sort((x, y) => prios[x] - prios[y]);
  const inj = inject('inject_all', intids, { by, level });
  const lowers = level && by === 'irqline';
  return base({
    file: `many-pending-${trigger}-eoimode${eoiMode}-${by}`,
    check: `test_injection: ${intids.length} SPIs at once, ${trigger}, ${byName(by)}, nLR 4`,
    mirrors: `vgic_irq test_injection with num > 1 (all at once): ${intids.length} SPIs pending together, more than the 4 list registers, are each handled exactly once, highest priority first`,
    header: `${intids.length} ${trigger} SPIs (40..45, priorities ${intids.map((i) => hex(prios[i])).join(', ')}) made pending at
once by ${byText(by)} while IRQs are masked; the vcpu has 4 list
registers, so the vgic must keep the rest queued and refill (underflow
maintenance). All are handled exactly once, highest priority first:
${order.join(', ')}. ${modeText(eoiMode)}.

${HANDLER_NOTE(eoiMode, lowers)}`,
    description: `${intids.length} ${trigger} SPIs pending at once with 4 LRs: each once, in priority order`,
    g: guest({
      eoiMode,
      level,
      prios,
      main: `${inj.code}
    mov     x0, #${intids.length}
    bl      wfi_until`,
      h: handler({ eoiMode, lowerAt: lowers ? intids : [] }),
    }),
    host: [...inj.host, ...(lowers ? lowerHost(intids) : [])],
    acks: order,
    regs: { x22: intids.length },
    memory: memLog(ACK_LOG, order),
  });
}

/** All 64 SPIs pending at once (the selftest's "all SPIs" case): each exactly once. */
function allSpis(eoiMode) {
  const intids = Array.from({ length: 64 }, (_, i) => 32 + i);
  const prios = Object.fromEntries(intids.map((i, k) => [i, (k % 31) << 3]));
  return base({
    file: `all-spis-at-once-edge-eoimode${eoiMode}-ispendr`,
    check: `test_injection: all SPIs at once (ISPENDR), EOImode ${eoiMode}`,
    mirrors:
      'vgic_irq test_injection, "all SPIs at once": every SPI made pending together, priorities spread as (i mod 31) << 3, each handled exactly once',
    header: `All 64 SPIs (32..95), edge, made pending at once by two GICD_ISPENDR writes,
priorities (i mod 31) << 3 (several share a priority, so only the counts
are fixed: each INTID exactly once). 4 list registers. ${modeText(eoiMode)}.

${HANDLER_NOTE(eoiMode, false)}`,
    description: 'all 64 SPIs pending at once: each handled exactly once',
    g: guest({
      eoiMode,
      level: false,
      prios,
      main: `inject_all:
    ldr     w0, =0xffffffff
    str     w0, [x19, #0x204]       // GICD_ISPENDR1: SPIs 32..63
    str     w0, [x19, #0x208]       // GICD_ISPENDR2: SPIs 64..95
    mov     x0, #64
    bl      wfi_until`,
      h: handler({ eoiMode }),
    }),
    host: [],
    acks: { count: Object.fromEntries(intids.map((i) => [i, 1])) },
    regs: { x22: 64 },
  });
}

/** Nested preemption: the handler re-enables IRQs; a higher priority preempts, a lower one waits. */
function nestedPreemption(trigger, eoiMode, by) {
  const level = trigger === 'level';
  const prios = { 40: 0xa0, 41: 0x20, 42: 0xc0 };
  const first = inject('inject_outer', [40], { by, level });
  let code;
  let host = [];
  if (by === 'ispendr')
    code = `    ldr     w0, =0x600
    str     w0, [x19, #0x204]       // GICD_ISPENDR1: INTIDs 41 (higher priority) and 42 (lower)`;
  else {
    code = '    nop                             // userspace: KVM_IRQ_LINE 41 and 42 (edges)';
    host = [41, 42].flatMap((i) => [
      { after: { vcpu: 0, label: 'outer_acked' }, irqLine: { intid: i, level: 1 } },
      { after: { vcpu: 0, label: 'outer_acked' }, irqLine: { intid: i, level: 0 } },
    ]);
  }
  return base({
    file: `nested-preemption-${trigger}-eoimode${eoiMode}-${by}`,
    check: `nested preemption: ${trigger}, ${eoiMode ? 'eoi_split' : 'EOImode 0'}, ${byName(by)}`,
    mirrors:
      'vgic_irq test_preemption (the preemption rule it relies on, taken as real nested exceptions): an interrupt of higher priority than the running one preempts the handler, one of lower priority waits for the EOI',
    header: `INTID 40 (priority 0xa0) is injected; its handler, right after IAR, makes
INTID 41 (priority 0x20, higher) and INTID 42 (0xc0, lower) pending by
${byText(by)}, then unmasks IRQs for 300 ticks. 41 must preempt the handler
(nested exception) and complete inside it; 42 must wait until 40's EOI
drops the running priority. Acknowledged 40, 41, 42; completed 41, 40, 42;
x25 = 2 (handled when 40 completes). ${trigger}, ${modeText(eoiMode)}.

${HANDLER_NOTE(eoiMode, false)} (No APR0 = 0 check after a
nested EOI: the outer priority is still active then.)`,
    description: 'a higher-priority SPI preempts a handler that re-enabled IRQs; a lower one waits',
    g: guest({
      eoiMode,
      level,
      prios,
      main: `${first.code}
    mov     x0, #3
    bl      wfi_until
${G.readApr('26', '', ': nothing active any more')}`,
      h: handler({ eoiMode, nested: { outer: 40, code } }),
    }),
    host: [...first.host, ...host],
    acks: [40, 41, 42],
    regs: { x22: 3, x25: 2, x26: 0 },
    memory: { ...memLog(ACK_LOG, [40, 41, 42]), ...memLog(DONE_LOG, [41, 40, 42]) },
  });
}

const MORE_ACTIVE_THAN_LRS = () => `More interrupts in flight than the 4 list registers, the newest pending
one of HIGHER priority than every active one: the vgic must give it an LR
even though that leaves a lower-priority active interrupt outside the LRs
(LR overflow as the 2025 KVM rework handles it: ${G.overflowText}). Classic KVM
(4.7-6.17) kept the active ones in the LRs and never showed it.`;

/** test_preemption as the selftest does it: IRQs masked, poll IAR, nest N active interrupts, EOI from the top. */
function polledPreemption(trigger, eoiMode, by, n, { first = 40, kind = '' } = {}) {
  const level = trigger === 'level';
  const intids = Array.from({ length: n }, (_, i) => first + i);
  // rising priority; more than 12 need the finest step KVM's 5 bits allow
  const prios = Object.fromEntries(intids.map((id, i) => [id, n > 12 ? 0xf0 - 8 * i : 0xc0 - 0x10 * i]));
  const lowers = level && by === 'irqline';
  const host = [];
  const steps = intids.map((id, i) => {
    const inj = inject(`inject_${id}`, [id], { by, level });
    host.push(...inj.host);
    if (lowers) host.push(...lowerHost([id]));
    return `${inj.code}
1:${G.iar(' (IRQs masked: polled)').slice(2)}
    cmp     w3, #1023
    b.ne    2f
    wfi
    b       1b
2:  cmp     w3, #${id}
    b.eq    3f
    add     x23, x23, #1            // error: not the INTID just injected
3:  add     x22, x22, #1
    str     w3, [x21], #4${lowers ? `\nlower_${id}:\n    nop                             // userspace: KVM_IRQ_LINE ${id} low` : ''}`;
  });
  const down = [...intids].reverse();
  const eois = down
    .map(
      (id) => `    mov     w0, #${id}
${G.eoir('0', ` ${id}`)}
    str     w0, [x20], #4`,
    )
    .join('\n');
  const dirs = eoiMode
    ? intids
        .map(
          (id) => `    mov     w0, #${id}
${G.dir('0', '', ` ${id}`)}`,
        )
        .join('\n')
    : '';
  const overflow = n > 4;
  return base({
    file: `preemption-polled-${n}${kind ? `-${kind}` : ''}-${trigger}-eoimode${eoiMode}-${by}`,
    check: `test_preemption: ${n} nested${kind ? ` ${kind}s` : ''}, ${trigger}, ${eoiMode ? 'eoi_split' : 'EOImode 0'}, ${byName(by)}`,
    mirrors: `vgic_irq test_preemption: with CPU IRQs masked, inject one IRQ at a time in rising priority and poll IAR until it is acknowledged (it must be the one injected), leaving ${n} nested active IRQs${n > 4 ? ' (more than the 4 list registers, as the latest selftest does)' : ''}; EOI all from the highest priority down${eoiMode ? ', then DIR each in ascending order' : ''}; then none active, APR 0, IAR empty`,
    header: `${overflow ? `${MORE_ACTIVE_THAN_LRS()}\n\n` : ''}IRQs stay masked (no exception is taken). For INTIDs ${intids.join(', ')}, priorities
${intids.map((i) => hex(prios[i])).join(', ')} (each higher than the one before), the guest injects one
(${byText(by, first < 32)}${lowers ? '; the host lowers the line after the ack' : ''}) and polls ${G.iarName} (WFI while it reads
1023) until it returns it: each preempts the ones already active, so
${n} interrupts end up nested active${n > 4 ? ', more than the 4 list registers' : ''}. Then EOIR all, highest
priority first${eoiMode ? ', then DIR each in ascending order (EOImode 1)' : ' (EOImode 0)'}. Afterwards none
active (x25 = ${first < 32 ? 'GICR_ISACTIVER0' : 'GICD_ISACTIVER1'} = 0), no active priority (x26 = ${G.aprName} =
0), IAR empty (x27 = 1023). x23 counts IAR results that were not the INTID
just injected.`,
    description: `${n} interrupts nested active by polling IAR with IRQs masked, EOI from the top`,
    g: guest({
      eoiMode,
      level,
      prios,
      main: `${steps.join('\n')}
${eois}
${dirs}
${first < 32 ? '    ldr     w25, [x18, #0x300]      // GICR_ISACTIVER0' : '    ldr     w25, [x19, #0x304]      // GICD_ISACTIVER1'}
${G.readApr('26')}`,
      h: `irq:
    add     x23, x23, #100          // IRQs are masked: never taken
    eret`,
    }),
    host,
    acks: intids,
    regs: { x22: n, x25: 0, x26: 0 },
    memory: memLog(DONE_LOG, down),
  });
}

/** Level semantics: the line lowered before EOI is not re-delivered; held high after EOI, it is. */
function levelLowered(eoiMode) {
  const inj = inject('inject', [32], { by: 'irqline', level: true });
  return base({
    file: `level-lowered-before-eoi-eoimode${eoiMode}`,
    check: `level: line lowered before EOI, ${eoiMode ? 'eoi_split' : 'EOImode 0'}`,
    mirrors:
      'vgic_irq guest_irq_handlers (level): the guest has the host lower the line (KVM_SET_IRQ_LINE 0) before EOI; the interrupt is then not pending and is not delivered again',
    header: `Level-sensitive SPI 32 raised by userspace; the handler has the host lower
the line before EOI${eoiMode ? ' (and DIR)' : ''}. It must be delivered exactly once: after the
EOI it is neither pending nor active, and nothing arrives during a further
2000 ticks with IRQs unmasked. ${modeText(eoiMode)}.

${HANDLER_NOTE(eoiMode, true)}`,
    description: 'level SPI whose line is lowered before EOI: delivered once',
    g: guest({
      eoiMode,
      level: true,
      prios: {},
      main: `${inj.code}
    mov     x0, #1
    bl      wfi_until
    msr     daifclr, #2
    mov     x0, #2000
    bl      wait_ticks
    msr     daifset, #2`,
      h: handler({ eoiMode, lowerAt: [32] }),
    }),
    host: [...inj.host, ...lowerHost([32])],
    acks: [32],
    regs: { x22: 1 },
    memory: memLog(DONE_LOG, [32]),
  });
}

function levelHeldHigh(eoiMode) {
  const inj = inject('inject', [32], { by: 'irqline', level: true });
  return base({
    file: `level-held-high-redelivered-eoimode${eoiMode}`,
    check: `level: line held high after EOI, ${eoiMode ? 'eoi_split' : 'EOImode 0'}`,
    mirrors:
      'vgic_irq level semantics (KVM_SET_IRQ_LINE_HIGH): a level interrupt whose line is still high after EOI is pending again and delivered again',
    header: `Level-sensitive SPI 32 raised by userspace and left high: the handler EOIs
it${eoiMode ? ' (EOIR, then DIR)' : ''} without lowering the line, so it is pending again at once
and re-delivered; on the third delivery the handler has the host lower the
line before EOI. Acknowledged 32, 32, 32; pending again after the first two
EOIs (x26 = 2), not after the third. ${modeText(eoiMode)}.`,
    description: 'level SPI held high after EOI is re-delivered until the line falls',
    g: guest({
      eoiMode,
      level: true,
      prios: {},
      main: `    mov     x26, #0
${inj.code}
    mov     x0, #3
    bl      wfi_until
    msr     daifclr, #2
    mov     x0, #2000
    bl      wait_ticks
    msr     daifset, #2`,
      h: handler({ eoiMode, heldHigh: { intid: 32, times: 3 } }).replace(
        '    add     x23, x23, x7            // error: still pending after IAR (edge, or the line is low)',
        '    // (pending right after IAR is legitimate here: the line is high)',
      ),
    }),
    host: [...inj.host, { after: { vcpu: 0, label: 'lower_32' }, irqLine: { intid: 32, level: 0 } }],
    acks: [32, 32, 32],
    regs: { x22: 3, x26: 2 },
  });
}

/** The checks written after this use `flavor`'s CPU interface (gen-vgic-irq-v3.mjs). */
export function useFlavor(flavor) {
  G = flavor;
}

export { ACK_LOG, base, byText, DONE_LOG, guest, HANDLER_NOTE, handler, lowerHost, memLog, modeText, polledPreemption };

export function vgicIrqChecks(flavor = V2) {
  G = flavor;
  const files = [];
  for (const trigger of ['edge', 'level'])
    for (const eoiMode of [0, 1]) for (const by of ['irqline', 'ispendr']) files.push(injection(trigger, eoiMode, by));
  files.push(manyPending('edge', 0, 'ispendr'), manyPending('edge', 1, 'irqline'));
  files.push(manyPending('level', 0, 'irqline'), manyPending('level', 1, 'ispendr'));
  files.push(allSpis(0), allSpis(1));
  files.push(nestedPreemption('edge', 0, 'irqline'), nestedPreemption('edge', 1, 'ispendr'));
  files.push(nestedPreemption('level', 0, 'ispendr'));
  files.push(polledPreemption('edge', 0, 'irqline', 4), polledPreemption('edge', 1, 'ispendr', 4));
  files.push(polledPreemption('level', 1, 'irqline', 4), polledPreemption('edge', 1, 'ispendr', 6));
  files.push(polledPreemption('edge', 0, 'irqline', 6));
  files.push(polledPreemption('edge', 0, 'ispendr', 5));
  files.push(levelLowered(0), levelLowered(1), levelHeldHigh(0), levelHeldHigh(1));
  return files;
}
