// The device side of memory-mapped I/O. Offsets are relative to the device's
// frame; values are unsigned 32-bit Numbers. Devices that have no 64-bit
// registers (all of GICv2, the PL011) never see size 8: the bus splits an
// 8-byte access into two 4-byte accesses, low word first.

export type AccessSize = 1 | 2 | 4 | 8;

export interface MmioDevice {
  /** Read `size` bytes at `offset` as seen by `cpu` (banked registers differ per cpu). */
  read(offset: number, size: AccessSize, cpu: number): number;
  write(offset: number, size: AccessSize, value: number, cpu: number): void;
}

/** What a device needs to know about time without depending on the sim kernel. */
export interface Clock {
  readonly now: number;
}
