// The mnemonic table: every instruction the assembler accepts, by lower-case
// mnemonic. The cross-check test asserts that its corpus uses each of them.

import { ARITH_ENCODERS } from './enc-arith.ts';
import { BITFIELD_ENCODERS } from './enc-bitfield.ts';
import { BRANCH_ENCODERS } from './enc-branch.ts';
import { DP_REG_ENCODERS } from './enc-dp-reg.ts';
import { LDST_ENCODERS } from './enc-ldst.ts';
import { LDST_PAIR_ENCODERS } from './enc-ldst-pair.ts';
import { LOGICAL_ENCODERS } from './enc-logical.ts';
import { SYSTEM_ENCODERS } from './enc-system.ts';
import type { Encoder } from './encoding.ts';

export const MNEMONICS: ReadonlyMap<string, Encoder> = new Map(
  Object.entries({
    ...ARITH_ENCODERS,
    ...LOGICAL_ENCODERS,
    ...BITFIELD_ENCODERS,
    ...DP_REG_ENCODERS,
    ...LDST_ENCODERS,
    ...LDST_PAIR_ENCODERS,
    ...BRANCH_ENCODERS,
    ...SYSTEM_ENCODERS,
  }),
);
