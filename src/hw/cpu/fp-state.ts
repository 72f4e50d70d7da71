// The FP/SIMD register file (Arm ARM B1.2.1): V0-V31, 128 bits each, held
// in one ArrayBuffer with typed views for every lane size (host byte order
// is little-endian on every platform Node runs on, as the architecture's
// lane order is), plus FPCR and FPSR. A write to a scalar (B/H/S/D) or a
// 64-bit vector clears the rest of the register.

/** FPCR fields kept (Arm ARM D19.2.48): AHP, DN, FZ, RMode. No FP16; trap enables RAZ/WI (trapping not supported). */
export const FPCR_MASK = 0x07c0_0000;
/** FPSR (Arm ARM D19.2.49): QC, IDC, IXC, UFC, OFC, DZC, IOC; N, Z, C, V (AArch32 flags) read as written, as QEMU does. */
export const FPSR_MASK = 0xf800_009f;
export const FPSR_IOC = 1;
export const FPSR_DZC = 2;
export const FPSR_OFC = 4;
export const FPSR_UFC = 8;
export const FPSR_IXC = 16;
export const FPSR_IDC = 128;
export const FPSR_QC = 1 << 27;
/** FPCR.DN: NaN results are the default NaN. */
export const FPCR_DN = 1 << 25;
/** FPCR.FZ: flush denormals to zero. */
export const FPCR_FZ = 1 << 24;

export class FpRegs {
  readonly buf = new ArrayBuffer(32 * 16);
  readonly u8 = new Uint8Array(this.buf);
  readonly u16 = new Uint16Array(this.buf);
  readonly u32 = new Uint32Array(this.buf);
  readonly f32 = new Float32Array(this.buf);
  readonly f64 = new Float64Array(this.buf);
  readonly u64 = new BigUint64Array(this.buf);
  fpcr = 0;
  fpsr = 0;

  reset(): void {
    this.u32.fill(0);
    this.fpcr = 0;
    this.fpsr = 0;
  }

  /** Clear bits 64..127 of V<r>. */
  clearHigh(r: number): void {
    this.u32[r * 4 + 2] = 0;
    this.u32[r * 4 + 3] = 0;
  }
  /** V<r> = zero-extended 64-bit value (lo, hi halves). */
  setD(r: number, lo: number, hi: number): void {
    const b = r * 4;
    this.u32[b] = lo;
    this.u32[b + 1] = hi;
    this.u32[b + 2] = 0;
    this.u32[b + 3] = 0;
  }
  /** V<r> = zero-extended 32-bit value. */
  setS(r: number, v: number): void {
    const b = r * 4;
    this.u32[b] = v;
    this.u32[b + 1] = 0;
    this.u32[b + 2] = 0;
    this.u32[b + 3] = 0;
  }
  /** V<r> as 32 hex digits, most significant first (snapshots). */
  hex(r: number): string {
    let s = '';
    for (let w = 3; w >= 0; w--) s += this.u32[r * 4 + w].toString(16).padStart(8, '0');
    return s;
  }
  setHex(r: number, s: string): void {
    for (let w = 0; w < 4; w++)
      this.u32[r * 4 + w] = Number.parseInt(s.slice(24 - 8 * w, 32 - 8 * w), 16) >>> 0;
  }
}
