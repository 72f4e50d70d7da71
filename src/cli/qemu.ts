// `vgicsim qemu [qemu-system-aarch64 options]` (also the `vgicsim-qemu`
// command): boots -kernel on the virt board the way qemu-system-aarch64
// does (src/scenario/linux-boot.ts), under the modelled KVM hypervisor, the
// guest's PL011 streamed to stdout, and ends with QEMU's exit status:
//   0    PSCI SYSTEM_OFF; SYSTEM_RESET with -no-reboot (QEMU exits 0 too;
//        without -no-reboot QEMU would reboot, which vgicsim does not model:
//        it says so on stderr and exits 0)
//   1    a bad command line or image (QEMU's "could not load kernel"), or a
//        guest the hypervisor cannot run
//   2    a command line QEMU would run but vgicsim cannot honour (a GICv3
//        machine under a --policy generation without vgic-v3, or with more
//        than its 123 cpus)
//   124  the virtual-time limit (--timeout, default 90s of guest time, as
//        kvm-unit-tests' default timeout) or every vcpu waiting for ever:
//        what timeout(1) reports for a QEMU that would run on, so a runner
//        that counts 124 as a timeout sees one
// Options are parsed in qemu-args.ts; docs/qemu-compat.md lists them.

import { resolve } from 'node:path';
import { GENERATION_OR_ALIAS as POLICY_NAMES, generationByName } from '../hyp/generation/index.ts';
import { LivelockError } from '../hyp/vcpu/run-loop.ts';
import { GuestError } from '../hyp/vm.ts';
import { DEFAULT_MACHINE, printable, type Scenario, ScenarioError } from '../scenario/index.ts';
import { runScenario } from '../scenario/run.ts';
import { MemorySink } from '../sim/trace/sink.ts';
import { UsageError } from './errors.ts';
import { parseVirtualTime, writeTraceFiles } from './outputs.ts';
import {
  MAX_GICV2_CPUS,
  MAX_VGICSIM_V3_CPUS,
  parseQemuArgs,
  QEMU_EXIT_ERROR,
  QemuArgError,
  type QemuConfig,
} from './qemu-args.ts';

/** QEMU's version whose virt board and direct kernel boot vgicsim follows (checked against it). */
export const QEMU_VERSION = '7.2.0';
/** What timeout(1) returns; kvm-unit-tests' run scripts read it as a timeout. */
export const EXIT_TIMEOUT = 124;
const DEFAULT_TIMEOUT = '90s';

/** A command line QEMU would run that vgicsim cannot honour (issue 17: a clear error, exit 2). */
export const EXIT_UNHONOURED = 2;

const USAGE =
  'usage: vgicsim qemu [-machine virt[,gic-version=2|3|host|max]] [-accel tcg|kvm] [-cpu max] [-smp N] [-m SIZE]\n' +
  '                    -kernel IMAGE [-initrd FILE] [-append CMDLINE] [-dtb FILE]\n' +
  '                    [-nographic] [-display none] [-serial stdio] [-no-reboot] [-nodefaults]\n' +
  '                    [--policy NAME] [--seed N] [--timeout TIME] [--vcd FILE] [--perfetto FILE] [--trace FILE]\n' +
  'docs/qemu-compat.md lists what each option does here.\n';

const nowhere = { file: '<command line>', line: 1, column: 1 };
const fileArg = (p: string) => ({ written: p, resolved: resolve(p), where: nowhere });

/** A gic-version vgicsim cannot give under the chosen generation: exit EXIT_UNHONOURED. */
export class QemuUnhonouredError extends Error {
  override name = 'QemuUnhonouredError';
}

