// arch_timer: 4 vcpus program their timers periodically (stages: virtual
// timer by CVAL, by TVAL, physical timer by CVAL, by TVAL), 5 iterations a
// stage; userspace migrates the whole VM (save, restore into a fresh one)
// after each of vcpu0's iterations, wherever the other vcpus are.

import { V2 } from './gic-flavor.mjs';
import { emit, POWEROFF, RESTORE, SAVE, TIMERS, VECTORS, WAIT_TICKS } from './lib.mjs';

const DIR = 'arch_timer';
// The GIC the checks being written drive (gic-flavor.mjs): set by archTimerChecks().
let F = V2;
const PERIOD = 500; // ticks (8 us at 62.5 MHz)
const MARGIN = 200; // the selftest waits period + 100 us
const ITERATIONS = 5;
const DEFAULT_VCPUS = 4;

const PENDING = `PENDING (simulator bug, see the report of this suite; divergence is the
only failing expectation): with several vcpus the board scheduler lets the
vcpus' local clocks drift far beyond its 64-tick quantum (two vcpus running
the same 12000-instruction register-only loop from t=0 read CNTPCT 1065 and
750; 750 is right). The reference machine's vcpus then program their timers
up to ~250 ticks late, so the divergence check sees the virtual machine's
vcpus acknowledge the timer "before hardware could" (e.g. vcpu2 acks 27 at
t=690, the reference's vcpu2 at t=819). Everything the guest checks passes.
The same scheduler bug as conformance/kvm-unit-tests/gic/smp-parallel-progress;
with the scheduler fix in progress (src/hw/board/scheduler.ts, uncommitted
when this was written) the check passes under both policies: then drop
.pending from the name (gen-arch-timer.mjs, \`pending\`).`;

const STAGES = {
  'vtimer-cval': { t: TIMERS.vtimer, how: 'cval', name: 'GUEST_STAGE_VTIMER_CVAL' },
  'vtimer-tval': { t: TIMERS.vtimer, how: 'tval', name: 'GUEST_STAGE_VTIMER_TVAL' },
  'ptimer-cval': { t: TIMERS.ptimer, how: 'cval', name: 'GUEST_STAGE_PTIMER_CVAL' },
  'ptimer-tval': { t: TIMERS.ptimer, how: 'tval', name: 'GUEST_STAGE_PTIMER_TVAL' },
};

function stageCode(key) {
  const { t, how } = STAGES[key];
  const tag = key.replace('-', '_');
  const program =
    how === 'cval'
      ? `    mrs     x0, ${t.cnt}
    add     x0, x0, #${PERIOD}
    msr     ${t.cval}, x0            // CVAL = counter + period`
      : `    mov     x0, #${PERIOD}
    msr     ${t.tval}, x0            // TVAL = period`;
  return `
    // ---- stage ${key}: ${ITERATIONS} iterations
    mov     x20, #${t.ppi}                 // the PPI this stage expects
    mov     x25, #0
${tag}_loop:
${program}
    mov     x0, #1
    msr     ${t.ctl}, x0             // CTL = ENABLE (IMASK clear)
    ldr     x0, =${PERIOD + MARGIN}
    bl      wait_ticks              // period + margin
    add     x25, x25, #1
    add     x26, x26, #1
    cmp     x22, x26
    b.eq    1f
    add     x23, x23, #1            // not exactly one interrupt per programming
1:
${tag}_done:
    nop                             // (vcpu0) userspace migrates the VM here
    cmp     x25, #${ITERATIONS}
    b.lo    ${tag}_loop`;
}

/** The handler: the INTID must be this stage's PPI; read CTL, mask, read counter and CVAL; ISTATUS, ENABLE, counter >= CVAL. */
const HANDLER = () => `
irq:${SAVE}
${F.iar()}
    cmp     w3, #1023
    b.eq    irq_spurious
    add     x22, x22, #1
    mov     x0, #2                  // CTL = IMASK: the line goes low
    cmp     w3, #27
    b.ne    1f
    mrs     x4, cntv_ctl_el0
    msr     cntv_ctl_el0, x0
    mrs     x5, cntvct_el0
    mrs     x6, cntv_cval_el0
    b       2f
1:  mrs     x4, cntp_ctl_el0
    msr     cntp_ctl_el0, x0
    mrs     x5, cntpct_el0
    mrs     x6, cntp_cval_el0
2:  cmp     x3, x20
    b.ne    irq_bad                 // not this stage's timer
    tbz     x4, #0, irq_bad         // CTL.ENABLE
    tbz     x4, #2, irq_bad         // CTL.ISTATUS
    cmp     x5, x6
    b.lo    irq_bad                 // counter < CVAL
    b       irq_eoi
irq_bad:
    add     x23, x23, #1
irq_eoi:
${F.eoir('2')}${RESTORE}
irq_spurious:
    add     x24, x24, #1${RESTORE}`;

