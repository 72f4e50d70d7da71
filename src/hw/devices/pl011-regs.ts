// The PL011's register offsets and fields (PL011 TRM, DDI 0183, 3.2-3.3):
// one definition each, shared by the device model (pl011.ts) and its tests.

import { bit, field, lowMask } from '../../sim/bits.ts';

export const PL011_FRAME_SIZE = 0x1000;

// Register offsets (TRM, "Summary of registers")
export const UARTDR = 0x000;
export const UARTRSR = 0x004; // read; the same offset written is UARTECR
export const UARTECR = 0x004;
export const UARTFR = 0x018;
export const UARTILPR = 0x020;
export const UARTIBRD = 0x024;
export const UARTFBRD = 0x028;
export const UARTLCR_H = 0x02c;
export const UARTCR = 0x030;
export const UARTIFLS = 0x034;
export const UARTIMSC = 0x038;
export const UARTRIS = 0x03c;
export const UARTMIS = 0x040;
export const UARTICR = 0x044;
export const UARTDMACR = 0x048;
export const UARTPeriphID0 = 0xfe0;
export const UARTPCellID0 = 0xff0;

/** UARTPeriphID0-3 then UARTPCellID0-3 (TRM, "Peripheral/PrimeCell Identification Registers"): part 0x011, designer 0x41 (Arm), revision 1. */
export const PL011_ID_BYTES = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1] as const;

// UARTDR (TRM "Data Register"): data [7:0], FE 8, PE 9, BE 10, OE 11
export const DR_DATA = field(0, 8);
export const DR_OE = 1 << 11;
/** FE|PE|BE|OE in DR line up with RSR bits 0..3 after shifting right by 8 */
export const DR_ERROR_SHIFT = 8;
export const RSR_MASK = 0xf;
export const RSR_OE = 1 << 3;

// UARTFR (TRM "Flag Register")
export const FR_BUSY = 1 << 3;
export const FR_RXFE = 1 << 4;
export const FR_TXFF = 1 << 5;
export const FR_RXFF = 1 << 6;
export const FR_TXFE = 1 << 7;

// UARTLCR_H (TRM "Line Control Register")
export const LCR_H_FEN = bit(4);
// UARTCR (TRM "Control Register"): bits [6:3] reserved
export const CR_LBE = bit(7);
export const CR_RESET = 0x0300; // TXE | RXE
export const CR_WRITABLE = 0xff87;
// UARTIFLS (TRM "Interrupt FIFO Level Select Register")
export const IFLS_RX = field(3, 3);
export const IFLS_RESET = 0x12; // both trigger levels at 1/2
export const IFLS_WRITABLE = 0x3f;

// Interrupt bits, shared by IMSC/RIS/MIS/ICR (TRM "Interrupt Mask Set/Clear Register")
export const INT_RX = 1 << 4;
export const INT_TX = 1 << 5;
export const INT_RT = 1 << 6;
export const INT_OE = 1 << 10;
export const INT_MASK = lowMask(11);

export const ILPR_WIDTH = 8;
export const IBRD_WIDTH = 16;
export const FBRD_WIDTH = 6;
export const LCR_H_WIDTH = 8;
export const DMACR_WIDTH = 3;

export const FIFO_DEPTH = 16;
/** RX trigger level in eighths of the FIFO for RXIFLSEL 0..4; reserved encodings act as 1/2. */
export const RX_TRIGGER_EIGHTHS = [1, 2, 4, 6, 7];
export const HALF_EIGHTHS = 4;
