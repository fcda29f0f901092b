/**
 * Payload paths of profile rules: dotted keys, `[]` for every element of an array, e.g.
 * `spans[].type`, `attachments[]`, `message.spans[].channelId`.
 */
export type Segment = { key: string } | { each: true };

export function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\])*)$/.exec(part);
    if (!m || (m[1] === '' && m[2] === '')) throw new Error(`"${path}" is not a payload path (e.g. spans[].type, attachments[], message.id)`);
    if (m[1]) segments.push({ key: m[1] });
    for (let i = 0; i < m[2].length / 2; i++) segments.push({ each: true });
  }
  return segments;
}

/** Returned by a mapper to remove the value (a key from its object, an element from its array). */
export const REMOVE = Symbol('remove');

/**
 * Applies `fn` to every value the path reaches (keys that exist only) and returns a changed copy, never
 * touching the input, with the number of values it changed.
 */
export function mapAt(root: unknown, segments: Segment[], fn: (value: unknown) => unknown): { value: unknown; changed: number } {
  let changed = 0;
  const walk = (value: unknown, i: number): unknown => {
    if (i === segments.length) {
      const next = fn(value);
      if (next !== value) changed++;
      return next;
    }
    const seg = segments[i];
    if ('each' in seg) {
      if (!Array.isArray(value)) return value;
      const out = value.map((v) => walk(v, i + 1)).filter((v) => v !== REMOVE);
      return out.length === value.length && out.every((v, k) => v === value[k]) ? value : out;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !(seg.key in value)) return value;
    const obj = value as Record<string, unknown>;
    const next = walk(obj[seg.key], i + 1);
    if (next === obj[seg.key]) return value;
    const copy = { ...obj };
    if (next === REMOVE) delete copy[seg.key];
    else copy[seg.key] = next;
    return copy;
  };
  const value = walk(root, 0);
  return { value: value === REMOVE ? undefined : value, changed };
}

/** The value at a path without `[]` (undefined when any step is missing). */
export function readAt(root: unknown, path: string): unknown {
  return parsePath(path).reduce<unknown>((v, seg) => ('key' in seg && v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg.key] : undefined), root);
}
