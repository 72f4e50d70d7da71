// Arm PrimeCell UART (PL011), per the PL011 Technical Reference Manual
// (DDI 0183, r1p5), as a 4 KiB MMIO frame (MEMMAP.UART on the virt board), built as a register
// table (hw/mmio).
//
// Model choices (the TRM describes a serial line with real baud-rate timing;
// here the line is infinitely fast and time does not pass inside the device):
// - Transmission is instantaneous: a byte written to UARTDR leaves at once
//   (captured in the output buffer and told to the listener). So the transmit
//   FIFO is always empty: UARTFR.TXFE=1, TXFF=0, BUSY=0.
// - The UART transmits and receives whatever UARTCR.UARTEN/TXE/RXE say. The
//   virt board's UART is used by firmware-less guests and by Linux earlycon
//   without any set-up, and CR's reset value has UARTEN=0; honouring it would
//   make every such guest silent. Baud rate, word format, CTS/RTS flow
//   control and IrDA have no effect. LBE (loopback) does: transmitted bytes
//   go to the receive FIFO instead of the output.
// - FIFO depth is 16 (LCR_H.FEN=1) or 1 (FEN=0, "character mode"). Depth and
//   the revision in UARTPeriphID2 must agree because drivers size the FIFO
//   from the revision: we report revision 1 (PeriphID2 = 0x14, 16-entry
//   FIFOs, as the virt board's UART does). A true r1p5 reports revision 3
//   (0x34) and has 32-entry FIFOs. Changing FEN empties the receive FIFO.
// - TX interrupt (TRM "UARTTXINTR"): it fires on the FIFO level passing
//   *down* through the trigger level, not on the level itself, so it is clear
//   after reset and set after each write (the byte leaves at once, the FIFO
//   drains past the trigger). Cleared by UARTICR.TXIC.
// - RX interrupt: set when the receive FIFO reaches the trigger level (one
//   byte with FIFOs off), cleared when reads take it below, or by UARTICR.
// - Receive timeout: the "32-bit period" of silence has elapsed as soon as a
//   pushInput() batch ends, so RTRIS is set whenever a batch leaves data in
//   the FIFO; cleared when the FIFO becomes empty or by UARTICR.RTIC.
// - Overrun: a byte arriving at a full FIFO is lost, RSR.OE and OERIS are set
//   and the next byte that enters the FIFO carries DR.OE.
// - Modem inputs (nUARTCTS, nUARTDSR, nUARTDCD, nUARTRI) are inactive: their
//   UARTFR bits read 0 and modem-status interrupts never fire.
// - Access widths: the PL011 is an APB slave that sees whole words. Reads of
//   1 or 2 bytes return those bytes of the register (side effects of the word
//   read happen, e.g. a byte read of UARTDR pops the FIFO); writes of 1 or 2
//   bytes at a word-aligned offset write the zero-extended value (Linux's
//   earlycon uses `strb` to UARTDR and its driver 16-bit accesses); writes at
//   other offsets are ignored. Size 8 never reaches a device (mmio.ts) and is
//   treated as 4. Reserved and test-register offsets are RAZ/WI.

import { getField, lowMask, testBit } from '../../sim/bits.ts';
import type { Saveable } from '../../sim/saveable.ts';
import { Signal } from '../../sim/signal.ts';
import { primecellRead, primecellWrite } from './primecell.ts';
import type { AccessSize, MmioDevice } from '../mmio.ts';
import { register } from '../mmio/builders.ts';
import { type MmioRegion, MmioTable, WORD_BYTES } from '../mmio/region.ts';
import type { StateDigest } from '../../sim/state-digest.ts';
import {
  PL011_FRAME_SIZE,
  UARTDR,
  UARTRSR,
  UARTFR,
  UARTILPR,
  UARTIBRD,
  UARTFBRD,
  UARTLCR_H,
  UARTCR,
  UARTIFLS,
  UARTIMSC,
  UARTRIS,
  UARTMIS,
  UARTICR,
  UARTDMACR,
  UARTPeriphID0,
  PL011_ID_BYTES,
  DR_DATA,
  DR_OE,
  DR_ERROR_SHIFT,
  RSR_MASK,
  RSR_OE,
  FR_RXFE,
  FR_RXFF,
  FR_TXFE,
  LCR_H_FEN,
  CR_LBE,
  CR_RESET,
  CR_WRITABLE,
  IFLS_RX,
  IFLS_RESET,
  IFLS_WRITABLE,
  INT_RX,
  INT_TX,
  INT_RT,
  INT_OE,
  INT_MASK,
  ILPR_WIDTH,
  IBRD_WIDTH,
  FBRD_WIDTH,
  LCR_H_WIDTH,
  DMACR_WIDTH,
  FIFO_DEPTH,
  RX_TRIGGER_EIGHTHS,
  HALF_EIGHTHS,
} from './pl011-regs.ts';