/**
 * The GIC the machine gets, as QEMU 7.2's virt board decides it
 * (finalize_gic_version), the modelled KVM release standing for the host's
 * KVM (its vgic-v3 is what kvm_arm_vgic_probe would find):
 * - not selected, `2`: a GICv2 (TCG's default; KVM's too for <= 8 vcpus
 *   on a host that emulates GICv2, as vgicsim's does; KVM picks a GICv3
 *   for more);
 * - `3`: a GICv3; a generation without vgic-v3 cannot run one (QEMU on
 *   such a host: "host does not support in-kernel GICv3 emulation");
 * - `max`: GICv3 where the generation has vgic-v3, else GICv2 (QEMU's KVM
 *   rule; its TCG picks GICv3 too, GICv4 only with virtualization=on, which
 *   vgicsim refuses);
 * - `host`: as `max` with `-accel kvm`; with TCG QEMU refuses it ("gic-version=host requires KVM").
 */
export function resolveGic(c: QemuConfig, policy: string = DEFAULT_MACHINE.policy): 'v2' | 'v3' {
  const gic = chooseGic(c, policy);
  // QEMU's own limit for a GICv2
  if (gic === 'v2' && c.smp > MAX_GICV2_CPUS)
    throw new QemuArgError(
      `-smp ${c.smp}: number of SMP CPUs requested (${c.smp}) exceeds max CPUs supported by machine 'mach-virt' with a GICv2 (${MAX_GICV2_CPUS})`,
    );
  // a GICv3 takes up to 512 in QEMU, 123 of them in its first redistributor region
  if (gic === 'v3' && c.smp > MAX_VGICSIM_V3_CPUS)
    throw new QemuUnhonouredError(
      `-smp ${c.smp}: vgicsim's GICv3 serves at most ${MAX_VGICSIM_V3_CPUS} cpus, the redistributors of QEMU virt's first region (QEMU would add its second, above 4 GiB, for ${c.smp})`,
    );
  return gic;
}

function chooseGic(c: QemuConfig, policy: string): 'v2' | 'v3' {
  const gen = generationByName(policy);
  const hasV3 = gen.vgicV3 === true;
  switch (c.gicVersion) {
    case undefined:
      // QEMU's KVM default: GICv2 for up to 8 vcpus, else GICv3 (TCG: GICv2)
      return c.accel === 'kvm' && c.smp > MAX_GICV2_CPUS && hasV3 ? 'v3' : 'v2';
    case '2':
      return 'v2';
    case '3':
      if (!hasV3)
        throw new QemuUnhonouredError(
          `-machine gic-version=3: ${gen.name} (--policy ${policy}) has no vgic-v3, so its VM runs GICv2 guests only (QEMU on such a host: "host does not support in-kernel GICv3 emulation"); use a generation with vgic-v3 or gic-version=2`,
        );
      return 'v3';
    case 'host':
      if (c.accel !== 'kvm')
        throw new QemuArgError('-machine gic-version=host requires KVM (-accel kvm), as in QEMU 7.2');
      return hasV3 ? 'v3' : 'v2';
    case 'max':
      return hasV3 ? 'v3' : 'v2';
  }
}

/** The run a QEMU command line describes, as a scenario (no expectations: the status says how it ended). */
export function qemuScenario(
  c: QemuConfig,
  counterHz = DEFAULT_MACHINE.counterHz,
  gic: 'v2' | 'v3' = 'v2',
): Scenario {
  const limitTicks = parseVirtualTime(c.timeout ?? DEFAULT_TIMEOUT, counterHz);
  if (limitTicks < 1) throw new QemuArgError(`--timeout ${c.timeout}: expected a virtual time above 0`);
  return {
    version: 1,
    name: c.kernel,
    file: '<command line>',
    machine: {
      ...DEFAULT_MACHINE,
      policy: DEFAULT_MACHINE.policy,
      gic,
      vcpus: c.smp,
      memory: c.memory ?? 128 * 1024 * 1024,
      counterHz,
      limits: { ticks: limitTicks, instructions: Number.MAX_SAFE_INTEGER },
    },
    guest: {
      kind: 'linux',
      linux: {
        kernel: fileArg(c.kernel),
        initrd: c.initrd === undefined ? undefined : fileArg(c.initrd),
        bootargs: c.append,
        dtb: c.dtb === undefined ? 'auto' : fileArg(c.dtb),
      },
    },
    host: [],
    expect: { acknowledged: [], never: [], registers: [], memory: [] },
  } as Scenario;
}

