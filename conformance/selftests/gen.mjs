// Rewrites every selftests conformance check (.yaml) from the builders:
//   node conformance/selftests/gen.mjs
import { archTimerChecks } from './gen-arch-timer.mjs';
import { edgeCases } from './gen-edge-cases.mjs';
import { vgicIrqChecks } from './gen-vgic-irq.mjs';

const files = [...vgicIrqChecks(), ...archTimerChecks(), ...edgeCases()];
for (const f of files) console.log(f);
console.error(`${files.length} checks written`);
