// arch_timer_edge_cases: one timer, one vcpu, one corner of the timer
// architecture per check (Arm ARM D11 "The Generic Timer": CVAL compares
// unsigned over 64 bits, TVAL is a signed 32-bit view of CVAL - counter).

import { V2 } from './gic-flavor.mjs';
import { emit, POWEROFF, TIMERS, VECTORS, WAIT_TICKS, WFI_UNTIL } from './lib.mjs';

const DIR = 'arch_timer_edge_cases';
// The GIC the checks being written drive (gic-flavor.mjs): set by edgeCases().
let F = V2;
const HANDLER_NOTE = `
The handler (both timers): acknowledge, read CTL, mask the timer (CTL =
IMASK), read the counter and CVAL; it counts an error (x23) unless the
INTID is the timer's PPI, CTL had ENABLE and ISTATUS, and counter >= CVAL
(the selftest's "ISTATUS && ENABLE == (counter >= CVAL)"). x22 counts the
interrupts, x21 keeps the counter at the last one.`;

function guest(t, body) {
  return `${F.prelude()}${F.enablePpi(t)}
${body}
${POWEROFF}
${WAIT_TICKS}
${WFI_UNTIL}
${F.timerHandler(t)}
${VECTORS}`;
}

/** A check on both timers unless `only` names one. */
function check(c) {
  const out = [];
  for (const key of c.only ? [c.only] : ['vtimer', 'ptimer']) {
    const t = TIMERS[key];
    const x = c.build(t, key);
    out.push(
      emit({
        dir: F.timerFolder(DIR),
        file: `${key}-${c.file}`,
        header: `${x.header}\n${HANDLER_NOTE}`,
        description: x.description,
        conformance: { check: `${c.check} (${t.name} timer)`, mirrors: x.mirrors, note: x.note },
        machine: {
          ...(F.gic === 'v3' ? { gic: 'v3' } : {}),
          limits: x.limits ?? { ticks: 200000, instructions: 2000000 },
          ...(x.machine ?? {}),
        },
        guest: guest(t, x.body),
        host: x.host,
        expect: {
          ...(x.acks !== undefined ? { acknowledged: { vcpu0: x.acks } } : {}),
          ...(x.never ? { never: x.never } : {}),
          registers: { vcpu0: { x22: x.count, x23: 0, ...x.regs } },
          exit: 'poweroff',
          divergence: 'none',
          ...(x.verdicts ? { verdicts: x.verdicts } : {}),
        },
      }),
    );
  }
  return out;
}

/** Fires at once: the guest programs the timer so that it has already expired and enables it. */
function firesAtOnce(file, checkName, program, what, mirrors) {
  return check({
    file,
    check: checkName,
    build: (t) => ({
      header: `${what} The timer condition (CVAL <= counter) holds as soon as it is
enabled: exactly one interrupt, promptly (within 500 ticks of the
programming: x27 = 1), and none after the handler masked it (x22 = 1
after a further 2000 ticks).`,
      description: what,
      mirrors,
      body: `
    msr     daifclr, #2
    mov     x0, #200
    bl      wait_ticks              // the counter is past 200 (CVAL in the past is then >= 0)
    mrs     x26, ${t.cnt}             // the counter at the programming
${program(t)}
    mov     x0, #1
    msr     ${t.ctl}, x0             // CTL = ENABLE
    mov     x0, #2000
    bl      wait_ticks
    sub     x0, x21, x26
    cmp     x0, #500
    cset    x27, lo                 // fired within 500 ticks`,
      acks: [t.ppi],
      count: 1,
      regs: { x27: 1 },
    }),
  });
}

