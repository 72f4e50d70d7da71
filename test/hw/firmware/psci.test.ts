import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AffinityState,
  type PowerController,
  PSCI_AFFINITY_INFO_32,
  PSCI_AFFINITY_INFO_64,
  PSCI_CPU_OFF,
  PSCI_CPU_ON_32,
  PSCI_CPU_ON_64,
  PSCI_CPU_SUSPEND_32,
  PSCI_CPU_SUSPEND_64,
  PSCI_FEATURES,
  PSCI_MIGRATE_32,
  PSCI_MIGRATE_64,
  PSCI_MIGRATE_INFO_TYPE,
  PSCI_MIGRATE_INFO_UP_CPU_64,
  PSCI_SYSTEM_OFF,
  PSCI_SYSTEM_RESET,
  PSCI_VERSION,
  PsciReturn,
  type PsciReturnCode,
  psciCall,
} from '../../../src/hw/firmware/psci.ts';

const RAM_BASE = 0x4000_0000n;
const RAM_END = 0x4800_0000n;

/** Two cpus (MPIDR 0 and 1); cpu0 on. Records every call. */
class FakePower implements PowerController {
  readonly calls: string[] = [];
  readonly on = new Map<bigint, number>([
    [0n, AffinityState.ON],
    [1n, AffinityState.OFF],
  ]);
  cpuOn(target: bigint, entry: bigint, ctx: bigint): PsciReturnCode {
    this.calls.push(`cpuOn ${target} 0x${entry.toString(16)} 0x${ctx.toString(16)}`);
    const s = this.on.get(target);
    if (s === undefined) return PsciReturn.INVALID_PARAMETERS;
    if (s === AffinityState.ON) return PsciReturn.ALREADY_ON;
    if (s === AffinityState.ON_PENDING) return PsciReturn.ON_PENDING;
    if (entry < RAM_BASE || entry >= RAM_END) return PsciReturn.INVALID_ADDRESS;
    this.on.set(target, AffinityState.ON_PENDING);
    return PsciReturn.SUCCESS;
  }
  cpuOff(): void {
    this.calls.push('cpuOff');
  }
  systemOff(): void {
    this.calls.push('systemOff');
  }
  systemReset(): void {
    this.calls.push('systemReset');
  }
  affinityInfo(target: bigint, level: number): number {
    this.calls.push(`affinityInfo ${target} ${level}`);
    return this.on.get(target) ?? PsciReturn.INVALID_PARAMETERS;
  }
  standby(): void {
    this.calls.push('standby');
  }
}

const U64 = (v: number): bigint => BigInt.asUintN(64, BigInt(v));
const call = (p: PowerController, fn: number | bigint, a1 = 0n, a2 = 0n, a3 = 0n): bigint =>
  psciCall(BigInt(fn), a1, a2, a3, p);

