// scenarios/linux/linux-busybox.yaml (1 vcpu) under both policies: see boot-checks.ts.
import { checkLinuxBoot } from './boot-checks.ts';
import { SCENARIOS } from './guest.ts';

checkLinuxBoot(SCENARIOS.up, 1);
