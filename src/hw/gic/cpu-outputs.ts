// The outputs of one physical CPU interface and its trace records, shared by
// the GICv2 CPU interface (GICC, IHI 0048B 3.2) and the GICv3 one (ICC_*,
// IHI 0069H 4.6): the IRQ and FIQ lines, recomputed after every state change,
// and the 'ack'/'eoi'/'dir' records. Which interrupt is signalled on which
// line differs (GICv2: Group 0 on FIQ only with GICC_CTLR.FIQEn; GICv3 with
// one Security state: Group 0 always FIQ) and stays with each interface, as
// its `outputLevels()`.

import { Signal } from '../../sim/signal.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import type { Clock } from '../mmio.ts';

/** `outputLevels()` bits. */
export const OUT_IRQ = 1;
export const OUT_FIQ = 2;

/** What decides the lines: the CPU interface itself (passed as the scope, no closure). */
export interface CpuOutputSource {
  /** OUT_IRQ | OUT_FIQ: the levels the lines should have now */
  outputLevels(): number;
}

export class CpuOutputs {
  readonly irq: Signal;
  readonly fiq: Signal;
  private updating = false;
  private updateAgain = false;

  constructor(
    private readonly cpu: number,
    private readonly clock: Clock,
    private readonly trace: TraceSink,
  ) {
    this.irq = new Signal(`cpu${cpu}.irq`);
    this.fiq = new Signal(`cpu${cpu}.fiq`);
  }

  /**
   * Recompute the IRQ and FIQ lines from `src`. A receiver may react to an
   * output change synchronously (read the IAR from its listener); such
   * nested updates are folded into this one, which repeats until the lines
   * are stable, so the last level driven is always the current one.
   */
  update(src: CpuOutputSource): void {
    if (this.updating) {
      this.updateAgain = true;
      return;
    }
    this.updating = true;
    try {
      do {
        this.updateAgain = false;
        const out = src.outputLevels();
        this.drive(this.irq, (out & OUT_IRQ) !== 0);
        if (!this.updateAgain) this.drive(this.fiq, (out & OUT_FIQ) !== 0);
      } while (this.updateAgain);
    } finally {
      this.updating = false;
    }
  }

  /** An acknowledge, EOI or deactivation of physical `intid` by software. */
  traceOp(kind: 'ack' | 'eoi' | 'dir', intid: number): void {
    if (this.trace.enabled) this.trace.emit({ kind, t: this.clock.now, cpu: this.cpu, gic: 'phys', intid });
  }

  /** Restore both levels without notifying (the receivers restore their own view). */
  restoreLevels(irq: boolean, fiq: boolean): void {
    this.irq.restoreLevel(irq);
    this.fiq.restoreLevel(fiq);
  }

  /** Set a line; a change is traced before the receivers see it. */
  private drive(s: Signal, level: boolean): void {
    if (s.level === level) return;
    if (this.trace.enabled)
      this.trace.emit({ kind: 'line', t: this.clock.now, cpu: this.cpu, signal: s.name, level });
    s.set(level);
  }
}
