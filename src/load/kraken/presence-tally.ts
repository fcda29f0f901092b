/**
 * What one observer heard about one churning user: the last word (its view of the user) and the
 * userOffline events, judged without timing: the user ends each scheduled cycle once, so only the
 * offlines beyond the cycles that also came with no userOnline since the previous one were said while
 * another socket of the user was still connected.
 *
 * Neither half alone is enough under load: a cycle whose userOnline never came (the server had not
 * handled presenceOnline when the socket closed) repeats an offline within the cycles; a second device
 * that came up only after the first had closed adds an offline, after an online.
 */
export class PresenceTally {
  private received = 0;
  private repeated = 0;
  /** The observer's view of the user: what the last presence event said. */
  lastSaid: 'online' | 'offline' | undefined;

  online(): void {
    this.lastSaid = 'online';
  }

  offline(): void {
    this.received++;
    if (this.lastSaid === 'offline') this.repeated++;
    this.lastSaid = 'offline';
  }

  /** The stale offlines among those received, for a schedule of this many cycles. */
  staleOffline(cycles: number): number {
    return Math.min(this.repeated, Math.max(0, this.received - cycles));
  }
}