function versionText(): string {
  return `QEMU emulator version ${QEMU_VERSION} (vgicsim)\nCopyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n`;
}

/** Runs `vgicsim qemu argv...`; returns the exit status. Writes the console to stdout, problems to stderr. */
export function qemuMain(argv: readonly string[]): number {
  const fail = (msg: string): number => {
    process.stderr.write(`vgicsim qemu: ${printable(msg)}\n`);
    return QEMU_EXIT_ERROR;
  };
  let c: QemuConfig;
  try {
    const p = parseQemuArgs(argv);
    if ('print' in p) {
      if (p.print === '') process.stdout.write(versionText());
      else if (p.print === 'help') process.stdout.write(USAGE);
      else process.stdout.write(p.print);
      return 0;
    }
    c = p;
  } catch (e) {
    if (e instanceof QemuArgError) return fail(e.message);
    throw e;
  }
  if (c.policy !== undefined && !(POLICY_NAMES as readonly string[]).includes(c.policy))
    return fail(`--policy ${c.policy}: expected one of ${POLICY_NAMES.join(', ')}`);

  let s: Scenario;
  try {
    s = qemuScenario(c, DEFAULT_MACHINE.counterHz, resolveGic(c, c.policy));
  } catch (e) {
    if (e instanceof QemuUnhonouredError) {
      process.stderr.write(`vgicsim qemu: ${printable(e.message)}\n`);
      return EXIT_UNHONOURED;
    }
    if (e instanceof QemuArgError || e instanceof RangeError) return fail(e.message);
    throw e;
  }
  const traced = c.vcd !== undefined || c.perfetto !== undefined || c.trace !== undefined;
  const memory = traced ? new MemorySink() : undefined;
  const out = new ConsoleOut();
  let run: ReturnType<typeof runScenario>;
  try {
    run = runScenario(s, { policy: c.policy, seed: c.seed, trace: memory, onConsole: out.byte });
  } catch (e) {
    out.flush();
    // Bad -kernel/-initrd/-dtb: the loader's sentence names the file (QEMU: "could not load kernel").
    if (e instanceof ScenarioError) return fail(e.diagnostics.map((d) => d.message).join('; '));
    if (e instanceof GuestError || e instanceof LivelockError) return fail(e.message);
    throw e;
  }
  out.flush();
  if (memory !== undefined) {
    try {
      writeTraceFiles(c, undefined, memory.records, {
        counterHz: s.machine.counterHz,
        endTicks: run.ticks,
        title: `${c.kernel} (${run.policy})`,
        inputs: [c.kernel, ...(c.initrd ? [c.initrd] : []), ...(c.dtb ? [c.dtb] : [])],
      });
    } catch (e) {
      if (e instanceof UsageError) return fail(e.message);
      throw e;
    }
  }
  switch (run.end) {
    case 'poweroff':
      return 0;
    case 'reset':
      if (!c.noReboot)
        process.stderr.write(
          'vgicsim qemu: the guest asked for PSCI SYSTEM_RESET; QEMU would reboot it, vgicsim stops (exit 0 as with -no-reboot)\n',
        );
      return 0;
    case 'limit':
      process.stderr.write(
        `vgicsim qemu: timeout: the guest ran ${c.timeout ?? DEFAULT_TIMEOUT} of virtual time without powering off\n`,
      );
      return EXIT_TIMEOUT;
    case 'idle':
      process.stderr.write(
        'vgicsim qemu: every vcpu waits with nothing left to wake it (QEMU would hang here)\n',
      );
      return EXIT_TIMEOUT;
  }
}

/** The guest's UART bytes to stdout a line at a time (or every 4 KiB without a newline). */
class ConsoleOut {
  private buf = new Uint8Array(4096);
  private n = 0;
  readonly byte = (b: number): void => {
    this.buf[this.n++] = b;
    if (b === 0x0a || this.n === this.buf.length) this.flush();
  };
  flush(): void {
    if (this.n > 0) process.stdout.write(this.buf.slice(0, this.n));
    this.n = 0;
  }
}