export * from './pl011-regs.ts';

export interface Pl011State {
  /** receive FIFO, oldest first; entries are UARTDR read values (data + error bits) */
  rx: number[];
  rsr: number;
  ilpr: number;
  ibrd: number;
  fbrd: number;
  lcrH: number;
  cr: number;
  ifls: number;
  imsc: number;
  ris: number;
  dmacr: number;
  /** an overrun happened; the next byte entering the FIFO carries DR.OE */
  overrun: boolean;
  /** everything transmitted so far, one char per byte (latin1) */
  tx: string;
}

export type TransmitListener = (byte: number) => void;

export class Pl011 implements MmioDevice, Saveable<Pl011State> {
  /** UARTINTR: OR of the masked interrupt status (UARTMIS != 0). INTID 33 on the virt board. */
  readonly irq = new Signal('pl011.UARTINTR');
  private s: Pl011State = Pl011.resetState();
  private readonly listeners: TransmitListener[] = [];
  private readonly frame = new MmioTable(this.pl011Table());

  static resetState(): Pl011State {
    return {
      rx: [],
      rsr: 0,
      ilpr: 0,
      ibrd: 0,
      fbrd: 0,
      lcrH: 0,
      cr: CR_RESET,
      ifls: IFLS_RESET,
      imsc: 0,
      ris: 0,
      dmacr: 0,
      overrun: false,
      tx: '',
    };
  }

  /** Called with every transmitted byte (not for loopback). */
  onTransmit(listener: TransmitListener): void {
    this.listeners.push(listener);
  }

  /** Bytes transmitted so far. */
  outputBytes(): Uint8Array {
    return Uint8Array.from(this.s.tx, (c) => c.charCodeAt(0));
  }

  /** Transmitted bytes decoded as UTF-8 (what a terminal would show). */
  outputText(): string {
    return new TextDecoder().decode(this.outputBytes());
  }

  /** Bytes arriving on UARTRXD, back to back, then the line goes idle. Returns how many entered the FIFO. */
  pushInput(bytes: Uint8Array | string): number {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    let accepted = 0;
    for (const b of data) if (this.receive(b)) accepted++;
    if (this.s.rx.length > 0 && data.length > 0) this.s.ris |= INT_RT;
    this.update();
    return accepted;
  }

  /** PrimeCell access rule (primecell.ts). */
  read(offset: number, size: AccessSize, cpu: number): number {
    return primecellRead(this.frame, offset, size, cpu);
  }

  write(offset: number, size: AccessSize, value: number, cpu: number): void {
    primecellWrite(this.frame, offset, size, value, cpu);
  }

  defaultState(): Pl011State {
    return Pl011.resetState();
  }

  /** Like restore: UARTINTR takes its reset level (low) without notifying the GIC. */
  reset(): void {
    this.restore(this.defaultState());
  }

  save(): Pl011State {
    return { ...this.s, rx: [...this.s.rx] };
  }

  /** What save() holds, into a running hash. */
  digest(h: StateDigest): void {
    h.value(this.s);
  }

  restore(state: Pl011State): void {
    this.s = { ...state, rx: [...state.rx] };
    this.irq.restoreLevel(this.mis() !== 0);
  }

  private depth(): number {
    return getField(this.s.lcrH, LCR_H_FEN) === 1 ? FIFO_DEPTH : 1;
  }

  private rxTrigger(): number {
    if (this.depth() === 1) return 1;
    const sel = getField(this.s.ifls, IFLS_RX);
    return ((RX_TRIGGER_EIGHTHS[sel] ?? HALF_EIGHTHS) * FIFO_DEPTH) / 8;
  }

  private mis(): number {
    return this.s.ris & this.s.imsc;
  }

  private update(): void {
    this.irq.set(this.mis() !== 0);
  }

  private flags(): number {
    const n = this.s.rx.length;
    let fr = FR_TXFE;
    if (n === 0) fr |= FR_RXFE;
    if (n >= this.depth()) fr |= FR_RXFF;
    return fr;
  }

  /** One byte arrives. False if it was lost to an overrun. */
  private receive(byte: number): boolean {
    const s = this.s;
    if (s.rx.length >= this.depth()) {
      s.rsr |= RSR_OE;
      s.ris |= INT_OE;
      s.overrun = true;
      return false;
    }
    s.rx.push(byte | (s.overrun ? DR_OE : 0));
    s.overrun = false;
    if (s.rx.length >= this.rxTrigger()) s.ris |= INT_RX;
    return true;
  }