function guest(stages, VCPUS) {
  return `${F.prelude()}
    ldr     w0, =0x48000000
${F.gic === 'v3' ? '    str     w0, [x18, #0x100]       // GICR_ISENABLER0: PPIs 27 and 30' : "    str     w0, [x19, #0x100]       // GICD_ISENABLER0: PPIs 27 and 30 (this vcpu's bank)"}
    mov     x26, #0                 // programmings so far
    msr     daifclr, #2
${stages.map(stageCode).join('\n')}

    // ---- report: this vcpu's counts at 0x40100000 + 16 * vcpu, then join
    msr     daifset, #2
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    ldr     x1, =0x40100000
    add     x1, x1, x0, lsl #4
    str     w22, [x1]               // interrupts handled
    str     w23, [x1, #4]           // errors
    ldr     x3, =0x40100100         // vcpus finished
1:  ldxr    w2, [x3]
    add     w2, w2, #1
    stxr    w4, w2, [x3]
    cbnz    w4, 1b
    cbnz    x0, park
2:  mrs     x5, cntpct_el0
    ldr     w2, [x3]
    cmp     w2, #${VCPUS}
    b.lo    2b                      // vcpu0 waits for all
${POWEROFF}
park:
    wfi
    b       park
${WAIT_TICKS}
${HANDLER()}
${VECTORS}`;
}

function archTimer(file, stages, { migrate, vcpus: VCPUS = DEFAULT_VCPUS }) {
  const pending = false; // the multi-vcpu clock drift is fixed (scheduler catches up to the slice start)
  const acks = stages.flatMap((k) => Array(ITERATIONS).fill(STAGES[k].t.ppi));
  const n = acks.length;
  const vcpuKeys = Array.from({ length: VCPUS }, (_, i) => `vcpu${i}`);
  const memory = {};
  for (let i = 0; i < VCPUS; i++) {
    memory[`0x${(0x40100000 + 16 * i).toString(16)}`] = n;
    memory[`0x${(0x40100004 + 16 * i).toString(16)}`] = 0;
  }
  memory['0x40100100'] = VCPUS;
  const names = stages.map((k) => STAGES[k].name).join(', ');
  return emit({
    dir: F.timerFolder(DIR),
    file: pending ? `${file}.pending` : file,
    header: `${pending ? `${PENDING}\n\n` : ''}${VCPUS} vcpu${VCPUS > 1 ? 's (start: all)' : ''} run the stage(s) ${stages.join(', ')}: per iteration
the guest programs the timer ${PERIOD} ticks ahead (CVAL = counter + period, or
TVAL = period), sets CTL = ENABLE, busy-waits period + ${MARGIN} ticks and
checks that exactly one more interrupt was handled (${ITERATIONS} iterations a stage).
${
  migrate
    ? `After each of vcpu0's iterations userspace saves the whole VM and
restores it into a fresh one (the selftest's vcpu migration stress: the
timers, the vgic's state, the physical active state move with it), while
the other vcpus are anywhere in theirs.`
    : 'No migration: the plain functional test.'
}

The handler checks what the selftest asserts: the INTID is the stage's
timer PPI, CTL had ENABLE and ISTATUS, counter >= CVAL; it masks the timer
(CTL = IMASK) and EOIs. x22 counts interrupts, x23 errors (must be 0);
each vcpu stores both at 0x40100000 + 16 * vcpu; vcpu0 powers off when all
${VCPUS} have finished.`,
    description: `${VCPUS} vcpus, ${stages.join(' + ')}, ${ITERATIONS} iterations each${migrate ? ', migration between iterations' : ''}`,
    conformance: {
      check: `${names}${migrate ? ' with migration' : ''}, ${VCPUS} vcpu${VCPUS > 1 ? 's' : ''}`,
      mirrors: `arch_timer guest_run_stage (${names}): each programming of the timer gives exactly one IRQ (irq_iter == iteration + 1), and the handler sees its timer PPI, ISTATUS set and counter >= CVAL${migrate ? '; with the VM migrated between iterations' : ''}`,
    },
    machine: {
      ...(F.gic === 'v3' ? { gic: 'v3' } : {}),
      ...(VCPUS > 1 ? { vcpus: VCPUS, start: 'all' } : {}),
      limits: { ticks: 2000000, instructions: 20000000 },
    },
    guest: { vcpu0: guest(stages, VCPUS), ...Object.fromEntries(vcpuKeys.slice(1).map((k) => [k, { same: 'vcpu0' }])) },
    host: migrate
      ? stages.map((k) => ({ after: { vcpu: 0, label: `${k.replace('-', '_')}_done` }, saveRestore: true }))
      : [],
    expect: {
      acknowledged: Object.fromEntries(vcpuKeys.map((k) => [k, acks])),
      registers: Object.fromEntries(vcpuKeys.map((k) => [k, { x22: n, x23: 0 }])),
      memory,
      exit: 'poweroff',
      divergence: 'none',
    },
  });
}

export function archTimerChecks(flavor = V2) {
  F = flavor;
  const files = [];
  for (const k of Object.keys(STAGES)) files.push(archTimer(k, [k], { migrate: true }));
  files.push(archTimer('all-stages', Object.keys(STAGES), { migrate: false }));
  files.push(archTimer('all-stages-migrate', Object.keys(STAGES), { migrate: true }));
  // One vcpu: the same checks without the multi-vcpu scheduler drift (see PENDING).
  files.push(archTimer('all-stages-1vcpu', Object.keys(STAGES), { migrate: false, vcpus: 1 }));
  files.push(archTimer('all-stages-migrate-1vcpu', Object.keys(STAGES), { migrate: true, vcpus: 1 }));
  return files;
}
