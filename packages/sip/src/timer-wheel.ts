/**
 * One shared hashed timer wheel for every transaction timer (ARCHITECTURE.md "The hot path"):
 * scheduling and cancelling are O(1) and the process has a single unref'd interval instead of one
 * setTimeout per timer. Resolution is one tick (10 ms by default); timers never fire early.
 */
export interface TimerHandle {
  cancel(): void;
}

const NOOP = () => {};

/**
 * A scheduled timer. A class rather than an object with a `cancel` closure: a cancelled entry stays
 * in its slot until the wheel reaches it (up to the longest delay, 180 s for an INVITE's lifetime),
 * so cancel() drops the callback, and with it the transaction the callback holds.
 */
class Entry implements TimerHandle {
  live = true;
  constructor(
    private readonly wheel: TimerWheel,
    public rounds: number,
    public fn: () => void,
  ) {}

  cancel(): void {
    if (!this.live) return;
    this.live = false;
    this.fn = NOOP;
    this.wheel.cancelled();
  }
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
    const entry = new Entry(this, Math.floor((ticks - 1) / n), fn);
    this.slots[(this.cursor + ticks) % n].push(entry);
    this.pending++;
    this.start();
    return entry;
  }

  /** Internal: an Entry was cancelled before it fired. */
  cancelled(): void {
    this.pending--;
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
      const fn = e.fn;
      e.live = false;
      e.fn = NOOP;
      this.pending--;
      try {
        fn();
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
