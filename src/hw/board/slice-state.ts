// The scheduler's slice in progress, as data. Not part of SchedulerState (a
// snapshot is taken between runs, no slice in progress): the explorer copies
// it at a step boundary (Scheduler.onStep) and resumes a run there
// (Scheduler.resumeSlice), docs/explore.md "Resuming".

/** The slice in progress, between two steps: what Scheduler.run() needs to go on with it. */
export interface SliceState {
  /** a slice is in progress (run() goes on with it instead of starting one) */
  active: boolean;
  /** the slice's end (ticks) */
  end: number;
  /** the cpu that runs first (the slice-order choice) */
  first: number;
  /** the cycle the slice started at */
  startCycles: number;
  /** runnable cpus when it started (2: shortened to the quantum since) */
  runnable: number;
  /** the pass over the cpus, and the position in the order */
  pass: number;
  j: number;
  /** some cpu progressed in this pass, in any pass */
  progressed: boolean;
  progressedAny: boolean;
}

/** No slice in progress. */
export function idleSlice(): SliceState {
  return {
    active: false,
    end: 0,
    first: 0,
    startCycles: 0,
    runnable: 0,
    pass: 0,
    j: 0,
    progressed: false,
    progressedAny: false,
  };
}

/** Start a slice: the first pass, at the first cpu of the order, nothing progressed yet. */
export function beginSlice(
  sl: SliceState,
  first: number,
  end: number,
  runnable: number,
  startCycles: number,
): void {
  sl.first = first;
  sl.end = end;
  sl.runnable = runnable;
  sl.startCycles = startCycles;
  sl.pass = 0;
  sl.j = 0;
  sl.progressed = false;
  sl.progressedAny = false;
  sl.active = true;
}
