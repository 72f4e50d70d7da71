// A one-line progress display on a terminal (stderr): virtual time and guest
// instructions per second. Silent when stderr is not a TTY (unless forced:
// explore --progress), or with --quiet or --json. Wall-clock time is only displayed, never used by the simulation.

export class Progress {
  readonly active: boolean;
  private label = '';
  private t0 = 0;
  private shown = false;

  /** `force`: show it on a stderr that is not a terminal too (a --progress option). */
  constructor(enabled: boolean, force = false) {
    this.active = enabled && (force || process.stderr.isTTY === true);
  }

  start(label: string): void {
    this.label = label;
    // (only when shown: the first use of `performance` loads perf_hooks, ~10 modules, into every run)
    if (this.active) this.t0 = performance.now();
  }

  update(ticks: number, instructions: number, counterHz: number): void {
    if (!this.active) return;
    const secs = (performance.now() - this.t0) / 1000;
    const mips = secs > 0 ? instructions / secs / 1e6 : 0;
    const vt = (ticks / counterHz) * 1000;
    process.stderr.write(
      `\r\x1b[2K${this.label}: ${vt.toFixed(3)} ms virtual, ${instructions} instructions, ${mips.toFixed(1)} M/s`,
    );
    this.shown = true;
  }

  /** Any one-line status (the explorer's: states, states/s, depth, frontier). */
  message(text: string): void {
    if (!this.active) return;
    process.stderr.write(`\r\x1b[2K${text}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[2K');
    this.shown = false;
  }
}