  private transmit(byte: number): void {
    if (testBit(this.s.cr, CR_LBE.lsb)) {
      this.receive(byte);
      if (this.s.rx.length > 0) this.s.ris |= INT_RT;
    } else {
      this.s.tx += String.fromCharCode(byte);
      for (const l of this.listeners) l(byte);
    }
    this.s.ris |= INT_TX;
    this.update();
  }

  private readData(): number {
    const s = this.s;
    const v = s.rx.shift();
    if (v === undefined) return 0; // empty FIFO: deterministic 0
    // The error bits of the character just read are what UARTRSR shows (TRM "Receive Status Register").
    s.rsr = (s.rsr & RSR_OE) | ((v >>> DR_ERROR_SHIFT) & RSR_MASK);
    if (s.rx.length < this.rxTrigger()) s.ris &= ~INT_RX;
    if (s.rx.length === 0) s.ris &= ~INT_RT;
    this.update();
    return v;
  }

  /**
   * The PL011 register table (TRM "Summary of registers"): word registers;
   * read() and write() above adapt narrower bus accesses to them. UARTICR
   * is write-only (RAZ); FR, RIS, MIS and the ID registers are read-only
   * (WI); reserved and test-register offsets have no row (RAZ/WI).
   */
  private pl011Table(): MmioRegion[] {
    const s = (): Pl011State => this.s;
    const rw = (name: string, offset: number, get: () => number, set: (v: number) => void): MmioRegion =>
      register({ name, offset, read: get, write: (_c, _o, _s, v) => set(v) });
    return [
      register({
        name: 'UARTDR',
        offset: UARTDR,
        read: () => this.readData(),
        write: (_c, _o, _s, v) => this.transmit(getField(v, DR_DATA)),
      }),
      register({
        name: 'UARTRSR/UARTECR',
        offset: UARTRSR,
        read: () => s().rsr,
        write: () => {
          s().rsr = 0; // any value clears FE, PE, BE, OE (TRM "Error Clear Register")
        },
      }),
      register({ name: 'UARTFR', offset: UARTFR, read: () => this.flags() }),
      rw(
        'UARTILPR',
        UARTILPR,
        () => s().ilpr,
        (v) => {
          s().ilpr = v & lowMask(ILPR_WIDTH);
        },
      ),
      rw(
        'UARTIBRD',
        UARTIBRD,
        () => s().ibrd,
        (v) => {
          s().ibrd = v & lowMask(IBRD_WIDTH);
        },
      ),
      rw(
        'UARTFBRD',
        UARTFBRD,
        () => s().fbrd,
        (v) => {
          s().fbrd = v & lowMask(FBRD_WIDTH);
        },
      ),
      rw(
        'UARTLCR_H',
        UARTLCR_H,
        () => s().lcrH,
        (v) => {
          const old = s().lcrH;
          s().lcrH = v & lowMask(LCR_H_WIDTH);
          if (getField(old ^ s().lcrH, LCR_H_FEN) !== 0) this.flushRx();
        },
      ),
      rw(
        'UARTCR',
        UARTCR,
        () => s().cr,
        (v) => {
          s().cr = v & CR_WRITABLE;
        },
      ),
      rw(
        'UARTIFLS',
        UARTIFLS,
        () => s().ifls,
        (v) => {
          s().ifls = v & IFLS_WRITABLE;
        },
      ),
      rw(
        'UARTIMSC',
        UARTIMSC,
        () => s().imsc,
        (v) => {
          s().imsc = v & INT_MASK;
          this.update();
        },
      ),
      register({ name: 'UARTRIS', offset: UARTRIS, read: () => s().ris }),
      register({ name: 'UARTMIS', offset: UARTMIS, read: () => this.mis() }),
      register({
        name: 'UARTICR',
        offset: UARTICR,
        write: (_c, _o, _s, v) => {
          s().ris &= ~(v & INT_MASK);
          this.update();
        },
      }),
      rw(
        'UARTDMACR',
        UARTDMACR,
        () => s().dmacr,
        (v) => {
          s().dmacr = v & lowMask(DMACR_WIDTH);
        },
      ),
      register({
        name: 'UARTPeriphID/UARTPCellID',
        offset: UARTPeriphID0,
        len: PL011_FRAME_SIZE - UARTPeriphID0,
        read: (_c, off) => PL011_ID_BYTES[(off - UARTPeriphID0) / WORD_BYTES],
      }),
    ];
  }

  private flushRx(): void {
    this.s.rx = [];
    this.s.overrun = false;
    this.s.ris &= ~(INT_RX | INT_RT);
    this.update();
  }
}
