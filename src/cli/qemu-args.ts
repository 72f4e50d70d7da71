// The qemu-system-aarch64 command line `vgicsim qemu` understands: the
// subset test runners pass for a bare-metal or Linux guest on the `virt`
// board (kvm-unit-tests' arm/run and scripts/arch-run.bash: -machine virt,
// -accel, -cpu, -smp, -m, -kernel, -initrd, -append, -dtb, -nodefaults,
// -nographic, -display none, -serial stdio, -no-reboot), the probes scripts
// make (-version, -machine help), and vgicsim's own --policy, --seed,
// --vcd, --perfetto, --trace, --timeout. QEMU accepts "-opt" and "--opt"
// alike; so does this. Anything else is refused with a sentence saying so
// (exit 1, as QEMU exits on an option it does not know).

import { parseRamSize } from '../scenario/index.ts';

/** QEMU 7.2 virt's max_cpus (with a GICv3; a GICv2 serves 8). */
const MAX_VIRT_CPUS = 512;
/** The cpus a GICv2 serves (GIC_TARGETLIST_BITS; QEMU virt's limit with one). */
export const MAX_GICV2_CPUS = 8;
/**
 * The cpus vgicsim's GICv3 serves: QEMU virt's first redistributor region
 * (123 redistributors; QEMU adds VIRT_HIGH_GIC_REDIST2 above 4 GiB for
 * more, which vgicsim does not model).
 */
export const MAX_VGICSIM_V3_CPUS = 123;

/** QEMU exits 1 on a bad command line. */
export const QEMU_EXIT_ERROR = 1;

export class QemuArgError extends Error {
  override name = 'QemuArgError';
}

/** -machine virt,gic-version= as given (QEMU 7.2 accepts 2, 3, host, max); absent = not selected. */
export type GicVersionArg = '2' | '3' | 'host' | 'max';

export interface QemuConfig {
  readonly kernel: string;
  /** -machine ...,gic-version=; resolved against the accelerator and generation by resolveGic */
  readonly gicVersion?: GicVersionArg;
  /** -accel / -machine accel= (QEMU's default is tcg) */
  readonly accel: 'tcg' | 'kvm';
  readonly initrd?: string;
  readonly append?: string;
  readonly dtb?: string;
  readonly smp: number;
  /** bytes */
  readonly memory?: number;
  readonly noReboot: boolean;
  readonly policy?: string;
  readonly seed: number;
  readonly vcd?: string;
  readonly perfetto?: string;
  readonly trace?: string;
  /** virtual time after which the run stops (ticks, or a number with s/ms/us/ns) */
  readonly timeout?: string;
}

/** What a probing call prints (exit 0), instead of a run. */
export interface QemuProbe {
  readonly print: string;
}

const WITH_VALUE = new Set([
  'machine',
  'M',
  'accel',
  'cpu',
  'smp',
  'm',
  'kernel',
  'initrd',
  'append',
  'dtb',
  'display',
  'serial',
  'monitor',
  'device',
  'chardev',
  'name',
  'policy',
  'seed',
  'vcd',
  'perfetto',
  'trace',
  'timeout',
]);
const FLAGS = new Set(['nographic', 'no-reboot', 'nodefaults', 'version', 'help', 'h', 'S']);

/** The CPU models a script may ask for; vgicsim models one AArch64 cpu whatever the name. */
const CPUS = new Set(['max', 'host', 'cortex-a53', 'cortex-a57', 'cortex-a72', 'neoverse-n1']);
/** -machine virt properties that change nothing vgicsim models when set to these values. */
const HARMLESS_MACHINE_PROPS: Readonly<Record<string, readonly string[]>> = {
  accel: ['tcg', 'kvm'],
  highmem: ['on', 'off'],
  'highmem-ecam': ['on', 'off'],
  virtualization: ['off'],
  secure: ['off'],
  its: ['on', 'off'],
  iommu: ['none'],
  ras: ['off'],
  mte: ['off'],
};

