// Run a test program in vgicsim as a Linux user process would run: at EL0,
// with stage-1 identity tables (Normal memory, so unaligned accesses work
// as under qemu-aarch64), and a minimal "kernel" for write(2) and exit(2).
// Every EL1 vector is `hvc #<vector index>; eret`: the HVC stops the cpu,
// this file serves the SVC (or reports the unexpected exception), and the
// ERET returns to the program.

import { Cpu } from '../../../../src/hw/cpu/cpu.ts';
import { GuestRam } from '../../../../src/hw/mem/guest-ram.ts';
import { FakePort } from '../helpers/fake-port.ts';

const RAM_BASE = 0x4000_0000;
const RAM_SIZE = 16 * 1024 * 1024;
const VBAR = 0x4001_0000;
const L1 = 0x4002_0000;
const L2 = 0x4002_1000;
/** Vector index of "synchronous, from a lower EL using AArch64" (offset 0x400). */
const VEC_LOWER_SYNC = 8;
const EC_SVC64 = 0x15;

const HVC = (imm: number): number => (0xd400_0002 | (imm << 5)) >>> 0;
const ERET = 0xd69f_03e0;

export interface VmResult {
  out: Uint8Array;
  /** Set when the program did not reach exit(2): what happened, and the PC (ELR). */
  error?: { message: string; pc: number };
  instret: number;
  undefCounts: Record<string, number>;
}

/** Stage-1 block descriptor bits (Arm ARM D5.3.3): AF, inner shareable, AttrIndx 0. */
const BLOCK = 0x1n | (1n << 10n) | (3n << 8n);
const AP_EL0_RW = 1n << 6n;
const PXN = 1n << 53n;
const UXN = 1n << 54n;

export function runInVgicsim(bytes: Uint8Array, base: number, entry: number, budget: number): VmResult {
  const ram = new GuestRam(RAM_BASE, RAM_SIZE);
  const port = new FakePort();
  const cpu = new Cpu(0, ram, port);
  ram.load(base, bytes);
  for (let v = 0; v < 16; v++) {
    ram.write32(VBAR + v * 0x80, HVC(v));
    ram.write32(VBAR + v * 0x80 + 4, ERET);
  }
  // 39-bit VA space, level-1 table entry 1 (0x4000_0000) -> level-2 table of 2 MiB blocks:
  // the first 4 MiB (vectors, tables) EL1 only, the rest of RAM EL0 read/write.
  ram.write64(L1 + 8, BigInt(L2) | 3n);
  for (let b = 0; b < RAM_SIZE / 0x20_0000; b++) {
    const pa = BigInt(RAM_BASE + b * 0x20_0000);
    ram.write64(L2 + b * 8, pa | BLOCK | (b < 2 ? UXN : AP_EL0_RW | PXN));
  }
  cpu.setSysreg('MAIR_EL1', 0xff);
  // T0SZ = 25, IRGN0/ORGN0 write-back, SH0 inner, TG0 4 KiB, EPD1, IPS 40 bits.
  cpu.setSysreg('TCR_EL1', 25n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (1n << 23n) | (2n << 32n));
  cpu.setSysreg('TTBR0_EL1', L1);
  cpu.setSysreg('VBAR_EL1', VBAR);
  // M, C, I: the MMU on, so RAM is Normal memory. DZE, UCT, UCI as Linux sets them:
  // EL0 may use DC ZVA, read CTR_EL0 and do cache maintenance without trapping.
  cpu.setSysreg(
    'SCTLR_EL1',
    cpu.getSysreg('SCTLR_EL1') | 1n | 4n | (1n << 12n) | (1n << 14n) | (1n << 15n) | (1n << 26n),
  );
  // FPEN = 0b11: FP/SIMD available at EL0 and EL1, as Linux sets it for a user task.
  cpu.setSysreg('CPACR_EL1', 3n << 20n);
  cpu.setElSp(0, 0);
  cpu.daif = 0;
  cpu.pc = entry;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const finish = (error?: VmResult['error']): VmResult => {
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    const undefCounts: Record<string, number> = {};
    cpu.undefCounts.forEach((n, i) => {
      if (n) undefCounts[i] = n;
    });
    return error
      ? { out, error, instret: cpu.instret, undefCounts }
      : { out, instret: cpu.instret, undefCounts };
  };
  for (;;) {
    const left = budget - cpu.instret;
    if (left <= 0) return finish({ message: 'instruction budget exhausted', pc: cpu.pc });
    const stop = cpu.run(left);
    if (stop === 'budget') continue;
    const elr = Number(BigInt.asIntN(64, cpu.getSysreg('ELR_EL1')));
    if (stop !== 'hvc') return finish({ message: `cpu stopped: ${stop}`, pc: cpu.pc });
    const esr = Number(cpu.getSysreg('ESR_EL1'));
    const ec = esr >>> 26;
    if (cpu.hvcImm !== VEC_LOWER_SYNC || ec !== EC_SVC64) {
      const what =
        cpu.hvcImm === VEC_LOWER_SYNC
          ? `synchronous exception EC 0x${ec.toString(16)}`
          : `vector ${cpu.hvcImm}`;
      return finish({ message: `${what} (ESR 0x${esr.toString(16)})`, pc: elr - (ec === EC_SVC64 ? 4 : 0) });
    }
    const nr = Number(cpu.getX(8));
    if (nr === 93) return finish();
    if (nr !== 64) return finish({ message: `unexpected syscall ${nr}`, pc: elr - 4 });
    const len = Number(cpu.getX(2));
    chunks.push(ram.readBytes(Number(cpu.getX(1)), len).slice());
    total += len;
    cpu.setX(0, len);
  }
}
