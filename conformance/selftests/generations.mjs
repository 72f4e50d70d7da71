// Verdicts that differ between generations (src/hyp/generation), by check
// file, and the note that says why (docs/conformance.md explains each note).
// emit() in lib.mjs merges them into `expect.verdicts` and `conformance.note`.

const OLD = { 'linux-4.2': 'fail', 'linux-4.3': 'fail' };

/** [file-name pattern, verdicts, note] */
const RULES = [
  [/^vgic_irq\/(injection|many-pending|preemption-polled|nested-preemption)-/, OLD, 'old-vgic-priority'],
  [/^vgic_irq\/(all-spis-at-once|level-held-high|level-lowered-before-eoi)-/, OLD, 'old-vgic-bitmaps'],
  [/^arch_timer_edge_cases\/vtimer-counter-moved-behind-masked-/, { 'linux-4.3': 'fail' }, undefined],
];

export function generationOverlay(dirFile) {
  for (const [re, verdicts, note] of RULES) if (re.test(dirFile)) return { verdicts, note };
  return null;
}
