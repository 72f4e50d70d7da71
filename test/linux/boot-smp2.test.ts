// scenarios/linux/linux-busybox-smp2.yaml (2 vcpus) under both policies: see boot-checks.ts.
import { checkLinuxBoot } from './boot-checks.ts';
import { SCENARIOS } from './guest.ts';

checkLinuxBoot(SCENARIOS.smp2, 2);