export const MACHINE_HELP =
  'Supported machines are:\n' +
  'virt                 QEMU 7.2 ARM Virtual Machine (alias of virt-7.2) [vgicsim: GICv2 or GICv3, PL011, PL031]\n' +
  'virt-7.2             QEMU 7.2 ARM Virtual Machine\n';

export const VIRT_PROPS_HELP =
  'virt-7.2 options:\n' +
  '  gic-version=<string> - Set GIC version. Valid values are 2, 3, host and max\n' +
  '  accel=<string>       - tcg or kvm (vgicsim is the accelerator; gic-version=host needs kvm, as in QEMU)\n';

export const DEVICE_HELP =
  'vgicsim: no -device models; the virt board has its devices built in (pl011 at 0x09000000, pl031 at 0x09010000).\n' +
  'Not available: virtio-serial-device, virtconsole, pci-testdev (no virtio or PCI).\n';

const unsupported = (what: string, why = ''): never => {
  throw new QemuArgError(`${what}: not supported${why ? ` (${why})` : ''}`);
};

/** key=value,... (QEMU's option syntax; the first item may be a bare value). */
function props(v: string): { head: string; kv: Map<string, string> } {
  const parts = v.split(',');
  const kv = new Map<string, string>();
  let head = '';
  parts.forEach((p, i) => {
    const eq = p.indexOf('=');
    if (eq < 0 && i === 0) head = p;
    else if (eq < 0) kv.set(p, 'on');
    else kv.set(p.slice(0, eq), p.slice(eq + 1));
  });
  return { head, kv };
}

const isHelp = (v: string) => v === 'help' || v === '?';

const GIC_VERSIONS: readonly GicVersionArg[] = ['3', '2', 'host', 'max'];

interface MachineOpts {
  gicVersion?: GicVersionArg;
  accel?: 'tcg' | 'kvm';
}

function machine(v: string, m: MachineOpts): QemuProbe | undefined {
  const { head, kv } = props(v);
  if (isHelp(head)) return { print: MACHINE_HELP };
  if (head !== 'virt' && head !== 'virt-7.2' && head !== '')
    unsupported(`-machine ${head}`, "vgicsim models QEMU's virt board only");
  for (const [k, val] of kv) {
    if (isHelp(k)) return { print: VIRT_PROPS_HELP };
    if (k === 'type') {
      if (val !== 'virt' && val !== 'virt-7.2') unsupported(`-machine type=${val}`, 'virt only');
      continue;
    }
    if (k === 'gic-version') {
      m.gicVersion = gicVersion(val);
      continue;
    }
    if (k === 'accel' && (val === 'tcg' || val === 'kvm')) m.accel = val;
    const ok = HARMLESS_MACHINE_PROPS[k];
    if (ok === undefined || !ok.includes(val)) unsupported(`-machine ${k}=${val}`);
  }
  return undefined;
}

/** QEMU 7.2's virt_set_gic_version: 2, 3, host, max; 4 (TCG GICv4) needs virtualization=on, which vgicsim refuses. */
function gicVersion(val: string): GicVersionArg {
  if ((GIC_VERSIONS as readonly string[]).includes(val)) return val as GicVersionArg;
  if (val === '4')
    throw new QemuArgError(
      '-machine gic-version=4: not supported (a GICv4 needs virtualization=on in QEMU 7.2; vgicsim models GICv2 and GICv3 guests)',
    );
  throw new QemuArgError(
    `-machine gic-version=${val}: invalid gic-version value (valid values are 3, 2, host, max)`,
  );
}

