// PSCI's view of the board (the PowerController of src/hw/firmware/psci.ts):
// which cpus are on, CPU_ON/CPU_OFF, SYSTEM_OFF. Bare-metal firmware and a
// hypervisor's PSCI emulation (KVM's) agree on these semantics, so both
// machines use this one.

import type { Saveable } from '../../sim/saveable.ts';
import type { GuestCpu } from '../cpu/guest-port.ts';
import { cpuOfAffinity } from '../cpu/mpidr.ts';
import { PsciReturn, type PsciReturnCode, type PowerController, psciCall } from '../firmware/psci.ts';
import type { Board } from './board.ts';

/** MPIDR affinity bits above Aff1 (Aff3 [39:32], Aff2 [23:16]): 0 on every board cpu (hw/cpu/mpidr.ts). */
const UPPER_AFFINITY = 0xff_00ff_0000n;

export type PowerEvent = 'system-off' | 'system-reset';

export interface PowerListener {
  /** A cpu was powered on by CPU_ON (already reset to its entry point). */
  cpuPoweredOn(cpu: number): void;
  /** The calling cpu turned itself off, or asked for standby. */
  cpuStopped(cpu: number, how: 'off' | 'standby'): void;
  system(ev: PowerEvent): void;
}

/** Which cpus are on, by index. */
export type PowerState = boolean[];

export class BoardPower implements PowerController, Saveable<PowerState> {
  readonly on: boolean[];
  /** The cpu making the current PSCI call (set by the machine before psciCall). */
  caller = 0;

  constructor(
    private readonly board: Board,
    private readonly listener: PowerListener,
    private readonly startAll: boolean,
  ) {
    this.on = this.defaultState();
  }

  save(): PowerState {
    return [...this.on];
  }

  restore(s: PowerState): void {
    if (s.length !== this.on.length)
      throw new RangeError(`power snapshot has ${s.length} cpus, the board ${this.on.length}`);
    s.forEach((on, i) => {
      this.on[i] = on;
    });
  }

  /** At power-on only cpu 0 runs (the others wait for CPU_ON), or every cpu with `startAll`. */
  defaultState(): PowerState {
    return this.board.cpus.map((_, i) => this.startAll || i === 0);
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  private indexOf(mpidr: bigint): number {
    if ((mpidr & UPPER_AFFINITY) !== 0n) return -1;
    return cpuOfAffinity(Number(mpidr & 0xffffn), this.board.cpus.length);
  }

  cpuOn(targetMpidr: bigint, entry: bigint, contextId: bigint): PsciReturnCode {
    const i = this.indexOf(targetMpidr);
    if (i < 0) return PsciReturn.INVALID_PARAMETERS;
    if (this.on[i]) return PsciReturn.ALREADY_ON;
    const pa = Number(entry);
    if (entry > BigInt(Number.MAX_SAFE_INTEGER) || !this.board.ram.contains(pa, 4))
      return PsciReturn.INVALID_ADDRESS;
    const cpu = this.board.cpus[i];
    cpu.warmReset(pa);
    cpu.setX(0, contextId);
    this.on[i] = true;
    this.listener.cpuPoweredOn(i);
    return PsciReturn.SUCCESS;
  }

  cpuOff(): void {
    this.on[this.caller] = false;
    this.listener.cpuStopped(this.caller, 'off');
  }

  systemOff(): void {
    this.listener.system('system-off');
  }

  systemReset(): void {
    this.listener.system('system-reset');
  }

  affinityInfo(targetMpidr: bigint): number {
    const i = this.indexOf(targetMpidr);
    if (i < 0) return PsciReturn.INVALID_PARAMETERS;
    return this.on[i] ? 0 : 1;
  }

  standby(): void {
    this.listener.cpuStopped(this.caller, 'standby');
  }
}

/**
 * The conduit calls of a cpu stopped by HVC or SMC, as both machines answer
 * them: HVC is PSCI (firmware on bare metal, KVM's emulation under the
 * hypervisor, the same semantics); SMC finds no secure firmware on this
 * board (SMCCC: NOT_SUPPORTED, -1).
 */
export function conduitCall(cpu: GuestCpu, conduit: 'hvc' | 'smc', power: BoardPower): void {
  if (conduit === 'smc') {
    cpu.setX(0, BigInt.asUintN(64, BigInt(PsciReturn.NOT_SUPPORTED)));
    return;
  }
  power.caller = cpu.index;
  cpu.setX(0, psciCall(cpu.getX(0), cpu.getX(1), cpu.getX(2), cpu.getX(3), power));
}
