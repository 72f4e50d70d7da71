// Arm PrimeCell Real Time Clock (PL031), per the PL031 Technical Reference
// Manual (DDI 0224), as the 4 KiB MMIO frame QEMU's virt board has at
// 0x0901_0000 on SPI 2 (INTID 34), built as a register table (hw/mmio).
//
// Model choices:
// - The 1 Hz counter is virtual time: RTCDR = start + whole seconds of the
//   sim clock since power-on (+ what RTCLR loads), so runs stay
//   deterministic; `start` is machine.rtc (seconds since the Unix epoch).
// - The counter runs from reset whatever RTCCR says, as QEMU's PL031 does
//   (the TRM's RTCCR.RTCStart only starts a stopped counter; firmware-less
//   guests never write it). RTCCR reads back bit 0 as written.
// - Match: when the counter becomes equal to RTCMR, RTCRIS.RTCRIS is set
//   (TRM "Match register"); RTCINTR = RTCMIS != 0, a level to the GIC. The
//   match is an event at the exact second boundary; writing RTCMR or RTCLR
//   moves it; a match value equal to the current count matches at once.
// - Accesses: word registers; narrower reads see the bytes of the word,
//   narrower writes at a word-aligned offset write the zero-extended value
//   (as the PL011 here). Reserved offsets are RAZ/WI.

import type { EventHandler, EventId, Kernel } from '../../sim/kernel.ts';
import type { Saveable } from '../../sim/saveable.ts';
import { Signal } from '../../sim/signal.ts';
import { primecellRead, primecellWrite } from './primecell.ts';
import type { AccessSize, MmioDevice } from '../mmio.ts';
import { register } from '../mmio/builders.ts';
import { type MmioRegion, MmioTable, WORD_BYTES } from '../mmio/region.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

export const PL031_FRAME_SIZE = 0x1000;

// Register offsets (TRM "Summary of RTC registers")
export const RTCDR = 0x000;
export const RTCMR = 0x004;
export const RTCLR = 0x008;
export const RTCCR = 0x00c;
export const RTCIMSC = 0x010;
export const RTCRIS = 0x014;
export const RTCMIS = 0x018;
export const RTCICR = 0x01c;
export const RTCPeriphID0 = 0xfe0;

/** RTCPeriphID0-3 then RTCPCellID0-3: part 0x031, designer 0x41 (Arm), revision 1; PrimeCell 0xb105f00d. */
export const PL031_ID_BYTES = [0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1] as const;
/** The one interrupt bit of RTCIMSC/RTCRIS/RTCMIS/RTCICR, and RTCCR.RTCStart. */
const BIT0 = 1;
const U32 = 2 ** 32;

/** 2024-01-01T00:00:00Z: the default start (machine.rtc), fixed so runs are deterministic. */
export const DEFAULT_RTC_START = 1_704_067_200;

export interface Pl031State {
  /** counter value at sim time 0 (start, moved by RTCLR writes), u32 */
  offset: number;
  mr: number;
  lr: number;
  cr: number;
  imsc: number;
  ris: number;
}

export interface Pl031Config {
  readonly kernel: Kernel;
  /** sim clock ticks per second (the system counter's frequency) */
  readonly ticksPerSecond: number;
  /** RTCDR at power-on, seconds since the Unix epoch (u32) */
  readonly start: number;
}

export class Pl031 implements MmioDevice, Saveable<Pl031State>, EventHandler {
  /** RTCINTR: RTCMIS != 0. INTID 34 on the virt board. */
  readonly irq = new Signal('pl031.RTCINTR');
  private s: Pl031State;
  private readonly match: EventId;
  private readonly frame = new MmioTable(this.pl031Table());

  constructor(private readonly c: Pl031Config) {
    if (!Number.isInteger(c.start) || c.start < 0 || c.start >= U32)
      throw new RangeError(`PL031 start ${c.start} is not a 32-bit count of seconds`);
    this.s = this.defaultState();
    this.match = c.kernel.createEvent('pl031.match', this);
  }

  /** Whole seconds since power-on. */
  private seconds(): number {
    return Math.floor(this.c.kernel.now / this.c.ticksPerSecond);
  }

  /** RTCDR now. */
  count(): number {
    return (this.s.offset + this.seconds()) % U32;
  }

  /** PrimeCell access rule (primecell.ts). */
  read(offset: number, size: AccessSize, cpu: number): number {
    return primecellRead(this.frame, offset, size, cpu);
  }

  write(offset: number, size: AccessSize, value: number, cpu: number): void {
    primecellWrite(this.frame, offset, size, value, cpu);
  }

  onEvent(): void {
    this.s.ris |= BIT0;
    this.update();
  }

  defaultState(): Pl031State {
    return { offset: this.c.start, mr: 0, lr: 0, cr: 0, imsc: 0, ris: 0 };
  }

  save(): Pl031State {
    return { ...this.s };
  }

  /** What save() holds, into a running hash. */
  digest(h: StateDigest): void {
    h.value(this.s);
  }

  /** The match event is the kernel's (saved and restored with it); RTCINTR takes its level silently. */
  restore(state: Pl031State): void {
    this.s = { ...state };
    this.irq.restoreLevel((this.s.ris & this.s.imsc) !== 0);
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  private update(): void {
    this.irq.set((this.s.ris & this.s.imsc) !== 0);
  }

  /** (Re)schedule the match for the second at which the counter equals RTCMR. */
  private arm(): void {
    const k = this.c.kernel;
    k.cancel(this.match);
    const delta = (this.s.mr - this.count() + U32) % U32;
    if (delta === 0) {
      this.onEvent();
      return;
    }
    const at = (this.seconds() + delta) * this.c.ticksPerSecond;
    if (Number.isSafeInteger(at)) k.schedule(this.match, at);
  }

  /** The register table (TRM "Summary of RTC registers"). */
  private pl031Table(): MmioRegion[] {
    const s = (): Pl031State => this.s;
    return [
      register({ name: 'RTCDR', offset: RTCDR, read: () => this.count() }),
      register({
        name: 'RTCMR',
        offset: RTCMR,
        read: () => s().mr,
        write: (_c, _o, _s, v) => {
          s().mr = v;
          this.arm();
        },
      }),
      register({
        name: 'RTCLR',
        offset: RTCLR,
        read: () => s().lr,
        write: (_c, _o, _s, v) => {
          s().lr = v;
          s().offset = (v - (this.seconds() % U32) + U32) % U32;
          this.arm();
        },
      }),
      register({
        name: 'RTCCR',
        offset: RTCCR,
        read: () => s().cr,
        write: (_c, _o, _s, v) => {
          s().cr = v & BIT0;
        },
      }),
      register({
        name: 'RTCIMSC',
        offset: RTCIMSC,
        read: () => s().imsc,
        write: (_c, _o, _s, v) => {
          s().imsc = v & BIT0;
          this.update();
        },
      }),
      register({ name: 'RTCRIS', offset: RTCRIS, read: () => s().ris }),
      register({ name: 'RTCMIS', offset: RTCMIS, read: () => s().ris & s().imsc }),
      register({
        name: 'RTCICR',
        offset: RTCICR,
        write: (_c, _o, _s, v) => {
          s().ris &= ~(v & BIT0);
          this.update();
        },
      }),
      register({
        name: 'RTCPeriphID/RTCPCellID',
        offset: RTCPeriphID0,
        len: PL031_FRAME_SIZE - RTCPeriphID0,
        read: (_c, off) => PL031_ID_BYTES[(off - RTCPeriphID0) / WORD_BYTES],
      }),
    ];
  }
}
