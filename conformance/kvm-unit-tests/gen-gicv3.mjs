// Writes the GICv3 forms of the kvm-unit-tests checks (issue 18):
//   node conformance/kvm-unit-tests/gen-gicv3.mjs
// - timer-gicv3/: every check of timer/ translated line by line to a GICv3
//   machine (translateTimer): the CPU interface's GICC_* MMIO becomes the
//   ICC_* system registers, the distributor's banked SGI/PPI registers
//   (GICD_ISENABLER0, ICENABLER0, ISPENDR0, ISACTIVER0) become the
//   redistributor's (GICR_*0 in cpu 0's SGI_base, at the same offsets),
//   GICD_CTLR gets ARE_NS | EnableGrp1A | EnableGrp1 as kvm-unit-tests'
//   gicv3_enable_defaults writes it, and the redistributor is woken
//   (GICR_WAKER) and every SGI/PPI put in Group 1 (GICR_IGROUPR0), which
//   KVM does for a GICv3 guest and the bare GICv3 of the reference machine
//   does not.
// - pmu-gicv3/: pmu/pmu-overflow-interrupt with the same GIC translation.
// - gicv3/: kvm-unit-tests' arm/gic checks in their GICv3 form (gic.ts
//   builders in gen-gicv3-gic.mjs): ipi, active, mmio.
// linux-4.2 and linux-4.3 run every file on the old vgic.c with vgic-v3-emul.c
// (issue 18): the timer and PMU checks keep the v2 file's verdicts; the gic
// checks' old-era verdicts are in gen-gicv3-gic.mjs (OLD_VGIC_V3).
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gicChecks } from './gen-gicv3-gic.mjs';

const here = import.meta.dirname;

