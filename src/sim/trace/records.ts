// Typed trace records. Every layer writes these; exporters (text, VCD,
// Perfetto) read them. A record is (time, cpu, kind, fields). New kinds are
// added here as layers grow, so the exporters see one closed union.

import type { Ticks } from '../time.ts';

interface Base {
  /** virtual time in counter ticks */
  readonly t: Ticks;
  /** cpu (or vcpu) index; -1 when the event belongs to no cpu */
  readonly cpu: number;
}

/** A named level signal changed (timer output, GIC input/output line, maintenance). */
export interface LineRecord extends Base {
  readonly kind: 'line';
  readonly signal: string;
  readonly level: boolean;
}

/** A register access worth seeing (GIC register writes, timer sysreg writes). */
export interface RegRecord extends Base {
  readonly kind: 'reg';
  readonly block: string;
  readonly reg: string;
  readonly op: 'r' | 'w';
  readonly value: string;
}

/** An interrupt changed state in a GIC (physical or virtual). */
export interface IrqStateRecord extends Base {
  readonly kind: 'irq';
  readonly gic: 'phys' | 'virt';
  readonly intid: number;
  readonly pending: boolean;
  readonly active: boolean;
}

/** The cpu interface handed out an interrupt (IAR read) or ended one (EOIR/DIR). */
export interface AckRecord extends Base {
  readonly kind: 'ack' | 'eoi' | 'dir';
  readonly gic: 'phys' | 'virt';
  readonly intid: number;
}

/** Free-form note (scenario markers, guest UART lines). */
export interface NoteRecord extends Base {
  readonly kind: 'note';
  readonly text: string;
}

/** hyp/vgic: an injection reached the vgic (kvm_vgic_inject_irq); `accepted` = it changed state. */
export interface VgicInjectRecord extends Base {
  readonly kind: 'vgic-inject';
  readonly intid: number;
  readonly level: boolean;
  readonly accepted: boolean;
}

/** hyp/vgic: a list register written at flush (GICH_LRn), value as written. */
export interface VgicLrRecord extends Base {
  readonly kind: 'vgic-lr';
  readonly lr: number;
  readonly intid: number;
  readonly value: number;
}

/** hyp/vgic: sync after an exit; `misr` and `eisr` as read before the LRs were cleared. */
export interface VgicSyncRecord extends Base {
  readonly kind: 'vgic-sync';
  readonly usedLrs: number;
  readonly misr: number;
  readonly eisr: number;
}

/** hyp/vgic: a maintenance condition (GICH_MISR non-zero) observed at sync. */
export interface VgicMaintenanceRecord extends Base {
  readonly kind: 'vgic-maint';
  readonly misr: number;
}

/** hyp/vgic: the hypervisor changed the physical active state of a mapped interrupt. */
export interface VgicPhysActiveRecord extends Base {
  readonly kind: 'vgic-phys-active';
  readonly intid: number;
  readonly active: boolean;
}

export type VgicRecord =
  | VgicInjectRecord
  | VgicLrRecord
  | VgicSyncRecord
  | VgicMaintenanceRecord
  | VgicPhysActiveRecord;

/** hyp: where a vcpu is (in the guest, in the hypervisor, blocked in WFI, powered off), and why it left the guest. */
export interface VcpuStateRecord extends Base {
  readonly kind: 'vcpu';
  readonly state: 'guest' | 'hyp' | 'blocked' | 'off';
  readonly reason?: string;
  /** the disassembly of the guest instruction that made the exit (MMIO, system register, HVC, SMC, WFI, WFE) */
  readonly insn?: string;
  /** the physical cpu the vcpu thread runs on (entries into the guest, migrations) */
  readonly pcpu?: number;
}

/**
 * hw/cpu: the guest took an exception (Arm ARM D1.10 "Exception entry"):
 * synchronous, IRQ or FIQ, from EL `from` to EL `to`, at the vector
 * VBAR_ELx + offset. Synchronous ones carry ESR_ELx (its exception class
 * named in `ec`), FAR_ELx where the class sets it, and the disassembly of
 * the instruction that took it (at ELR; an SVC's is at ELR - 4, its
 * preferred return being the next instruction; none for an instruction
 * abort or a PC alignment fault, which have no instruction to show).
 */
export interface ExceptionRecord extends Base {
  readonly kind: 'exception';
  readonly type: 'sync' | 'irq' | 'fiq' | 'serror';
  readonly from: number;
  readonly to: number;
  readonly vector: string;
  readonly elr: string;
  readonly esr?: string;
  readonly ec?: string;
  readonly far?: string;
  readonly insn?: string;
}

export type TraceRecord =
  | LineRecord
  | RegRecord
  | IrqStateRecord
  | AckRecord
  | NoteRecord
  | VgicRecord
  | VcpuStateRecord
  | ExceptionRecord;
export type TraceKind = TraceRecord['kind'];
