// The board's RAM size as QEMU's `-m` option writes it: a number with an
// optional unit suffix (B, K, M, G, T; either case), a bare number meaning
// MiB (QEMU's qemu_strtosz_MiB), decimals allowed ("1.5G"), and the size
// rounded up to 8 KiB as QEMU's vl.c does. The `virt` board's RAM starts at
// 0x4000_0000 and QEMU refuses more than 255 GiB there without highmem
// ("cannot model more than 255GB RAM"); vgicsim holds RAM in one typed
// array addressed with 32-bit signed offsets (the cpu's fast path: `off >> 2`),
// so it stops at 2 GiB and says why.

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** QEMU rounds -m up to this (vl.c: QEMU_ALIGN_UP(sz, 8192)). */
export const RAM_SIZE_ALIGN = 8 * KiB;
/** The most vgicsim can hold (see above). */
export const MAX_RAM_BYTES = 2 * GiB;
/** What QEMU's virt board accepts below its high memory (hw/arm/virt.c). */
export const VIRT_LOW_RAM_LIMIT = 255 * GiB;

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  k: KiB,
  m: MiB,
  g: GiB,
  t: 1024 * GiB,
};

export const RAM_SIZE_EXPECTED =
  'a RAM size as QEMU -m writes it: a number of MiB, or a number with a unit B, K, M, G or T (e.g. 128M, 1G)';

/** Bytes of RAM for `text` (or a bare number of MiB), or a sentence saying what is wrong. */
export function parseRamSize(text: string | number): number | string {
  const s = String(text).trim();
  const m = /^(\d+(?:\.\d+)?)([bkmgt])?(?:i?b)?$/i.exec(s);
  if (m === null) return `expected ${RAM_SIZE_EXPECTED}, found '${s}'`;
  const unit = UNITS[(m[2] ?? 'm').toLowerCase()];
  const raw = Number(m[1]) * unit;
  if (!Number.isFinite(raw) || raw <= 0) return `RAM size must be more than 0, found '${s}'`;
  const bytes = Math.ceil(Math.ceil(raw) / RAM_SIZE_ALIGN) * RAM_SIZE_ALIGN;
  if (bytes > VIRT_LOW_RAM_LIMIT)
    return `'${s}' is more RAM than QEMU's virt board models below its high memory (255G)`;
  if (bytes > MAX_RAM_BYTES)
    return `'${s}' is more RAM than vgicsim can hold: at most 2G (RAM is one array addressed with 32-bit offsets)`;
  return bytes;
}

/** "128M", "1G", "1536K": the shortest exact way to write `bytes`. */
export function formatRamSize(bytes: number): string {
  for (const [u, n] of [
    ['G', GiB],
    ['M', MiB],
    ['K', KiB],
  ] as const)
    if (bytes % n === 0) return `${bytes / n}${u}`;
  return `${bytes}B`;
}
