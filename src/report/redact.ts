/** Replaces every known secret (tokens handed out, signing secrets) wherever it appears in a value. */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(...values: Array<string | undefined>): void {
    for (const v of values) if (v && v.length >= 6) this.secrets.add(v);
  }

  private readonly live: Array<Set<string>> = [];

  /** A set that keeps growing (the tokens a run hands out): read at every redaction. */
  track(values: Set<string>): void {
    this.live.push(values);
  }

  text(input: string): string {
    let out = input;
    for (const s of [...this.secrets, ...this.live.flatMap((l) => [...l])]) if (s.length >= 6 && out.includes(s)) out = out.split(s).join('[redacted]');
    return out;
  }

  json(value: unknown, space?: number): string {
    return this.text(JSON.stringify(value, null, space));
  }
}
