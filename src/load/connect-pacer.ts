/**
 * Admits handshakes to one target instance the way TCP admits packets: at most `window` in flight,
 * starting at one, growing by one per handshake that came back fast and halving when one came back
 * slow (over 1.25 times the fastest seen, plus 20 ms: it queued behind others) or not at all. So the ramp is paced by the connect
 * latency the target shows while it happens, without extra probe connections: a server whose
 * handshakes queue (a busy auth path) gets few at a time, a fast one many. With the target's declared
 * `limits.connectsPerSecond`, admissions are also spaced by 1/rate (each instance has its own limiter).
 */
export class ConnectPacer {
  private inFlight = 0;
  private window = 1;
  private fastest = Number.POSITIVE_INFINITY;
  private nextSlotAt = 0;
  private readonly waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  /** The most handshakes it let run at once, for the run's description of its ramp. */
  peakInFlight = 0;

  constructor(
    private readonly connectsPerSecond = 0,
    private readonly maxWindow = 64,
  ) {}

  /** Resolves when this handshake may start. */
  admit(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.pump();
    });
  }

  /** A handshake ended: after `ms`, or never (timed out / refused: latency undefined). */
  done(ms: number | undefined): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (ms !== undefined) this.fastest = Math.min(this.fastest, ms);
    const slow = ms === undefined || ms > 1.25 * this.fastest + 20;
    this.window = slow ? Math.max(1, Math.floor(this.window / 2)) : Math.min(this.maxWindow, this.window + 1);
    this.pump();
  }

  private pump(): void {
    while (this.waiting.length && this.inFlight < this.window) {
      if (this.connectsPerSecond > 0) {
        const wait = this.nextSlotAt - Date.now();
        if (wait > 0) {
          this.timer ??= setTimeout(() => ((this.timer = undefined), this.pump()), wait);
          return;
        }
        this.nextSlotAt = Math.max(Date.now(), this.nextSlotAt) + 1000 / this.connectsPerSecond;
      }
      this.inFlight++;
      this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
      this.waiting.shift()!();
    }
  }
}
