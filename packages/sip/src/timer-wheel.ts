/**
 * One shared hashed timer wheel for every transaction timer (ARCHITECTURE.md "The hot path"):
 * scheduling and cancelling are O(1) and the process has a single unref'd interval instead of one
 * setTimeout per timer. Resolution is one tick (10 ms by default); timers never fire early.
 */
export interface TimerHandle {
  cancel(): void;
}

interface Entry extends TimerHandle {
  rounds: number;
  fn: () => void;
  live: boolean;
}

export class TimerWheel {
  private readonly slots: Entry[][];
  private cursor = 0;
  private pending = 0;
  private interval: NodeJS.Timeout | undefined;
  private nextTickAt = 0;

  constructor(
    readonly resolutionMs = 10,
    slotCount = 1024,
    /** Reports exceptions thrown by timer callbacks (the wheel keeps running). */
    private readonly onError: (err: unknown) => void = (err) => console.error("timer:", err),
  ) {
    this.slots = Array.from({ length: slotCount }, () => []);
  }

  /** Number of timers scheduled and not yet fired or cancelled. */
  get size(): number {
    return this.pending;
  }

  /** Runs fn after at least delayMs. */
  schedule(delayMs: number, fn: () => void): TimerHandle {
    // +1 tick: the current slot may be only partly elapsed, and a timer must not fire early.
    const ticks = Math.max(1, Math.ceil(delayMs / this.resolutionMs) + 1);
    const n = this.slots.length;
    const entry: Entry = {
      rounds: Math.floor((ticks - 1) / n),
      fn,
      live: true,
      cancel: () => {
        if (entry.live) {
          entry.live = false;
          this.pending--;
        }
      },
    };
    this.slots[(this.cursor + ticks) % n].push(entry);
    this.pending++;
    this.start();
    return entry;
  }

  private start(): void {
    if (this.interval) return;
    this.nextTickAt = performance.now() + this.resolutionMs;
    this.interval = setInterval(() => this.advance(), this.resolutionMs);
    this.interval.unref();
  }

  /** Catches up on every tick whose time has come (the interval can be delayed by a busy loop). */
  private advance(): void {
    const now = performance.now();
    while (this.nextTickAt <= now) {
      this.nextTickAt += this.resolutionMs;
      this.cursor = (this.cursor + 1) % this.slots.length;
      this.fireSlot(this.cursor);
    }
    if (this.pending === 0 && this.interval) {
      clearInterval(this.interval);
      this.interval = undefined;
    }
  }

  private fireSlot(index: number): void {
    const slot = this.slots[index];
    if (slot.length === 0) return;
    const keep: Entry[] = [];
    this.slots[index] = keep;
    for (const e of slot) {
      if (!e.live) continue;
      if (e.rounds > 0) {
        e.rounds--;
        keep.push(e);
        continue;
      }
      e.live = false;
      this.pending--;
      try {
        e.fn();
      } catch (err) {
        this.onError(err);
      }
    }
  }

  /** Cancels everything and stops the interval. */
  stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    for (const slot of this.slots) for (const e of slot) e.live = false;
    for (let i = 0; i < this.slots.length; i++) this.slots[i] = [];
    this.pending = 0;
  }
}
