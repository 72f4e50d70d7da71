// The disassembly of the bitfield moves (SBFM, BFM, UBFM) with their
// preferred aliases (Arm ARM C6.2: ASR, LSL, LSR, SBFIZ, SBFX, SXT*, UBFIZ,
// UBFX, UXT*, BFC, BFI, BFXIL), and MoveWidePreferred for MOV (bitmask
// immediate).

import { dec, ins, xr } from './dis-util.ts';

/** Arm ARM shared pseudocode BFXPreferred: whether SBFX/UBFX/BFXIL is the preferred disassembly. */
function bfxPreferred(sf: number, uns: number, imms: number, immr: number): boolean {
  if (imms < immr) return false;
  if (imms === (sf ? 63 : 31)) return false;
  if (immr === 0) {
    if (!sf && (imms === 7 || imms === 15)) return false;
    if (sf && !uns && (imms === 7 || imms === 15 || imms === 31)) return false;
  }
  return true;
}

/**
 * Arm ARM MoveWidePreferred: whether a bitmask immediate (an element as wide
 * as the register) is better shown as MOVZ/MOVN, i.e. its ones (MOVZ) or its
 * zeros (MOVN) lie within one aligned halfword.
 */
export function moveWidePreferred(sf: number, n: number, imms: number, immr: number): boolean {
  const width = sf ? 64 : 32;
  if (sf && !n) return false;
  if (!sf && (n || imms & 0x20)) return false;
  const s = imms & (width - 1);
  const r = immr & (width - 1);
  // ones at [-r, s - r] (mod width); zeros at [s + 1 - r, width - 1 - r]
  if (s < 16) return ((width - r) & 15) + s + 1 <= 16;
  const zeros = width - 1 - s;
  return zeros <= 16 && ((s + 1 - r + width) & 15) + zeros <= 16;
}

export function disBitfield(
  sf: number,
  opc: number,
  n: number,
  immr: number,
  imms: number,
  rn: number,
  rd: number,
): string | null {
  if (opc === 3 || n !== sf || (!sf && (immr >= 32 || imms >= 32))) return null;
  const width = sf ? 64 : 32;
  const top = width - 1;
  const d = xr(rd, sf);
  const s = xr(rn, sf);
  const lsb = dec((width - immr) & top);
  if (opc === 0) {
    if (imms === top) return ins('asr', d, s, dec(immr));
    if (imms < immr) return ins('sbfiz', d, s, lsb, dec(imms + 1));
    if (bfxPreferred(sf, 0, imms, immr)) return ins('sbfx', d, s, dec(immr), dec(imms - immr + 1));
    if (immr === 0 && (imms === 7 || imms === 15 || imms === 31))
      return ins(imms === 7 ? 'sxtb' : imms === 15 ? 'sxth' : 'sxtw', d, xr(rn, 0));
    return ins('sbfm', d, s, dec(immr), dec(imms));
  }
  if (opc === 1) {
    if (imms < immr)
      return rn === 31 ? ins('bfc', d, lsb, dec(imms + 1)) : ins('bfi', d, s, lsb, dec(imms + 1));
    return ins('bfxil', d, s, dec(immr), dec(imms - immr + 1));
  }
  if (imms !== top && imms + 1 === immr) return ins('lsl', d, s, dec(top - imms));
  if (imms === top) return ins('lsr', d, s, dec(immr));
  if (imms < immr) return ins('ubfiz', d, s, lsb, dec(imms + 1));
  if (bfxPreferred(sf, 1, imms, immr)) return ins('ubfx', d, s, dec(immr), dec(imms - immr + 1));
  if (immr === 0 && (imms === 7 || imms === 15)) return ins(imms === 7 ? 'uxtb' : 'uxth', d, xr(rn, 0));
  return ins('ubfm', d, s, dec(immr), dec(imms));
}
