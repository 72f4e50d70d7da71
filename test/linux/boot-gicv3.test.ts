// scenarios/linux/linux-busybox-gicv3.yaml: Debian's kernel on a GICv3
// (machine.gic: v3) under linux-7.0, 1 vcpu, and its console against QEMU's
// virt,gic-version=3 (issue 18): see boot-gicv3-checks.ts.
import { checkGicv3Boot } from './boot-gicv3-checks.ts';
import { SCENARIOS } from './guest.ts';

checkGicv3Boot(SCENARIOS.gicv3, 1);
