// Rewrites every selftests conformance check (.yaml) from the builders:
//   node conformance/selftests/gen.mjs
import { archTimerChecks } from './gen-arch-timer.mjs';
import { edgeCases } from './gen-edge-cases.mjs';
import { vgicIrqChecks } from './gen-vgic-irq.mjs';
import { vgicIrqV3Checks } from './gen-vgic-irq-v3.mjs';
import { V2, V3 } from './gic-flavor.mjs';

const files = [
  ...vgicIrqChecks(V2),
  ...archTimerChecks(V2),
  ...edgeCases(V2),
  ...vgicIrqV3Checks(),
  ...archTimerChecks(V3),
  ...edgeCases(V3),
];
for (const f of files) console.log(f);
console.error(`${files.length} checks written`);
