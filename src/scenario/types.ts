// The normalized scenario: what the rest of vgicsim consumes. Defaults are
// applied, vcpu names are numbers, `same` is resolved, paths are resolved,
// and every inline assembly block knows where it is in the YAML file.

import type { ExpectedVerdict } from '../hyp/generation/index.ts';
import type { CONFORMANCE_NOTES, DIVERGENCE_KINDS, EXIT_KINDS, POLICIES, START_MODES } from './schema.ts';

export type Policy = (typeof POLICIES)[number];
export type StartMode = (typeof START_MODES)[number];
export type ExitKind = (typeof EXIT_KINDS)[number];
export type DivergenceKind = (typeof DIVERGENCE_KINDS)[number];

/** A place in the scenario file (1-based). */
export interface Location {
  file: string;
  line: number;
  column: number;
}

/**
 * Inline assembly and where it sits in the YAML file: line `k` (1-based) of
 * `text` is line `line + k - 1` of `file`, and column `c` of it is column
 * `column + c - 1` (exact for `|`/`|-` blocks and one-line strings).
 */
export interface AssemblySource extends Location {
  text: string;
}

export interface FilePath {
  /** As written in the scenario. */
  written: string;
  /** Absolute, resolved against the scenario file's directory. */
  resolved: string;
  /** Where the path is written (for "cannot read" messages). */
  where: Location;
}

export interface MachineConfig {
  gic: 'v2' | 'v3';
  /** where `machine.gic` is written (absent when defaulted): a generation without vgic-v3 is refused there */
  gicWhere?: Location;
  vcpus: number;
  spis: number;
  counterHz: number;
  cpuHz: number;
  policy: Policy;
  nLR: number;
  hostTickHz: number;
  /** vgicsim extension: cycles charged per exit and per entry */
  exitCycles: number;
  entryCycles: number;
  /** vgicsim extension: cycles a preempted vcpu thread stays out; 0 = no preemption by choice */
  preemptCycles: number;
  /** vgicsim extension: the host's own decisions drawn from the seed, or option 0 unless a `choose` event directs one */
  choices: 'seeded' | 'default';
  /** vgicsim extension: SPIs mapped to the same physical SPI (LR HW=1) */
  mappedSpis: readonly number[];
  /** vgicsim extension: physical cpus of the host (>= vcpus); absent = vcpus */
  pcpus?: number;
  limits: { ticks: number; instructions: number };
  start: StartMode;
  /** RAM size in bytes (machine.memory) */
  memory: number;
  /** PL031 RTCDR at power-on (machine.rtc), seconds since the Unix epoch */
  rtc: number;
}

export type GuestImage =
  | { kind: 'asm'; source: AssemblySource }
  | { kind: 'binary'; path: FilePath; entry?: bigint };

export interface VcpuGuest {
  /** For `{ same: vcpuM }` this is the very object of vcpu M (one image, loaded once). */
  image: GuestImage;
  /** M when written as `{ same: vcpuM }`. */
  sameAs?: number;
}

export interface LinuxGuest {
  kernel: FilePath;
  initrd?: FilePath;
  bootargs?: string;
  dtb: 'auto' | FilePath;
}

export type Guest =
  /** Index = vcpu number; length = machine.vcpus; undefined = no code of its own. */
  { kind: 'vcpus'; vcpus: (VcpuGuest | undefined)[] } | { kind: 'linux'; linux: LinuxGuest };

export type HostTrigger =
  /** `at: t`, or a window `at: { from: t, to }` (`run` uses `from`; the explorer tries each instant up to `to`) */
  | { kind: 'at'; ticks: number; to?: number }
  /**
   * Right after vcpu `vcpu` executes the instruction at `label` (or at
   * `address`): every time, or only the `hit`-th time (1-based).
   */
  | { kind: 'after'; vcpu: number; label?: string; address?: number; hit?: number };

export type HostAction =
  /** KVM_IRQ_LINE; `vcpu` is set for PPIs only. */
  | { kind: 'irqLine'; intid: number; level: 0 | 1; vcpu?: number }
  | { kind: 'exit' }
  | { kind: 'saveRestore' }
  | { kind: 'counterOffset'; value: bigint }
  /** vgicsim extension: preempt the vcpu's thread at its next preemption point, resume on `migrateTo` */
  | { kind: 'preempt'; vcpu: number; migrateTo?: number; cycles: number }
  /** vgicsim extension: a VMM-style migration through the vgic's register groups and ONE_REG (src/hyp/api/vmm-migrate.ts) */
  | { kind: 'vmmMigrate'; reassertLines: boolean }
  /** vgicsim extension: the `nth` decision of `choice` at the event's tick takes `option` (the machine's chooser, not an event) */
  | { kind: 'choose'; choice: string; option: number; nth: number };

export interface HostEvent {
  trigger: HostTrigger;
  action: HostAction;
  /** The event in the scenario file (for trace and failure messages). */
  where: Location;
}

export type AckExpectation =
  | { vcpu: number; kind: 'sequence'; intids: number[] }
  | { vcpu: number; kind: 'count'; counts: { intid: number; count: number }[] };

export interface Expectations {
  acknowledged: AckExpectation[];
  never: number[];
  registers: { vcpu: number; register: string; value: bigint; where: Location }[];
  memory: { address: bigint; value: number; where: Location }[];
  uart?: { kind: 'exact' | 'contains'; text: string };
  exit?: ExitKind;
  divergence?: DivergenceKind;
  /** vgicsim extension: expected verdict per policy (absent = pass). */
  verdicts?: Partial<Record<string, ExpectedVerdict>>;
}

export interface Scenario {
  version: 1;
  /** Given name, or the file name without extension. */
  name: string;
  description?: string;
  /** The scenario file (as given to the loader). */
  file: string;
  machine: MachineConfig;
  guest: Guest;
  host: HostEvent[];
  expect: Expectations;
  /** vgicsim extension: metadata of a conformance check. */
  conformance?: ConformanceInfo;
}

export interface ConformanceInfo {
  suite: string;
  check: string;
  mirrors: string;
  note?: (typeof CONFORMANCE_NOTES)[number];
}
