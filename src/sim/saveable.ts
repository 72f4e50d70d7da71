// "State is data" (STYLE.md, Devices and state; rust-vmm vm-superio): every
// stateful block saves to a plain, JSON-able value and restores from one, and
// reset is not a separate path: `reset()` is `restore(defaultState())`, and
// construction leaves a block in `defaultState()`. So reset, snapshot and
// restore share one code path, and one generic test (test/sim/saveable.test.ts)
// round-trips every block by hash (snapshot.ts: keys sorted, BigInts encoded).
//
// A new stateful block implements this interface and is added to that test's
// registry (the test fails for a class that `implements Saveable` and is not
// listed, or that has save()/restore() without implementing it).

export interface Saveable<S> {
  /** The block's state as plain data: numbers, strings, booleans, arrays, objects, BigInts. */
  save(): S;
  /**
   * Put this block into state `s`. The block must be built with the same
   * configuration as the one saved. Output lines take the saved levels
   * without notifying receivers: each receiver restores its own view, so a
   * machine is consistent once all of its blocks are restored.
   */
  restore(s: S): void;
  /** The state construction (power-on reset) leaves the block in, as data; a function of configuration only. */
  defaultState(): S;
  /** `restore(defaultState())`. */
  reset(): void;
}
