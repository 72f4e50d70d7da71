// Building a KVM VM through the userspace API and running an assembly guest
// on it: the sequence a VMM follows (create VM, vcpus, vgic device, init,
// load, run), plus the guest fragments the hypervisor tests share.

import assert from 'node:assert/strict';
import { BOARD_ASM_SYMBOL_MAP } from '../../../src/hw/board/asm-symbols.ts';
import { assemble } from '../../../src/hw/cpu/asm/index.ts';
import { createVm, type KvmResult, type KvmVm, type KvmVmConfig } from '../../../src/hyp/api/index.ts';
import { KVM_DEV_ARM_VGIC_CTRL_INIT, KVM_DEV_ARM_VGIC_GRP_CTRL } from '../../../src/hyp/api/uapi.ts';

export const CODE_BASE = 0x4008_0000;
export const POLICIES = ['level', 'legacy-edge'] as const;

/** 1 GHz cpu, 62.5 MHz counter: one tick = 16 cycles = 16 instructions. */
export const INSNS_PER_TICK = 16;

export function unwrap<T>(r: KvmResult<T>): T {
  if (!r.ok) assert.fail(`${r.errno} (${r.ret}): ${r.message}`);
  return r.value;
}

export interface Built {
  readonly kvm: KvmVm;
  readonly symbols: ReadonlyMap<string, number>;
}

/** The vgic device a VMM creates for the host GIC of `config` (arm-vgic-v3 on a GICv3). */
export function vgicDeviceOf(config: KvmVmConfig): 'arm-vgic-v2' | 'arm-vgic-v3' {
  return config.gic === 'v3' ? 'arm-vgic-v3' : 'arm-vgic-v2';
}

/** createVm, every vcpu, the vgic device; `init` (default true) sends CTRL_INIT; loads `src`. */
export function buildGuestVm(src: string, config: KvmVmConfig, init = true): Built {
  const kvm = createVm(config);
  for (let i = 0; i < (config.vcpus ?? 1); i++) unwrap(kvm.createVcpu(i));
  const dev = unwrap(kvm.createDevice(vgicDeviceOf(config)));
  if (init) unwrap(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT));
  const img = assemble(src, { base: CODE_BASE, predefined: BOARD_ASM_SYMBOL_MAP });
  unwrap(kvm.loadImage(img.bytes, img.entry, CODE_BASE));
  return { kvm, symbols: img.symbols };
}

export function sym(b: Built, name: string): number {
  const a = b.symbols.get(name);
  if (a === undefined) assert.fail(`no symbol ${name}`);
  return a;
}

/**
 * Vector table at `vectors` (IRQ from the current EL with SP_ELx at
 * +0x280 branches to `irq`), GICD on with `enableMask` set in
 * GICD_ISENABLER0, GICC on with PMR 0xf0. Leaves x1 = GICD, x9 = GICC.
 */
export function prologue(enableMask: string): string {
  return `
_start:
    ldr     x0, =vectors
    msr     vbar_el1, x0
    ldr     x1, =0x08000000         // GICD
    mov     w2, #1
    str     w2, [x1]                // GICD_CTLR.EnableGrp0
    ldr     w2, =${enableMask}
    str     w2, [x1, #0x100]        // GICD_ISENABLER0
    ldr     x9, =0x08010000         // GICC
    mov     w2, #0xf0
    str     w2, [x9, #0x4]          // GICC_PMR
    mov     w2, #1
    str     w2, [x9]                // GICC_CTLR.EnableGrp0
    mov     x20, #0                 // interrupts taken
`;
}

/** PSCI SYSTEM_OFF. */
export const POWEROFF = `
    ldr     x0, =0x84000008
    hvc     #0
99: b       99b
`;

/** The vector table; the handler body follows the `irq:` label, which the caller writes. */
export const VECTORS = `
    .balign 2048
vectors:
    .skip   0x280
    b       irq
    .balign 2048
`;

export const TIMER_BIT = `${1 << 27}`;
