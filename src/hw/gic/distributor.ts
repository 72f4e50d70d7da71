// The GICv2 distributor's interrupt state machine (GICv2 chapter 3, 4.3),
// without the Security Extensions. Holds per-INTID state (SGIs and PPIs
// banked per cpu, SPIs shared), computes pending from line level, latch and
// configuration, and picks each cpu's highest priority pending interrupt for
// its CPU interface. Register decoding lives in distributor-mmio.ts.
//
// Pending (GICv2 3.2.4, 4.3.7, 4.3.8):
// - level-sensitive: pending = line high OR latch (set by GICD_ISPENDR); the
//   latch is cleared by acknowledge and by GICD_ICPENDR, which therefore
//   cannot clear the pending state while the line is high;
// - edge-triggered: a rising edge sets the latch; acknowledge or ICPENDR clears it;
// - SGIs: one pending bit per source cpu (GICv2 3.2.4 "SGIs"; GICD_SPENDSGIRn).
// An interrupt that is active (or active and pending) is not forwarded again
// until it is deactivated (GICv2 3.2.4, the interrupt handling state machine: no
// acknowledge transition out of active-and-pending).

import { field, getField, testBit } from '../../sim/bits.ts';
import type { Saveable } from '../../sim/saveable.ts';
import type { SignalListener } from '../../sim/signal.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import type { Clock } from '../mmio.ts';
import { FIRST_SPECIAL_INTID, isSgi, PRIVATE_COUNT, SGI_COUNT } from './intid.ts';
import { PRIORITY_MASK } from './priority.ts';
import { DistributorBanks, type DistributorState } from './distributor-state.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

export type { DistributorState } from './distributor-state.ts';

export interface DistributorOptions {
  readonly cpus: number;
  readonly spis: number;
  readonly clock: Clock;
  readonly trace: TraceSink;
}

/** A CPU interface attached to the distributor; told when anything that could change its HPPI changed. */
export interface DistributorClient {
  distributorChanged(): void;
}

/** Packed HPPI: what the distributor hands a CPU interface without allocating. */
export const HPPI_NONE = -1;
export const HPPI_INTID = field(0, 10);
export const HPPI_SOURCE = field(10, 3);
export const HPPI_PRIORITY = field(13, 8);
export const HPPI_GROUP = field(21, 1);

/** Signal-listener argument for an input line: cpu in bits [12:10] (ignored for SPIs), INTID in [9:0]. */
export function lineArg(cpu: number, intid: number): number {
  return (cpu << 10) | intid;
}
const LINE_ARG_INTID = field(0, 10);
const LINE_ARG_CPU = field(10, 3);

export class Distributor implements SignalListener, Saveable<DistributorState> {
  readonly cpus: number;
  /** Number of implemented INTIDs (32 + SPIs), capped at 1020. */
  readonly numIrqs: number;
  /** GICD_CTLR: EnableGrp0 (bit 0), EnableGrp1 (bit 1). */
  ctlr = 0;
  /** per-INTID state (distributor-state.ts) */
  private readonly banks: DistributorBanks;
  private readonly clients: (DistributorClient | undefined)[];
  private readonly trace: TraceSink;
  private readonly clock: Clock;

  constructor(opts: DistributorOptions) {
    this.cpus = opts.cpus;
    this.numIrqs = Math.min(PRIVATE_COUNT + opts.spis, FIRST_SPECIAL_INTID);
    this.trace = opts.trace;
    this.clock = opts.clock;
    this.banks = new DistributorBanks(this.cpus, this.numIrqs);
    this.clients = new Array(this.cpus).fill(undefined);
    this.reset();
  }

