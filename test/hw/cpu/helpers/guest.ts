// A fluent harness for guest-code tests, in the style of 6502.ts:
//   guest(`add x0, x1, #1`).setX(1, 41).run(1).assertX(0, 42)
// A bare test machine: 2 MiB of RAM at 0x4000_0000, code at 0x4008_0000,
// a FakePort for everything else.

import assert from 'node:assert/strict';
import { Cpu } from '../../../../src/hw/cpu/cpu.ts';
import { assemble } from '../../../../src/hw/cpu/asm/index.ts';
import type { StopReason } from '../../../../src/hw/cpu/guest-port.ts';
import { GuestRam } from '../../../../src/hw/mem/guest-ram.ts';
import { FakePort } from './fake-port.ts';

export const RAM_BASE = 0x4000_0000;
export const RAM_SIZE = 2 * 1024 * 1024;
export const CODE_BASE = 0x4008_0000;
export const VECTORS = 0x4001_0000;

export class Guest {
  readonly ram: GuestRam;
  readonly port = new FakePort();
  readonly cpu: Cpu;
  readonly symbols: ReadonlyMap<string, number>;
  lastStop: StopReason | null = null;

  constructor(code: string | Uint8Array, ram?: GuestRam, index = 0, base = CODE_BASE) {
    this.ram = ram ?? new GuestRam(RAM_BASE, RAM_SIZE);
    this.cpu = new Cpu(index, this.ram, this.port);
    if (typeof code === 'string') {
      const img = assemble(code, { base });
      this.ram.load(img.base, img.bytes);
      this.cpu.pc = img.entry;
      this.symbols = img.symbols;
    } else {
      this.ram.load(base, code);
      this.cpu.pc = base;
      this.symbols = new Map();
    }
  }

  sym(name: string): number {
    const v = this.symbols.get(name);
    if (v === undefined) throw new Error(`no symbol ${name}`);
    return v;
  }

  /** A vector table of `b .` at VECTORS (each exception parks the cpu at its vector) and VBAR_EL1 = VECTORS. */
  vectors(): this {
    for (let off = 0; off < 0x800; off += 4) this.ram.write32(VECTORS + off, 0x1400_0000);
    this.cpu.setSysreg('VBAR_EL1', VECTORS);
    return this;
  }

  setX(n: number, v: bigint | number): this {
    this.cpu.setX(n, v);
    return this;
  }
  setSp(v: bigint | number): this {
    this.cpu.setSp(v);
    return this;
  }
  setSysreg(name: string, v: bigint | number): this {
    this.cpu.setSysreg(name, v);
    return this;
  }
  irq(level: boolean): this {
    this.cpu.setIrq(level);
    return this;
  }
  run(n: number): this {
    this.lastStop = this.cpu.run(n);
    return this;
  }
  /** Run until the cpu stops for a reason other than 'port' (bounded). */
  runToStop(limit = 100_000): this {
    let left = limit;
    for (;;) {
      const before = this.cpu.instret;
      this.lastStop = this.cpu.run(left);
      left -= this.cpu.instret - before;
      if (this.lastStop !== 'port' || left <= 0) return this;
    }
  }
  assertX(n: number, v: bigint | number, msg?: string): this {
    assert.equal(this.cpu.getX(n), BigInt.asUintN(64, BigInt(v)), msg ?? `x${n}`);
    return this;
  }
  assertSp(v: bigint | number): this {
    assert.equal(this.cpu.getSp(), BigInt.asUintN(64, BigInt(v)), 'sp');
    return this;
  }
  /** Flags as a string like 'nZCv' (upper case = set). */
  assertFlags(s: string): this {
    const c = this.cpu;
    const got = `${c.nf ? 'N' : 'n'}${c.zf ? 'Z' : 'z'}${c.cf ? 'C' : 'c'}${c.vf ? 'V' : 'v'}`;
    assert.equal(got, s, 'NZCV');
    return this;
  }
  assertPc(where: string | number): this {
    const want = typeof where === 'string' ? this.sym(where) : where;
    assert.equal(this.cpu.pc, want, `pc (0x${this.cpu.pc.toString(16)})`);
    return this;
  }
  assertStop(r: StopReason): this {
    assert.equal(this.lastStop, r, 'stop reason');
    return this;
  }
  assertSysreg(name: string, v: bigint | number): this {
    assert.equal(this.cpu.getSysreg(name), BigInt.asUintN(64, BigInt(v)), name);
    return this;
  }
  assertInstret(n: number): this {
    assert.equal(this.cpu.instret, n, 'instret');
    return this;
  }
  assertMem64(pa: number, v: bigint | number): this {
    assert.equal(this.ram.read64(pa), BigInt.asUintN(64, BigInt(v)), `mem[0x${pa.toString(16)}]`);
    return this;
  }
}

export function guest(code: string | Uint8Array): Guest {
  return new Guest(code);
}