export function edgeCases(flavor = V2) {
  F = flavor;
  const files = [];

  files.push(
    ...firesAtOnce(
      'tval-minus-one',
      'test_timers_in_the_past: TVAL = -1',
      (t) => `
    mov     x0, #-1
    msr     ${t.tval}, x0            // TVAL = -1: CVAL = counter - 1`,
      'TVAL = -1: CVAL = counter - 1, already expired.',
      'arch_timer_edge_cases test_timers_in_the_past / sanity: programming TVAL = -1 puts CVAL one tick behind the counter, so the timer fires at once; exactly one IRQ is handled',
    ),
    ...firesAtOnce(
      'tval-zero',
      'test_timers_in_the_past: TVAL = 0',
      (t) => `
    msr     ${t.tval}, xzr           // TVAL = 0: CVAL = counter`,
      'TVAL = 0: CVAL = counter, expired at once.',
      'arch_timer_edge_cases test_timers_in_the_past: TVAL = 0 fires at once; exactly one IRQ',
    ),
    ...firesAtOnce(
      'cval-zero',
      'test_timers_in_the_past: CVAL = 0',
      (t) => `
    msr     ${t.cval}, xzr           // CVAL = 0`,
      'CVAL = 0: every counter value is >= CVAL.',
      'arch_timer_edge_cases test_timers_in_the_past: CVAL = 0 fires at once; exactly one IRQ',
    ),
    ...firesAtOnce(
      'cval-in-the-past',
      'test_timers_in_the_past: CVAL in the past',
      (t) => `
    sub     x0, x26, #100
    msr     ${t.cval}, x0            // CVAL = counter - 100`,
      'CVAL 100 ticks in the past.',
      'arch_timer_edge_cases test_timers_in_the_past: a timer programmed in the past fires exactly once',
    ),
  );

  // TVAL = INT32_MIN needs a counter above 2^31 for CVAL to be in the past.
  files.push(
    ...check({
      file: 'tval-int32-min',
      check: 'test_timers_in_the_past: TVAL = INT32_MIN',
      build: (t, key) =>
        key === 'vtimer'
          ? {
              header: `TVAL = INT32_MIN (0x80000000) with the virtual counter at 2^62 (userspace
sets CNTVOFF = -2^62 at time 0, as the selftest sets the counter to its
DEF_CNT before the guest runs): CVAL = counter - 2^31, in the past, the
timer fires at once, exactly once. x26 = counter >> 62 (1: the offset took
effect), x27 = 1 when the interrupt came within 500 ticks.`,
              description: 'TVAL = INT32_MIN with the virtual counter at 2^62 fires at once',
              mirrors:
                'arch_timer_edge_cases test_timers_in_the_past: TVAL = INT32_MIN (CVAL = counter - 2^31) fires; exactly one IRQ',
              host: [{ at: 0, counterOffset: '0xc000000000000000' }],
              body: `
    msr     daifclr, #2
    mov     x0, #200
    bl      wait_ticks
    mrs     x25, ${t.cnt}
    ldr     w0, =0x80000000
    msr     ${t.tval}, x0            // TVAL = INT32_MIN
    mov     x0, #1
    msr     ${t.ctl}, x0
    mov     x0, #2000
    bl      wait_ticks
    lsr     x26, x25, #62           // the counter was moved to 2^62
    sub     x0, x21, x25
    cmp     x0, #500
    cset    x27, lo`,
              acks: [t.ppi],
              count: 1,
              regs: { x26: 1, x27: 1 },
            }
          : {
              header: `TVAL = INT32_MIN on the physical timer, whose counter userspace cannot
move in this model: the guest first sleeps in WFI on a timer at 2^31 +
1000 ticks (one interrupt, x22 = 1), so that the counter is above 2^31;
then TVAL = INT32_MIN puts CVAL 2^31 ticks in the past and the timer fires
at once (x22 = 2, x27 = 1 when within 500 ticks).`,
              description: 'TVAL = INT32_MIN with the physical counter above 2^31 fires at once',
              mirrors:
                'arch_timer_edge_cases test_timers_in_the_past: TVAL = INT32_MIN (CVAL = counter - 2^31) fires; exactly one IRQ',
              limits: { ticks: 3000000000, instructions: 2000000 },
              body: `
    ldr     x0, =0x800003e8
    msr     ${t.cval}, x0            // CVAL = 2^31 + 1000
    mov     x0, #1
    msr     ${t.ctl}, x0
    mov     x0, #1
    bl      wfi_until               // sleep until it fires
    msr     daifclr, #2
    mrs     x25, ${t.cnt}
    ldr     w0, =0x80000000
    msr     ${t.tval}, x0            // TVAL = INT32_MIN
    mov     x0, #1
    msr     ${t.ctl}, x0
    mov     x0, #2000
    bl      wait_ticks
    lsr     x26, x25, #31           // 1: the counter was above 2^31
    sub     x0, x21, x25
    cmp     x0, #500
    cset    x27, lo`,
              acks: [t.ppi, t.ppi],
              count: 2,
              regs: { x26: 1, x27: 1 },
            },
    }),
  );

  files.push(
    ...check({
      file: 'tval-negative-wraps-cval',
      check: 'test_timers_in_the_past: negative TVAL near counter 0 wraps CVAL',
      build: (t) => ({
        header: `Near counter 0 the guest writes TVAL = -100000: CVAL = counter - 100000
wraps (64-bit unsigned) to about 2^64 - 100000, a deadline that never comes.
The guest reads CVAL back (x25 = CVAL >> 63 = 1) and CTL (x20 = 1: ENABLE,
ISTATUS clear), waits 5000 ticks; no interrupt.`,
        description: 'negative TVAL near counter 0: CVAL wraps to near 2^64, never fires',
        mirrors:
          'arch_timer_edge_cases sanity / test_timers_in_the_past: negative TVAL near counter 0 wraps CVAL close to 2^64; no IRQ',
        body: `
    msr     daifclr, #2
    ldr     w0, =0xfffe7960
    msr     ${t.tval}, x0            // TVAL = -100000
    mov     x0, #1
    msr     ${t.ctl}, x0
    mrs     x0, ${t.cval}
    lsr     x25, x0, #63            // CVAL wrapped to the top of the 64-bit range
    mov     x0, #5000
    bl      wait_ticks
    mrs     x20, ${t.ctl}            // ENABLE, no ISTATUS`,
        never: [t.ppi],
        count: 0,
        regs: { x20: 1, x25: 1 },
      }),
    }),
  );

  files.push(
    ...check({
      file: 'cval-beyond-tval-max',
      check: 'test_timers_above_tval_max',
      build: (t, key) => ({
        header: `CVAL = counter + 2^31 + 1000, beyond what a 32-bit TVAL can express
(TVAL_MAX = 2^31 - 1). TVAL reads (CVAL - counter)[31:0], which as a signed
32-bit value is negative (x25 = 1: TVAL <= 0). The timer must not fire
during a 2000-tick wait (x20 = 0): CVAL is not computed through TVAL.
Then ${
          key === 'vtimer'
            ? 'userspace moves the virtual counter 2^31 + 3000 ticks ahead (CNTVOFF\n= -(2^31 + 3000)), past CVAL'
            : 'the guest sleeps in WFI until the counter reaches CVAL (about 2^31\nticks of virtual time)'
        }: exactly one interrupt.`,
        description: 'CVAL beyond TVAL_MAX: TVAL reads negative, no early IRQ, one IRQ at CVAL',
        mirrors:
          'arch_timer_edge_cases test_timers_above_tval_max: with CVAL > counter + TVAL_MAX, TVAL reads <= 0, no IRQ arrives early, and exactly one IRQ arrives once the counter passes CVAL',
        limits: key === 'ptimer' ? { ticks: 3000000000, instructions: 2000000 } : undefined,
        host:
          key === 'vtimer'
            ? [
                { after: { vcpu: 0, label: 'move_counter' }, exit: 'host' },
                { after: { vcpu: 0, label: 'move_counter' }, counterOffset: -2147486648 },
              ]
            : undefined,
        body: `
    msr     daifclr, #2
    mrs     x26, ${t.cnt}
    ldr     x0, =0x800003e8         // 2^31 + 1000
    add     x28, x26, x0
    msr     ${t.cval}, x28
    mov     x0, #1
    msr     ${t.ctl}, x0
    mrs     x0, ${t.tval}
    sxtw    x0, w0                  // the signed 32-bit view
    cmp     x0, #0
    cset    x25, le                 // TVAL <= 0
    mov     x0, #2000
    bl      wait_ticks
    mov     x20, x22                // interrupts so far: none
${
  key === 'vtimer'
    ? `move_counter:
    nop                             // userspace moves the counter here
    mov     x0, #2000
    bl      wait_ticks`
    : `    mov     x0, #1
    bl      wfi_until               // sleep until the counter reaches CVAL
    mov     x0, #100
    bl      wait_ticks`
}
    cmp     x21, x28
    cset    x27, hs                 // taken at or after CVAL`,
        acks: [t.ppi],
        count: 1,
        regs: { x20: 0, x25: 1, x27: 1 },
      }),
    }),
  );

  files.push(
    ...check({
      file: 'reprogram-later',
      check: 'test_reprogramming_timer: TVAL w then 2w',
      build: (t) => ({
        header: `TVAL = 1000, enable, then at once TVAL = 2000 (a later deadline D2, kept
in x28). At 1500 ticks (past the first deadline) nothing has fired (x20 =
0); by 3500 ticks exactly one interrupt has, at or after D2 (x27 = 1).`,
        description: 'reprogramming to a later deadline: one IRQ, at the second deadline',
        mirrors:
          'arch_timer_edge_cases test_reprogramming_timer: reprogramming TVAL to a later deadline fires once, at the second deadline or later',
        body: `
    msr     daifclr, #2
    mov     x0, #1000
    msr     ${t.tval}, x0
    mov     x0, #1
    msr     ${t.ctl}, x0
    mov     x0, #2000
    msr     ${t.tval}, x0            // the later deadline replaces the first
    mrs     x28, ${t.cval}
    mov     x0, #1500
    bl      wait_ticks
    mov     x20, x22                // nothing at the first deadline
    mov     x0, #2000
    bl      wait_ticks
    cmp     x21, x28
    cset    x27, hs`,
        acks: [t.ppi],
        count: 1,
        regs: { x20: 0, x27: 1 },
      }),
    }),
    ...check({
      file: 'reprogram-earlier',
      check: 'test_reprogramming_timer: TVAL 2w then w',
      build: (t) => ({
        header: `TVAL = 2000, enable, then at once TVAL = 1000 (an earlier deadline D2, in
x28). At 1500 ticks the interrupt has come, exactly once (x20 = 1), at or
after D2 (x27 = 1); nothing more at the first deadline (x22 = 1 at 3500).`,
        description: 'reprogramming to an earlier deadline: one IRQ, at the earlier deadline',
        mirrors:
          'arch_timer_edge_cases test_reprogramming_timer: reprogramming TVAL to an earlier deadline fires once, at the new (earlier) deadline',
        body: `
    msr     daifclr, #2
    mov     x0, #2000
    msr     ${t.tval}, x0
    mov     x0, #1
    msr     ${t.ctl}, x0
    mov     x0, #1000
    msr     ${t.tval}, x0            // an earlier deadline replaces the first
    mrs     x28, ${t.cval}
    mov     x0, #1500
    bl      wait_ticks
    mov     x20, x22                // fired at the earlier deadline
    mov     x0, #2000
    bl      wait_ticks
    cmp     x21, x28
    cset    x27, hs`,
        acks: [t.ppi],
        count: 1,
        regs: { x20: 1, x27: 1 },
      }),
    }),
  );

  files.push(
    ...check({
      file: 'imask-then-unmask',
      check: 'test_timer_control_masks / test_timer_control_mask_then_unmask',
      build: (t) => ({
        header: `An expired timer (CVAL = counter) enabled with CTL.IMASK set stays silent
for 1000 ticks with IRQs unmasked (x20 = 0) while CTL reads ENABLE | IMASK
| ISTATUS (x25 = 7); clearing IMASK delivers exactly one interrupt.`,
        description: 'IMASK keeps an expired timer silent; unmasking delivers one IRQ',
        mirrors:
          'arch_timer_edge_cases test_timer_control_masks and test_timer_control_mask_then_unmask: CTL.IMASK keeps an expired timer silent, clearing it delivers exactly one IRQ',
        body: `
    msr     daifclr, #2
    mrs     x0, ${t.cnt}
    msr     ${t.cval}, x0            // expired
    mov     x0, #3
    msr     ${t.ctl}, x0             // ENABLE | IMASK
    mov     x0, #1000
    bl      wait_ticks
    mov     x20, x22                // silent while masked
    mrs     x25, ${t.ctl}            // ENABLE | IMASK | ISTATUS
    mov     x0, #1
    msr     ${t.ctl}, x0             // unmask
    mov     x0, #1000
    bl      wait_ticks`,
        acks: [t.ppi],
        count: 1,
        regs: { x20: 0, x25: 7 },
      }),
    }),
  );

  files.push(
    ...check({
      file: 'fire-10-times',
      check: 'test_fire_a_timer_multiple_times',
      build: (t) => ({
        header: `The same timer is fired 10 times in a row: TVAL = 100 and ENABLE, wait
for the interrupt (the handler masks the timer), reprogram. Exactly 10
interrupts, one per programming.`,
        description: 'the same timer fired 10 times: 10 IRQs',
        mirrors:
          'arch_timer_edge_cases test_fire_a_timer_multiple_times: re-enabling the timer after each handled IRQ fires it again; 10 programmings, 10 IRQs',
        body: `
    msr     daifclr, #2
    mov     x25, #0
1:  mov     x0, #100
    msr     ${t.tval}, x0
    mov     x0, #1
    msr     ${t.ctl}, x0             // ENABLE (clears IMASK)
    add     x25, x25, #1
2:  mrs     x0, cntpct_el0          // wait for this programming's interrupt
    cmp     x22, x25
    b.lo    2b
    cmp     x25, #10
    b.lo    1b
    mov     x0, #1000
    bl      wait_ticks`,
        acks: Array(10).fill(t.ppi),
        count: 10,
        regs: {},
      }),
    }),
  );

  // Userspace moves the (virtual) counter: only CNTVOFF is modelled.
  const ahead = (file, checkName, program, what, mirrors, offset) =>
    check({
      file,
      check: checkName,
      only: 'vtimer',
      build: (t) => ({
        header: `${what} The timer must stay silent for 500 ticks (x20 = 0); then
userspace takes the vcpu out and sets CNTVOFF = ${offset} (the virtual
counter jumps ahead past CVAL): exactly one interrupt.`,
        description: what,
        mirrors,
        host: [
          { after: { vcpu: 0, label: 'move_counter' }, exit: 'host' },
          { after: { vcpu: 0, label: 'move_counter' }, counterOffset: offset },
        ],
        body: `
    msr     daifclr, #2
${program(t)}
    mov     x0, #1
    msr     ${t.ctl}, x0
    mov     x0, #500
    bl      wait_ticks
    mov     x20, x22                // nothing yet
move_counter:
    nop                             // userspace moves the counter here
    mov     x0, #1000
    bl      wait_ticks`,
        acks: [t.ppi],
        count: 1,
        regs: { x20: 0 },
      }),
    });
  files.push(
    ...ahead(
      'counter-moved-ahead-cval',
      'test_set_cnt_after_cval',
      (t) => `
    mrs     x0, ${t.cnt}
    ldr     x1, =10000000
    add     x0, x0, x1
    msr     ${t.cval}, x0            // CVAL = counter + 10^7 (after the run)`,
      'CVAL = counter + 10^7 ticks.',
      'arch_timer_edge_cases test_set_cnt_after_cval / test_move_counters_ahead_of_timers: moving the counter ahead of a programmed CVAL delivers exactly one IRQ',
      -20000000,
    ),
    ...ahead(
      'counter-moved-ahead-tval-max',
      'test_set_cnt_after_tval_max',
      (t) => `
    ldr     w0, =0x7fffffff
    msr     ${t.tval}, x0            // TVAL = TVAL_MAX`,
      'TVAL = TVAL_MAX (2^31 - 1).',
      'arch_timer_edge_cases test_move_counters_ahead_of_timers: TVAL = TVAL_MAX, then the counter moved past TVAL_MAX delivers exactly one IRQ',
      -2147484648,
    ),
  );

  // The seed case from userspace: the counter moves behind an expired timer while IRQs are masked.
  files.push(
    ...['cval', 'tval'].flatMap((how) =>
      check({
        file: `counter-moved-behind-masked-${how}`,
        check: `test_move_counters_behind_timers (${how === 'cval' ? 'CVAL = counter - 1' : 'TVAL = -1'})`,
        only: 'vtimer',
        build: (t) => ({
          header: `With IRQs masked the guest expires the timer (${how === 'cval' ? 'CVAL = counter - 1' : 'TVAL = -1'}, at
counter ~10000) and polls CTL until ISTATUS is set; the timer firing makes
the vcpu exit and the vgic queue INTID 27. Userspace then takes the vcpu
out and sets CNTVOFF = 8000: the virtual counter goes back behind CVAL, the
timer output falls (CTL reads ENABLE only: x25 = 1). The guest unmasks
200 ticks later and waits 2000 ticks.

Hardware: the line was high only while IRQs were masked; nothing is taken.
  level        the counter write re-evaluates the timer and lowers the
               line; the queued virtual interrupt is withdrawn (pass).
  legacy-edge  the edge latched when the timer fired is delivered at the
               unmask although the timer condition is false (fail: the
               2015 seed bug, which this selftest case guards against).`,
          description: 'counter moved behind an expired timer while IRQs are masked: no IRQ',
          mirrors:
            'arch_timer_edge_cases test_move_counters_behind_timers: with CPU IRQs masked, an expired timer, then the counter set behind CVAL, then unmask: no IRQ may be delivered',
          note: 'seed-fix',
          host: [
            { after: { vcpu: 0, label: 'expired' }, exit: 'host' },
            { after: { vcpu: 0, label: 'expired' }, counterOffset: 8000 },
          ],
          body: `
    ldr     x0, =10000
    bl      wait_ticks              // the counter is past 10000
    msr     daifset, #2
${
  how === 'cval'
    ? `    mrs     x0, ${t.cnt}
    sub     x0, x0, #1
    msr     ${t.cval}, x0            // CVAL = counter - 1`
    : `    mov     x0, #-1
    msr     ${t.tval}, x0            // TVAL = -1`
}
    mov     x0, #1
    msr     ${t.ctl}, x0
1:  mrs     x0, ${t.ctl}
    tbz     x0, #2, 1b              // until ISTATUS
expired:
    nop                             // userspace sets the counter here
    mrs     x25, ${t.ctl}            // ENABLE only: no longer expired
    mov     x0, #200
    bl      wait_ticks
    msr     daifclr, #2
    mov     x0, #2000
    bl      wait_ticks`,
          never: [t.ppi],
          count: 0,
          regs: { x25: 1 },
          verdicts: { level: 'pass', 'legacy-edge': 'fail' },
        }),
      }),
    ),
  );

  files.push(
    ...check({
      file: 'basic-wfi',
      check: 'test_timer_cval / test_timer_tval (wfi wait)',
      build: (t) => ({
        header: `The basic case with the WFI wait method: CVAL = counter + 1000, sleep in
WFI until the interrupt; then TVAL = 1000, the same. One interrupt per
programming, each at or after its CVAL (the handler checks), none early:
the first wake is at least 1000 ticks after the programming (x27 = 1).`,
        description: 'CVAL then TVAL programmed 1000 ticks ahead, waited for in WFI: one IRQ each',
        mirrors:
          'arch_timer_edge_cases test_timer_cval and test_timer_tval with the WFI wait method: exactly one IRQ per programming, not before the deadline',
        body: `
    mrs     x26, ${t.cnt}
    add     x0, x26, #1000
    msr     ${t.cval}, x0
    mov     x0, #1
    msr     ${t.ctl}, x0
    mov     x0, #1
    bl      wfi_until
    sub     x0, x21, x26
    cmp     x0, #1000
    cset    x27, hs
    mov     x0, #1000
    msr     ${t.tval}, x0
    mov     x0, #1
    msr     ${t.ctl}, x0
    mov     x0, #2
    bl      wfi_until
    msr     daifclr, #2
    mov     x0, #1000
    bl      wait_ticks`,
        acks: [t.ppi, t.ppi],
        count: 2,
        regs: { x27: 1 },
      }),
    }),
  );

  return files;
}