describe('PSCI', () => {
  it('reports version 1.0', () => {
    assert.equal(call(new FakePower(), PSCI_VERSION), 0x1_0000n);
  });

  it("encodes errors as 64-bit two's complement", () => {
    assert.equal(call(new FakePower(), 0x8400_00ff), 0xffff_ffff_ffff_ffffn);
    assert.equal(U64(PsciReturn.INVALID_ADDRESS), 0xffff_ffff_ffff_fff7n);
  });

  it('CPU_ON (SMC64) starts an off cpu and passes entry and context id', () => {
    const p = new FakePower();
    assert.equal(call(p, PSCI_CPU_ON_64, 1n, 0x4008_1000n, 0xdead_beef_cafe_f00dn), 0n);
    assert.deepEqual(p.calls, ['cpuOn 1 0x40081000 0xdeadbeefcafef00d']);
    assert.equal(call(p, PSCI_CPU_ON_64, 1n, 0x4008_1000n), U64(PsciReturn.ON_PENDING));
  });

  it('CPU_ON errors: ALREADY_ON, INVALID_ADDRESS, INVALID_PARAMETERS (unknown cpu, reserved MPIDR bits)', () => {
    const p = new FakePower();
    assert.equal(call(p, PSCI_CPU_ON_64, 0n, 0x4008_0000n), U64(PsciReturn.ALREADY_ON));
    assert.equal(call(p, PSCI_CPU_ON_64, 1n, 0x1000n), U64(PsciReturn.INVALID_ADDRESS));
    assert.equal(call(p, PSCI_CPU_ON_64, 7n, 0x4008_0000n), U64(PsciReturn.INVALID_PARAMETERS));
    const before = p.calls.length;
    assert.equal(call(p, PSCI_CPU_ON_64, 1n << 24n, 0x4008_0000n), U64(PsciReturn.INVALID_PARAMETERS));
    assert.equal(call(p, PSCI_CPU_ON_64, 1n << 40n, 0x4008_0000n), U64(PsciReturn.INVALID_PARAMETERS));
    assert.equal(p.calls.length, before, 'reserved MPIDR bits are rejected before the controller');
  });

  it('CPU_ON (SMC32) ignores the upper 32 bits of every argument, and of x0', () => {
    const p = new FakePower();
    const junk = 0xffff_ffff_0000_0000n;
    assert.equal(call(p, junk | BigInt(PSCI_CPU_ON_32), junk | 1n, junk | 0x4008_2000n, junk | 7n), 0n);
    assert.deepEqual(p.calls, ['cpuOn 1 0x40082000 0x7']);
  });

  it('CPU_ON (SMC32) has no Aff3: an MPIDR above bit 23 is invalid', () => {
    assert.equal(
      call(new FakePower(), PSCI_CPU_ON_32, 1n << 24n, 0x4008_0000n),
      U64(PsciReturn.INVALID_PARAMETERS),
    );
  });

  it('CPU_OFF, SYSTEM_OFF, SYSTEM_RESET reach the controller', () => {
    const p = new FakePower();
    call(p, PSCI_CPU_OFF);
    call(p, PSCI_SYSTEM_OFF);
    call(p, PSCI_SYSTEM_RESET);
    assert.deepEqual(p.calls, ['cpuOff', 'systemOff', 'systemReset']);
  });

  it('CPU_SUSPEND (both widths) is standby and returns SUCCESS', () => {
    const p = new FakePower();
    assert.equal(call(p, PSCI_CPU_SUSPEND_32, 0x1_0000n), 0n);
    assert.equal(call(p, PSCI_CPU_SUSPEND_64, 0n, 0x4008_0000n), 0n);
    assert.deepEqual(p.calls, ['standby', 'standby']);
  });

  it('AFFINITY_INFO reports ON/OFF and rejects levels above 0 and unknown cpus', () => {
    const p = new FakePower();
    assert.equal(call(p, PSCI_AFFINITY_INFO_64, 0n, 0n), 0n);
    assert.equal(call(p, PSCI_AFFINITY_INFO_32, 1n, 0n), 1n);
    assert.equal(call(p, PSCI_AFFINITY_INFO_64, 1n, 1n), U64(PsciReturn.INVALID_PARAMETERS));
    assert.equal(call(p, PSCI_AFFINITY_INFO_64, 9n, 0n), U64(PsciReturn.INVALID_PARAMETERS));
    assert.equal(call(p, PSCI_AFFINITY_INFO_64, 1n << 48n, 0n), U64(PsciReturn.INVALID_PARAMETERS));
    // SMC32: the level's upper half is ignored
    assert.equal(call(p, PSCI_AFFINITY_INFO_32, 1n, 0x1_0000_0000n), 1n);
  });

  it('MIGRATE_INFO_TYPE says no Trusted OS; MIGRATE calls are not supported', () => {
    const p = new FakePower();
    assert.equal(call(p, PSCI_MIGRATE_INFO_TYPE), 2n);
    for (const fn of [PSCI_MIGRATE_32, PSCI_MIGRATE_64, PSCI_MIGRATE_INFO_UP_CPU_64])
      assert.equal(call(p, fn), U64(PsciReturn.NOT_SUPPORTED));
  });

  it('PSCI_FEATURES: 0 for implemented functions, NOT_SUPPORTED otherwise', () => {
    const p = new FakePower();
    for (const fn of [PSCI_VERSION, PSCI_CPU_ON_64, PSCI_CPU_SUSPEND_32, PSCI_SYSTEM_OFF, PSCI_FEATURES])
      assert.equal(call(p, PSCI_FEATURES, BigInt(fn)), 0n, fn.toString(16));
    for (const fn of [PSCI_MIGRATE_64, 0x8000_0000, 0x8400_0012])
      assert.equal(call(p, PSCI_FEATURES, BigInt(fn)), U64(PsciReturn.NOT_SUPPORTED), fn.toString(16));
    assert.deepEqual(p.calls, [], 'PSCI_FEATURES has no side effect');
  });

  it('any other function ID is NOT_SUPPORTED and touches nothing', () => {
    const known = new Set([
      0x8400_0000, 0x8400_0001, 0xc400_0001, 0x8400_0002, 0x8400_0003, 0xc400_0003, 0x8400_0004, 0xc400_0004,
      0x8400_0006, 0x8400_0008, 0x8400_0009, 0x8400_000a,
    ]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          fc.integer({ min: 0x8400_0000, max: 0x8400_001f }).map(BigInt),
          fc.integer({ min: 0xc400_0000, max: 0xc400_001f }).map(BigInt),
        ),
        (x0) => {
          fc.pre(!known.has(Number(x0 & 0xffff_ffffn)));
          const p = new FakePower();
          assert.equal(psciCall(x0, 1n, 0x4008_0000n, 0n, p), U64(PsciReturn.NOT_SUPPORTED));
          assert.deepEqual(p.calls, []);
        },
      ),
    );
  });
});