/** One line of a timer check, GICv2 -> GICv3; throws on a GIC access it does not know. */
function line(l, next) {
  const indent = l.match(/^ */)[0];
  const t = l.trim();
  const ins = (s) => `${indent}${s}`;
  switch (t) {
    case 'ldr     x18, =0x08010000    // GICC (the GICV under the hypervisor)':
      return [
        ins('ldr     x17, =0x080a0000    // GICR: cpu 0\'s RD_base'),
        ins('str     wzr, [x17, #0x14]   // GICR_WAKER.ProcessorSleep = 0'),
        `${indent.slice(4)}90: ldr     w6, [x17, #0x14]`,
        ins('tbnz    w6, #2, 90b         // until GICR_WAKER.ChildrenAsleep = 0'),
        ins('ldr     x18, =0x080b0000    // cpu 0\'s SGI_base: GICR_*0 at the GICD_*0 offsets'),
        ins('mov     w6, #-1'),
        ins('str     w6, [x18, #0x80]    // GICR_IGROUPR0: every SGI and PPI in Group 1'),
      ];
    case 'str     w6, [x19]           // GICD_CTLR.EnableGrp0':
      return [ins('str     w6, [x19]           // GICD_CTLR: ARE_NS | EnableGrp1A | EnableGrp1')];
    case 'mov     w6, #1':
      return [ins(next.trim() === 'str     w6, [x19]           // GICD_CTLR.EnableGrp0' ? 'mov     w6, #0x13' : t)];
    case 'str     w6, [x18, #0x4]     // GICC_PMR':
      return [ins('msr     icc_pmr_el1, x6')];
    case 'str     w6, [x18]           // GICC_CTLR.EnableGrp0':
      return [ins('msr     icc_igrpen1_el1, x6 // Group 1 on'), ins('isb')];
    case 'ldr     w2, [x18, #0xc]     // GICC_IAR':
      return [ins('mrs     x2, icc_iar1_el1')];
    case 'str     w2, [x18, #0x10]    // GICC_EOIR':
    case 'str     w2, [x18, #0x10]':
      return [ins('msr     icc_eoir1_el1, x2')];
  }
  const m = /^(.*)\[x19, #(0x[123][08]0)\](\s*\/\/ )GICD_(\w+0)(.*)$/.exec(l);
  if (m) return [`${m[1]}[x18, #${m[2]}]${m[3]}GICR_${m[4]}${m[5]}`];
  if (/x18|\bGICC|0x0801/.test(l) && !/^\s*(#|\/\/)/.test(l)) throw new Error(`untranslated GIC line: ${l}`);
  return [l];
}

export function translateTimer(text, file) {
  const out = [];
  let section = '';
  const lines = text.split('\n');
  for (const [i, l] of lines.entries()) {
    if (/^\S/.test(l)) section = l.split(':')[0];
    if (l.startsWith('# kvm-unit-tests arm/timer, ')) {
      out.push(l.replace('arm/timer, ', 'arm/timer on a GICv3 (gic-version=3), '));
      out.push('#');
      out.push('# The GICv3 form of ../timer/' + file + ', written by gen-gicv3.mjs: ICC_*');
      out.push('# system registers for the CPU interface, cpu 0\'s redistributor (GICR_*0)');
      out.push('# for the timer PPI; the same guest otherwise, the same expectations.');
      out.push('# linux-4.2 and linux-4.3 run it on the old vgic.c with vgic-v3-emul.c, with the');
      out.push("# v2 file's verdicts.");
      continue;
    }
    if (section === 'name') {
      out.push(l.replace('kvm-unit-tests-timer-', 'kvm-unit-tests-timer-gicv3-'));
      continue;
    }
    if (section === 'description') {
      out.push(l.replace('kvm-unit-tests timer: ', 'kvm-unit-tests timer (GICv3): '));
      continue;
    }
    if (l === 'machine:') {
      out.push(l, '  gic: v3');
      continue;
    }
    if (l === '  suite: kvm-unit-tests/timer') {
      out.push('  suite: kvm-unit-tests/timer-gicv3');
      continue;
    }
    if (section === 'guest') {
      out.push(...line(l, lines[i + 1] ?? ''));
      continue;
    }
    out.push(l);
  }
  const s = out.join('\n');
  if (!s.includes('  gic: v3') || !s.includes('  divergence: none')) throw new Error(`${file}: no machine or expect block`);
  return s;
}

/** pmu/pmu-overflow-interrupt.yaml on a GICv3: the GIC lines replaced, everything else kept. */
export function translatePmu(text) {
  const swap = [
    [
      '        ldr     x1, =GICD_BASE\n        mov     w2, #1\n        str     w2, [x1, #GICD_CTLR]\n        ldr     w2, =0x00800000\n        str     w2, [x1, #GICD_ISENABLER]    // PPI 23\n        ldr     x9, =GICC_BASE\n        mov     w2, #0xf0\n        str     w2, [x9, #GICC_PMR]\n        mov     w2, #1\n        str     w2, [x9, #GICC_CTLR]\n',
      [
        '        ldr     x1, =0x08000000        // GICD',
        '        mov     w2, #0x13',
        '        str     w2, [x1]               // GICD_CTLR: ARE_NS | EnableGrp1A | EnableGrp1',
        "        ldr     x9, =0x080a0000        // cpu 0's RD_base",
        '        str     wzr, [x9, #0x14]       // GICR_WAKER.ProcessorSleep = 0',
        '    90: ldr     w2, [x9, #0x14]',
        '        tbnz    w2, #2, 90b            // until ChildrenAsleep = 0',
        "        ldr     x9, =0x080b0000        // cpu 0's SGI_base",
        '        mov     w2, #-1',
        '        str     w2, [x9, #0x80]        // GICR_IGROUPR0: Group 1',
        '        ldr     w2, =0x00800000',
        '        str     w2, [x9, #0x100]       // GICR_ISENABLER0: PPI 23',
        '        mov     x2, #0xf0',
        '        msr     icc_pmr_el1, x2',
        '        mov     x2, #1',
        '        msr     icc_igrpen1_el1, x2',
        '        isb',
        '',
      ].join('\n'),
    ],
    ['        ldr     w2, [x9, #GICC_IAR]', '        mrs     x2, icc_iar1_el1'],
    ['    3:  str     w2, [x9, #GICC_EOIR]', '    3:  msr     icc_eoir1_el1, x2'],
    ['# kvm-unit-tests arm/pmu, pmu-overflow-interrupt.', '# kvm-unit-tests arm/pmu on a GICv3 (gic-version=3), pmu-overflow-interrupt.\n#\n# The GICv3 form of ../pmu/pmu-overflow-interrupt.yaml, written by\n# gen-gicv3.mjs: PPI 23 enabled in cpu 0\'s redistributor, ICC_* system\n# registers for the CPU interface; the same guest and expectations otherwise.'],
    ['name: kvm-unit-tests-pmu-overflow-interrupt', 'name: kvm-unit-tests-pmu-gicv3-overflow-interrupt'],
    ['description: "kvm-unit-tests pmu: pmu-overflow-interrupt"', 'description: "kvm-unit-tests pmu (GICv3): pmu-overflow-interrupt"'],
    ['machine:\n', 'machine:\n  gic: v3\n'],
    ['  suite: kvm-unit-tests/pmu\n', '  suite: kvm-unit-tests/pmu-gicv3\n'],
  ];
  let out = text;
  for (const [from, to] of swap) {
    if (!out.includes(from)) throw new Error(`pmu-overflow-interrupt.yaml changed: no ${JSON.stringify(from.slice(0, 60))}`);
    out = out.replace(from, to);
  }
  if (/GICC|GICD_BASE/.test(out.replace(/^#.*$/gm, ''))) throw new Error('pmu: an untranslated GICv2 access');
  return out;
}

function write(dir, name, text) {
  mkdirSync(join(here, dir), { recursive: true });
  writeFileSync(join(here, dir, name), text);
  return `${dir}/${name}`;
}

const written = [];
for (const f of readdirSync(join(here, 'timer')).filter((f) => f.endsWith('.yaml')).sort())
  written.push(write('timer-gicv3', f, translateTimer(readFileSync(join(here, 'timer', f), 'utf8'), f)));
written.push(
  write('pmu-gicv3', 'pmu-overflow-interrupt.yaml', translatePmu(readFileSync(join(here, 'pmu/pmu-overflow-interrupt.yaml'), 'utf8'))),
);
for (const [name, text] of gicChecks((f) => readFileSync(join(here, 'gic', f), 'utf8'))) written.push(write('gicv3', name, text));
for (const w of written) console.log(w);
console.error(`${written.length} checks written`);
