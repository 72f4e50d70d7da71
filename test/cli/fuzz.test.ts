// A bounded fuzz run in `npm test` (issue 20): 200 malformed scenarios with
// random options keep the bad-input contract (see fuzz-scenarios.ts). A fixed
// seed keeps `npm test` deterministic; `npm run fuzz` explores with fresh seeds.

import { test } from 'node:test';
import fc from 'fast-check';
import { checkFuzzCase, fuzzCase } from './fuzz-scenarios.ts';

test('fuzz: 200 malformed scenarios end in exit 0/1/2, located, within their limits', () => {
  fc.assert(
    fc.property(fuzzCase, (c) => {
      checkFuzzCase(c);
    }),
    { numRuns: 200, seed: 20 },
  );
});
