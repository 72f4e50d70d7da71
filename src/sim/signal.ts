// A level signal between two blocks (a timer's output into a GIC input, a
// GIC's IRQ output into a cpu). Listeners are told only on a change. The
// listener gets the `arg` it connected with, so one object can serve many
// inputs without a closure per wire.

export interface SignalListener {
  onSignal(arg: number, level: boolean): void;
}

export class Signal {
  private value = false;
  private readonly listeners: SignalListener[] = [];
  private readonly args: number[] = [];

  constructor(readonly name: string) {}

  get level(): boolean {
    return this.value;
  }

  connect(listener: SignalListener, arg = 0): void {
    this.listeners.push(listener);
    this.args.push(arg);
    if (this.value) listener.onSignal(arg, true);
  }

  set(level: boolean): void {
    if (level === this.value) return;
    this.value = level;
    for (let i = 0; i < this.listeners.length; i++) this.listeners[i].onSignal(this.args[i], level);
  }

  /** Restore the level without notifying (the receiver restores its own view of the line). */
  restoreLevel(level: boolean): void {
    this.value = level;
  }
}