function smp(v: string): number {
  const { head, kv } = props(v);
  const n = Number(head !== '' ? head : (kv.get('cpus') ?? '1'));
  for (const k of kv.keys())
    if (!['cpus', 'maxcpus', 'sockets', 'cores', 'threads', 'clusters'].includes(k)) unsupported(`-smp ${k}`);
  if (!Number.isInteger(n) || n < 1) throw new QemuArgError(`-smp ${v}: expected a number of cpus`);
  // QEMU 7.2's virt: at most 512 (GICv3); a GICv2 machine at most 8 (checked with the GIC, qemu.ts)
  if (n > MAX_VIRT_CPUS)
    throw new QemuArgError(
      `-smp ${n}: invalid SMP CPUs; the max CPUs supported by machine 'virt-7.2' is ${MAX_VIRT_CPUS}`,
    );
  return n;
}

/** Parse `argv` (after `qemu`); throws QemuArgError on anything vgicsim cannot do. */
export function parseQemuArgs(argv: readonly string[]): QemuConfig | QemuProbe {
  const o: Record<string, string | undefined> = {};
  let smpN = 1;
  let memory: number | undefined;
  let noReboot = false;
  const m: MachineOpts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) unsupported(`'${a}'`, 'an image file is given with -kernel');
    const name = a.replace(/^--?/, '');
    if (FLAGS.has(name)) {
      if (name === 'version') return { print: '' };
      if (name === 'help' || name === 'h') return { print: 'help' };
      if (name === 'S') unsupported('-S', 'no monitor to start the cpus from');
      if (name === 'no-reboot') noReboot = true;
      continue;
    }
    if (!WITH_VALUE.has(name)) unsupported(a);
    const v = argv[++i];
    if (v === undefined) throw new QemuArgError(`${a} needs a value`);
    switch (name) {
      case 'machine':
      case 'M': {
        const probe = machine(v, m);
        if (probe) return probe;
        break;
      }
      case 'accel': {
        const a = props(v).head;
        if (a !== 'tcg' && a !== 'kvm') unsupported(`-accel ${v}`, 'tcg or kvm');
        m.accel = a as 'tcg' | 'kvm';
        break;
      }
      case 'cpu':
        if (!CPUS.has(props(v).head)) unsupported(`-cpu ${v}`, `one of ${[...CPUS].join(', ')}`);
        break;
      case 'smp':
        smpN = smp(v);
        break;
      case 'm': {
        const { head, kv } = props(v);
        const size = parseRamSize(head !== '' ? head : (kv.get('size') ?? ''));
        if (typeof size === 'string') throw new QemuArgError(`-m ${v}: ${size}`);
        memory = size;
        break;
      }
      case 'display':
        if (v !== 'none') unsupported(`-display ${v}`, 'none only: the console is the serial port');
        break;
      case 'serial':
        if (v !== 'stdio' && v !== 'mon:stdio') unsupported(`-serial ${v}`, 'stdio only');
        break;
      case 'monitor':
        if (v !== 'none') unsupported(`-monitor ${v}`, 'none only');
        break;
      case 'device':
        if (isHelp(props(v).head)) return { print: DEVICE_HELP };
        unsupported(`-device ${v}`, 'no virtio or PCI devices; the virt board has PL011 and PL031 built in');
        break;
      case 'chardev':
        if (isHelp(props(v).head)) return { print: 'Available chardev backend types:\n  stdio\n' };
        if (props(v).head !== 'stdio')
          unsupported(`-chardev ${v}`, 'stdio only; no chr-testdev: guests report by PSCI SYSTEM_OFF');
        break;
      default:
        o[name] = v;
    }
  }
  if (o.kernel === undefined) throw new QemuArgError('no -kernel given: vgicsim boots a kernel image only');
  const seed = o.seed === undefined ? 0 : Number(o.seed);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new QemuArgError(`--seed ${o.seed}: expected an integer >= 0`);
  return {
    kernel: o.kernel,
    gicVersion: m.gicVersion,
    accel: m.accel ?? 'tcg',
    initrd: o.initrd,
    append: o.append,
    dtb: o.dtb,
    smp: smpN,
    memory,
    noReboot,
    policy: o.policy,
    seed,
    vcd: o.vcd,
    perfetto: o.perfetto,
    trace: o.trace,
    timeout: o.timeout,
  };
}
