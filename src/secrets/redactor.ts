/** What stands where a secret (or a piece of one) was. */
export const REDACTED = '[redacted]';

/** Whole secrets shorter than this are not secrets worth the false positives (a user id, "test"). */
const MIN_SECRET = 6;
/**
 * A piece of a long secret this long or longer is redacted wherever it appears: a server that echoes a
 * token cut to 40 characters, or gatecheck's own shortening of a payload, must not leave a usable prefix.
 */
const FRAGMENT = 16;
/** Anything shaped like a JWT (or the start of one: base64url of `{"`), whoever issued it. */
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{7,}(?:\.[A-Za-z0-9_-]*){0,2}/g;
/** Runs of token alphabet long enough to hold a fragment. */
const TOKEN_RUN = new RegExp(`[A-Za-z0-9_\\-+/=.]{${FRAGMENT},}`, 'g');

/**
 * Replaces every known secret, every fragment of a long one, and anything JWT-shaped, wherever it
 * appears in a text. Redaction must run on the whole text before anything shortens it: `clip` does both
 * in that order.
 */
export class Redactor {
  /** Secrets replaced where they stand whole: too short to have fragments, or not one token run. */
  private readonly short = new Set<string>();
  /** Every FRAGMENT-long piece of every longer secret (a whole one is a run of its pieces). */
  private readonly fragments = new Set<string>();
  private readonly seen = new Set<string>();

  add(...values: Array<string | undefined>): void {
    for (const v of values) {
      if (!v || v.length < MIN_SECRET || this.seen.has(v)) continue;
      this.seen.add(v);
      // A secret outside the token alphabet (a passphrase with spaces) is not one run: match it whole too.
      if (v.length < FRAGMENT || !/^[A-Za-z0-9_\-+/=.]+$/.test(v)) this.short.add(v);
      if (v.length >= FRAGMENT) for (let i = 0; i + FRAGMENT <= v.length; i++) this.fragments.add(v.slice(i, i + FRAGMENT));
    }
  }

  text(input: string): string {
    let out = input.replace(JWT_SHAPED, REDACTED);
    for (const s of this.short) if (out.includes(s)) out = out.split(s).join(REDACTED);
    if (this.fragments.size > 0) out = out.replace(TOKEN_RUN, (run) => this.redactFragments(run));
    return out;
  }

  json(value: unknown, space?: number): string {
    return this.text(JSON.stringify(value, null, space) ?? String(value));
  }

  /** Redacts the text, then shortens it to max characters, saying how long it was. */
  clip(input: string, max: number): string {
    // Redacting a window a little wider than the kept part costs O(max), not O(input), and still sees
    // any secret that overlaps the cut whole.
    const margin = max + 4096;
    const window = input.length > margin ? input.slice(0, margin) : input;
    const clean = this.text(window);
    if (input.length <= max && clean.length <= max) return clean;
    return `${clean.slice(0, max)}… (${input.length} chars)`;
  }

  private redactFragments(run: string): string {
    const hits: Array<[number, number]> = [];
    for (let i = 0; i + FRAGMENT <= run.length; i++) {
      if (!this.fragments.has(run.slice(i, i + FRAGMENT))) continue;
      const last = hits[hits.length - 1];
      if (last && i <= last[1]) last[1] = i + FRAGMENT;
      else hits.push([i, i + FRAGMENT]);
    }
    if (hits.length === 0) return run;
    let out = '';
    let from = 0;
    for (const [start, end] of hits) {
      out += run.slice(from, start) + REDACTED;
      from = end;
    }
    return out + run.slice(from);
  }
}

/**
 * The process's secrets: every token gatecheck mints or is given, every secret a config resolves.
 * Whatever leaves the process (console, logs, reports, timelines) goes through it.
 */
export const secrets = new Redactor();
