/**
 * One receiver's view of what reached it: per sender, which sequence numbers arrived (duplicates) and
 * the highest so far (a lower one arriving later is out of order).
 */
export class DeliveryTracker {
  private readonly seen = new Map<number, Set<number>>();
  private readonly highest = new Map<number, number>();

  /** Classifies one arrival: 'new' (first time, in order), 'out-of-order' (first time, late) or 'duplicate'. */
  record(sender: number, seq: number): 'new' | 'out-of-order' | 'duplicate' {
    let seqs = this.seen.get(sender);
    if (!seqs) this.seen.set(sender, (seqs = new Set()));
    if (seqs.has(seq)) return 'duplicate';
    seqs.add(seq);
    const top = this.highest.get(sender) ?? -1;
    if (seq < top) return 'out-of-order';
    this.highest.set(sender, seq);
    return 'new';
  }
}
