// Masking a Linux boot console before comparing two of them (vgicsim and
// QEMU, or vgicsim under two policies). Each rule replaces what legitimately
// varies between two correct boots of the same kernel and initramfs; any
// number no rule covers is compared as written, so an identity difference
// (breakpoint count, ASID bits, PSCI version) shows up and has to be listed
// in expected-differences.json with its reason.
//
// | rule        | matches (example)                                  | becomes            | why it varies                                         |
// | ----------- | -------------------------------------------------- | ------------------ | ----------------------------------------------------- |
// | timestamp   | `[    0.123456] ` at the start of a line           | (removed)          | printk time: virtual time vs QEMU's icount time       |
// | hex         | `0x47fb8380`, `[0x411fd073]`                       | `0x#`              | addresses, masks, MIDR, cycle limits                  |
// | audit       | `audit(0.004:1)`                                   | `audit(#)`         | time stamp and serial of an audit record              |
// | bogomips    | `125.00 BogoMIPS (lpj=250000)`                     | `# BogoMIPS (lpj=#)` | derived from the timer frequency                    |
// | size        | `94532K`, `988 KiB`, `2 MiB`, `131072 bytes`       | `#K`, `# KiB`, ... | memory sizes: reserved memory holds each board's DTB  |
// | duration    | `440795202123 ns`, `4398046511097ns`, `16ns`       | `# ns`, `#ns`      | clocksource limits derived from the timer             |
// | hash-table  | `entries: 16384 (order: 5`                         | `entries: # (order: #` | sized from the RAM size                           |
// | irq-counts  | ` 11:        203 GIC-0  27 Level     arch_timer`   | ` 11: # GIC-0 27 Level arch_timer` | interrupt counts (the columns of /proc/interrupts); the INTID and type stay |
// | spaces      | runs of blanks inside a line, trailing blanks      | one blank / none   | /proc/interrupts pads its columns to the counts' width |

export interface MaskRule {
  readonly name: string;
  readonly re: RegExp;
  readonly to: string | ((m: string, ...groups: string[]) => string);
  readonly why: string;
}

export const MASKS: readonly MaskRule[] = [
  { name: 'timestamp', re: /^\[\s*\d+\.\d+\] /, to: '', why: 'printk time' },
  { name: 'hex', re: /\b0x[0-9a-fA-F]+\b/g, to: '0x#', why: 'addresses, masks, MIDR' },
  { name: 'audit', re: /audit\(\d+\.\d+:\d+\)/g, to: 'audit(#)', why: 'audit record time and serial' },
  {
    name: 'bogomips',
    re: /\b\d+\.\d+ BogoMIPS \(lpj=\d+\)/g,
    to: '# BogoMIPS (lpj=#)',
    why: 'from the timer frequency',
  },
  {
    name: 'size',
    re: /\b\d+(?:\.\d+)?( ?)(KiB|MiB|GiB|K|M|G|kB|bytes)\b/g,
    to: (_m, sp: string, unit: string) => `#${sp}${unit}`,
    why: 'memory sizes',
  },
  {
    name: 'duration',
    re: /\b\d+( ?)ns\b/g,
    to: (_m, sp: string) => `#${sp}ns`,
    why: 'clocksource limits',
  },
  {
    name: 'hash-table',
    re: /entries: \d+ \(order:? \d+/g,
    to: (m) => m.replace(/\d+/g, '#'),
    why: 'hash tables sized from RAM',
  },
  {
    name: 'irq-counts',
    re: /^(\s*(?:\d+|IPI\d+|Err|ERR|MIS):)((?:\s+\d+)+)(?=\s|$)/,
    to: (_m, label: string) => `${label} #`,
    why: '/proc/interrupts counts',
  },
  { name: 'spaces', re: /\s+/g, to: ' ', why: 'column padding' },
];

/** One line with every rule applied in table order. */
export function maskLine(line: string): string {
  let s = line.replace(/\r/g, '');
  for (const m of MASKS) s = typeof m.to === 'string' ? s.replace(m.re, m.to) : s.replace(m.re, m.to);
  return s.trim();
}

/**
 * A console as lines: carriage returns dropped, only from the kernel's first
 * line on (QEMU may print terminal setup before it), blank lines dropped.
 */
export function consoleLines(text: string): string[] {
  const lines = text.replace(/\r/g, '').split('\n');
  const first = lines.findIndex((l) => l.includes('Booting Linux on physical CPU'));
  return (first >= 0 ? lines.slice(first) : lines).filter((l) => l.trim() !== '');
}
