// scenarios/linux/linux-busybox-gicv3-smp18.yaml: Debian's kernel on a GICv3
// under linux-7.0 with 18 vcpus, more than a GICv2 serves: vcpus 16 and 17
// are Aff1 cluster 1 (MPIDR 0x100, 0x101), so IPIs to them take
// ICC_SGI1R_EL1 writes with Aff1 = 1 (issue 18): see boot-gicv3-checks.ts.
// The boot takes about 14 minutes of host time on a loaded 2-core machine;
// the console is not compared with QEMU's -smp 18 (not yet checked).
import { checkGicv3Boot } from './boot-gicv3-checks.ts';
import { SCENARIOS } from './guest.ts';

checkGicv3Boot(SCENARIOS.gicv3smp18, 18, false);
