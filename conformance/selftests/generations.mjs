// Verdicts that differ between generations (src/hyp/generation), by check
// file, and the note that says why (docs/conformance.md explains each note).
// emit() in lib.mjs merges them into `expect.verdicts` and `conformance.note`.

/**
 * The generations (src/hyp/generation GENERATION_KEYS) and those with
 * vgic-v3 (Generation.vgicV3): every one since the old vgic.c's vgic-v3
 * (linux-4.2/4.3, issue 18). The one place the GICv3 checks' verdicts come
 * from: under a generation not listed a `gic: v3` check is `rejected` (the
 * located error at machine.gic). When the list changes, rerun gen.mjs (the
 * conformance test fails until then).
 */
export const GENERATIONS = ['linux-4.2', 'linux-4.3', 'linux-7.0'];
export const WITH_VGIC_V3 = ['linux-4.2', 'linux-4.3', 'linux-7.0'];

const OLD = { 'linux-4.2': 'fail', 'linux-4.3': 'fail' };

/** [file-name pattern, verdicts, note]; vgic_irq_v3 shares the old vgic's notes wherever it runs. */
const RULES = [
  [/^vgic_irq(_v3)?\/(injection|many-pending|preemption-polled|nested-preemption)-/, OLD, 'old-vgic-priority'],
  [/^vgic_irq(_v3)?\/(all-spis-at-once|level-held-high|level-lowered-before-eoi)-/, OLD, 'old-vgic-bitmaps'],
  [/^arch_timer_edge_cases(_v3)?\/vtimer-counter-moved-behind-masked-/, { 'linux-4.3': 'fail' }, undefined],
  // GICv3 only: the order of several pending SGIs/PPIs, the timer before an SPI, both by priority
  [/^vgic_irq_v3\/(ppi-injection|sgi-injection|timer-spi)-/, OLD, 'old-vgic-priority'],
  // vgic-v3-emul.c: Group 1 only (IGROUPR RAO/WI, every LR Group 1): a Group 0 SGI is not held back
  [/^vgic_irq_v3\/group-enable-/, OLD, 'old-vgic-group1'],
  // no ICH_HCR_EL2.TDIR: a DIR of an SPI active on another vcpu does not reach the vgic
  [/^vgic_irq_v3\/asym-dir-/, OLD, 'old-vgic-dir'],
];

export function generationOverlay(dirFile, gic = 'v2') {
  const rule = RULES.find(([re]) => re.test(dirFile));
  const verdicts = {};
  for (const g of GENERATIONS)
    if (gic === 'v3' && !WITH_VGIC_V3.includes(g)) verdicts[g] = 'rejected';
    else if (rule?.[1][g] !== undefined) verdicts[g] = rule[1][g];
  if (Object.keys(verdicts).length === 0) return null;
  // a note says why a generation that runs the check fails it
  const note = Object.values(verdicts).includes('fail') ? rule?.[2] : undefined;
  return { verdicts, note };
}