  /** Reset values: DistributorBanks.defaultState (SGIs enabled and edge-triggered, everything else 0). */
  defaultState(): DistributorState {
    return this.banks.defaultState();
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  attach(cpu: number, client: DistributorClient): void {
    this.clients[cpu] = client;
  }

  /** Index into the per-INTID arrays. The caller guarantees intid < numIrqs. */
  slot(cpu: number, intid: number): number {
    return this.banks.slot(cpu, intid);
  }

  isImplemented(intid: number): boolean {
    return intid >= 0 && intid < this.numIrqs;
  }

  /** Tell the CPU interfaces that may be affected (cpu < 0: all). */
  private changed(cpu: number): void {
    if (cpu >= 0) {
      this.clients[cpu]?.distributorChanged();
      return;
    }
    for (let c = 0; c < this.cpus; c++) this.clients[c]?.distributorChanged();
  }

  private owner(cpu: number, intid: number): number {
    return intid < PRIVATE_COUNT ? cpu : -1;
  }

  // ---- queries ----

  isPending(cpu: number, intid: number): boolean {
    if (isSgi(intid)) return this.banks.sgiSources[cpu * SGI_COUNT + intid] !== 0;
    const s = this.slot(cpu, intid);
    return this.banks.latch[s] === 1 || (this.banks.edge[s] === 0 && this.banks.line[s] === 1);
  }

  isActive(cpu: number, intid: number): boolean {
    return this.banks.active[this.slot(cpu, intid)] === 1;
  }

  isEnabled(cpu: number, intid: number): boolean {
    return this.banks.enabled[this.slot(cpu, intid)] === 1;
  }

  lineLevel(cpu: number, intid: number): boolean {
    return this.banks.line[this.slot(cpu, intid)] === 1;
  }

  isEdge(cpu: number, intid: number): boolean {
    return this.banks.edge[this.slot(cpu, intid)] === 1;
  }

  groupOf(cpu: number, intid: number): number {
    return this.banks.group[this.slot(cpu, intid)];
  }

  priorityOf(cpu: number, intid: number): number {
    return this.banks.priority[this.slot(cpu, intid)];
  }

  /**
   * GICD_ITARGETSR byte (GICv2 4.3.12): private INTIDs read as the reading
   * cpu's own bit. In a uniprocessor GIC every interrupt targets cpu 0 and
   * the registers are RAZ/WI.
   */
  targetsOf(cpu: number, intid: number): number {
    if (this.cpus === 1) return 0;
    return intid < PRIVATE_COUNT ? 1 << cpu : this.banks.targets[intid - PRIVATE_COUNT];
  }

  sgiSourcesOf(cpu: number, sgi: number): number {
    return this.banks.sgiSources[cpu * SGI_COUNT + sgi];
  }

  // ---- configuration (register writes) ----

  setCtlr(v: number): void {
    this.ctlr = v & 3;
    this.changed(-1);
  }

  setEnabled(cpu: number, intid: number, v: boolean): void {
    this.banks.enabled[this.slot(cpu, intid)] = v ? 1 : 0;
    this.changed(this.owner(cpu, intid));
  }

  setGroup(cpu: number, intid: number, g: number): void {
    this.banks.group[this.slot(cpu, intid)] = g & 1;
    this.changed(this.owner(cpu, intid));
  }

  setPriority(cpu: number, intid: number, p: number): void {
    this.banks.priority[this.slot(cpu, intid)] = p & PRIORITY_MASK;
    this.changed(this.owner(cpu, intid));
  }

  /** SPI targets only (private targets are read-only); bits of absent cpus are RAZ/WI. */
  setTargets(intid: number, mask: number): void {
    if (intid < PRIVATE_COUNT || this.cpus === 1) return;
    this.banks.targets[intid - PRIVATE_COUNT] = mask & ((1 << this.cpus) - 1);
    this.changed(-1);
  }

  /** GICD_ICFGR Int_config[1] for SPIs (SGI and PPI configuration is read-only here). */
  setEdge(intid: number, edge: boolean): void {
    if (intid < PRIVATE_COUNT) return;
    const s = this.slot(0, intid);
    const tr = this.trace.enabled;
    const p0 = tr && this.isPending(0, intid);
    this.banks.edge[s] = edge ? 1 : 0;
    if (tr) this.traceState(0, intid, p0, this.banks.active[s] === 1);
    this.changed(-1);
  }

  // ---- state changes ----

  /** Input line of an SPI (cpu ignored) or a PPI of `cpu`. */
  setLine(cpu: number, intid: number, level: boolean): void {
    const s = this.slot(cpu, intid);
    const v = level ? 1 : 0;
    if (this.banks.line[s] === v) return;
    const tr = this.trace.enabled;
    const p0 = tr && this.isPending(cpu, intid);
    this.banks.line[s] = v;
    if (level && this.banks.edge[s] === 1) this.banks.latch[s] = 1;
    if (tr) {
      this.trace.emit({
        kind: 'line',
        t: this.clock.now,
        cpu: this.owner(cpu, intid),
        signal: intid < PRIVATE_COUNT ? `gic.ppi${intid}` : `gic.spi${intid}`,
        level,
      });
      this.traceState(cpu, intid, p0, this.banks.active[s] === 1);
    }
    this.changed(this.owner(cpu, intid));
  }

  onSignal(arg: number, level: boolean): void {
    const intid = getField(arg, LINE_ARG_INTID);
    const cpu = getField(arg, LINE_ARG_CPU);
    if (intid < SGI_COUNT || !this.isImplemented(intid) || cpu >= this.cpus) return;
    this.setLine(cpu, intid, level);
  }

  /**
   * GICD_ISPENDR (v = true) / GICD_ICPENDR (v = false) for a non-SGI: sets or
   * clears the latch. SGI pending is per source and changed through
   * GICD_SPENDSGIR/CPENDSGIR; here SGIs are ignored (GICv2 4.3.7, 4.3.8).
   */
  setPending(cpu: number, intid: number, v: boolean): void {
    if (isSgi(intid)) return;
    const s = this.slot(cpu, intid);
    const tr = this.trace.enabled;
    const p0 = tr && this.isPending(cpu, intid);
    this.banks.latch[s] = v ? 1 : 0;
    if (tr) this.traceState(cpu, intid, p0, this.banks.active[s] === 1);
    this.changed(this.owner(cpu, intid));
  }

  /** GICD_ISACTIVER / GICD_ICACTIVER. */
  setActive(cpu: number, intid: number, v: boolean): void {
    const s = this.slot(cpu, intid);
    const tr = this.trace.enabled;
    const a0 = this.banks.active[s] === 1;
    this.banks.active[s] = v ? 1 : 0;
    if (tr) this.traceState(cpu, intid, this.isPending(cpu, intid), a0);
    this.changed(this.owner(cpu, intid));
  }

  /** Set (or clear) source bits of SGI `sgi` pending on `cpu` (GICD_SPENDSGIRn / CPENDSGIRn, SGIR). */
  changeSgiSources(cpu: number, sgi: number, sources: number, set: boolean): void {
    const i = cpu * SGI_COUNT + sgi;
    const tr = this.trace.enabled;
    const p0 = this.banks.sgiSources[i] !== 0;
    const m = sources & ((1 << this.cpus) - 1);
    this.banks.sgiSources[i] = set ? this.banks.sgiSources[i] | m : this.banks.sgiSources[i] & ~m;
    if (tr) this.traceState(cpu, sgi, p0, this.banks.active[cpu * PRIVATE_COUNT + sgi] === 1);
    this.changed(cpu);
  }

  /** GICD_SGIR: make SGI `sgi` pending from `source` on every cpu in `targets`. */
  sendSgi(source: number, sgi: number, targets: number): void {
    for (let c = 0; c < this.cpus; c++)
      if (testBit(targets, c)) this.changeSgiSources(c, sgi, 1 << source, true);
  }

  // ---- CPU interface side ----

  /**
   * The highest priority pending interrupt for `cpu`: pending and not
   * active, enabled, targeted at `cpu`, its group enabled in GICD_CTLR and in
   * `cpuGroupEnables` (the CPU interface's EnableGrp bits). Ties go to the
   * lowest INTID, then to the lowest SGI source cpu (IMPLEMENTATION DEFINED,
   * GICv2 3.3). Returns a packed HPPI_* value, or HPPI_NONE.
   */
  highestPending(cpu: number, cpuGroupEnables: number): number {
    const groups = this.ctlr & cpuGroupEnables;
    if (groups === 0) return HPPI_NONE;
    // Runs at every change of any interrupt's state (a timer line, an
    // active state the hypervisor sets and clears at each exit): two plain
    // loops over the banked and the shared slots (slot(cpu, id) inline),
    // in INTID order as before, the first of equal priorities winning.
    const b = this.banks;
    const { enabled, active, priority, group, latch, edge, line } = b;
    let best = HPPI_NONE;
    let bestPrio = 0x100;
    const nPrivate = Math.min(PRIVATE_COUNT, this.numIrqs);
    const bank = cpu * PRIVATE_COUNT;
    for (let id = 0; id < nPrivate; id++) {
      const s = bank + id;
      if (enabled[s] === 0 || active[s] === 1 || priority[s] >= bestPrio) continue;
      if (((groups >>> group[s]) & 1) === 0) continue;
      let source = 0;
      if (id < SGI_COUNT) {
        const src = b.sgiSources[cpu * SGI_COUNT + id];
        if (src === 0) continue;
        source = 31 - Math.clz32(src & -src);
      } else if (latch[s] === 0 && (edge[s] === 1 || line[s] === 0)) continue;
      bestPrio = priority[s];
      best =
        id | (source << HPPI_SOURCE.lsb) | (bestPrio << HPPI_PRIORITY.lsb) | (group[s] << HPPI_GROUP.lsb);
    }
    const shared = b.cpus * PRIVATE_COUNT - PRIVATE_COUNT; // slot of SPI id = shared + id
    const targeted = this.cpus > 1;
    for (let id = PRIVATE_COUNT; id < this.numIrqs; id++) {
      const s = shared + id;
      if (enabled[s] === 0 || active[s] === 1 || priority[s] >= bestPrio) continue;
      if (((groups >>> group[s]) & 1) === 0) continue;
      if (targeted && ((b.targets[id - PRIVATE_COUNT] >>> cpu) & 1) === 0) continue;
      if (latch[s] === 0 && (edge[s] === 1 || line[s] === 0)) continue;
      bestPrio = priority[s];
      best = id | (bestPrio << HPPI_PRIORITY.lsb) | (group[s] << HPPI_GROUP.lsb);
    }
    return best;
  }

  /**
   * Acknowledge (GICC_IAR): pending -> active, or active-and-pending when a
   * level line is still high (GICv2 3.2.4). Clears the latch, or the SGI's
   * pending bit for `source`.
   */
  acknowledge(cpu: number, intid: number, source: number): void {
    const s = this.slot(cpu, intid);
    const tr = this.trace.enabled;
    const p0 = tr && this.isPending(cpu, intid);
    if (intid < SGI_COUNT) this.banks.sgiSources[cpu * SGI_COUNT + intid] &= ~(1 << source);
    else this.banks.latch[s] = 0;
    this.banks.active[s] = 1;
    if (tr) this.traceState(cpu, intid, p0, false);
    // The interrupt left the pending set of every targeted cpu.
    this.changed(this.owner(cpu, intid));
  }

  private traceState(cpu: number, intid: number, p0: boolean, a0: boolean): void {
    const pending = this.isPending(cpu, intid);
    const active = this.banks.active[this.slot(cpu, intid)] === 1;
    if (pending === p0 && active === a0) return;
    this.trace.emit({
      kind: 'irq',
      t: this.clock.now,
      cpu: this.owner(cpu, intid),
      gic: 'phys',
      intid,
      pending,
      active,
    });
  }

  // ---- state is data ----

  save(): DistributorState {
    return this.banks.save(this.ctlr);
  }

  digest(h: StateDigest): void {
    this.banks.digest(h, this.ctlr);
  }

  /** Restore into an identically configured distributor; clients are not notified (they restore themselves). */
  restore(s: DistributorState): void {
    this.banks.restore(s);
    this.ctlr = s.ctlr;
  }
}
