import { randomBytes } from 'node:crypto';
import type { TokenSource } from './tokens.js';

export interface TestUser {
  id: string;
  /** A, B, C... within a case, for readable evidence. */
  label: string;
}

/**
 * Hands out users to cases. With minted or commanded tokens every case gets fresh user ids (so cases are
 * isolated and can run concurrently); with a static pool, users are lent and cases wait for free ones.
 */
export class UserAllocator {
  private seq = 0;
  private readonly free: string[];
  private readonly waiting: Array<() => void> = [];
  readonly runId = randomBytes(3).toString('hex');

  constructor(private readonly tokens: TokenSource) {
    this.free = [...(tokens.fixedUsers ?? [])];
  }

  get poolSize(): number | undefined {
    return this.tokens.fixedUsers?.length;
  }

  async take(n: number): Promise<{ users: TestUser[]; release(): void }> {
    const label = (i: number) => String.fromCharCode(65 + i);
    if (!this.tokens.fixedUsers) {
      const users = Array.from({ length: n }, (_, i) => ({ id: `gc${this.runId}u${++this.seq}`, label: label(i) }));
      return { users, release: () => {} };
    }
    if (n > this.tokens.fixedUsers.length) {
      throw new Error(`this case needs ${n} users but auth.static declares ${this.tokens.fixedUsers.length}`);
    }
    while (this.free.length < n) await new Promise<void>((r) => this.waiting.push(r));
    const ids = this.free.splice(0, n);
    return {
      users: ids.map((id, i) => ({ id, label: label(i) })),
      release: () => {
        this.free.push(...ids);
        this.waiting.splice(0).forEach((wake) => wake());
      },
    };
  }
}

/** Keeps new connections under a declared connects-per-second limit of the target. */
export class ConnectPacer {
  private next = 0;
  constructor(private readonly perSecond: number) {}
  async wait(): Promise<void> {
    if (this.perSecond <= 0) return;
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
}
