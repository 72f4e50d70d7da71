// scenarios/linux/linux-busybox-gicv3-smp2.yaml: Debian's kernel on a GICv3
// under linux-7.0 with 2 vcpus (two redistributors, IPIs through trapped
// ICC_SGI1R_EL1), and its console against QEMU's virt,gic-version=3 -smp 2
// (issue 18): see boot-gicv3-checks.ts.
import { checkGicv3Boot } from './boot-gicv3-checks.ts';
import { SCENARIOS } from './guest.ts';

checkGicv3Boot(SCENARIOS.gicv3smp2, 2);
