// The C guest (guests/c) as aarch64-linux-gnu-gcc builds it
// (scripts/build-guest.ts), through recorded.ts: `npm test` uses the ELF
// recorded in test/fixtures/cross/c-guest.json, keyed by the sha256 of the
// sources, the linker script and the flags; `npm run test:cross` compiles.

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildCGuest, C_GUEST_CFLAGS, C_GUEST_DIR } from '../../scripts/build-guest.ts';
import { fromBase64, recorded, toBase64 } from './recorded.ts';

/** The name the tests give the ELF (the loader's messages use it). */
export const C_GUEST_ELF_NAME = 'guests/c/guest.elf';

const SOURCES = ['start.S', 'main.c', 'guest.ld'];

export function cGuestElf(): Uint8Array {
  const inputs = {
    cflags: C_GUEST_CFLAGS,
    files: Object.fromEntries(SOURCES.map((f) => [f, readFileSync(join(C_GUEST_DIR, f), 'utf8')])),
  };
  const b64 = recorded(
    {
      store: 'c-guest',
      what: 'guests/c built by aarch64-linux-gnu-gcc',
      tools: ['aarch64-linux-gnu-gcc'],
      inputs,
    },
    () => {
      const built = buildCGuest();
      try {
        return toBase64(readFileSync(built.elf));
      } finally {
        rmSync(built.dir, { recursive: true, force: true });
      }
    },
  );
  return fromBase64(b64);
}
