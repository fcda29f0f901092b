import { mapAt, parsePath, readAt, REMOVE } from './paths.js';
import type { ProfileRule } from './schema.js';

/** What one rule did to one payload: the new payload and, per difference it covered, a sentence. */
export interface RuleResult {
  value: unknown;
  applied: string[];
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function holds(when: { path: string; equals?: unknown; matches?: string; isArray?: boolean } | undefined, payload: unknown): boolean {
  if (!when) return true;
  const v = when.path === '$' ? payload : readAt(payload, when.path);
  if (when.isArray !== undefined && Array.isArray(v) !== when.isArray) return false;
  if (when.equals !== undefined && v !== when.equals) return false;
  if (when.matches !== undefined && !(typeof v === 'string' && new RegExp(when.matches).test(v))) return false;
  return when.isArray !== undefined || when.equals !== undefined || when.matches !== undefined || v !== undefined;
}

/** Applies one declarative rule; `applied` is empty when the payload had nothing the rule covers. */
export function applyRule(rule: ProfileRule, payload: unknown): RuleResult {
  if ('values' in rule) {
    const seen = new Set<string>();
    const { value } = mapAt(payload, parsePath(rule.values.path), (v) => {
      if (typeof v !== 'string' || !(v in rule.values.map)) return v;
      seen.add(`${rule.values.path} ${v} is ${show(rule.values.map[v])}`);
      return rule.values.map[v];
    });
    return { value, applied: [...seen] };
  }
  if ('drop' in rule) {
    const r = mapAt(payload, parsePath(rule.drop), () => REMOVE);
    return { value: r.value, applied: r.changed ? [`${rule.drop} is not accepted`] : [] };
  }
  if ('rename' in rule) {
    const segs = parsePath(rule.rename.from);
    const last = segs.pop();
    if (!last || !('key' in last)) throw new Error(`rename.from "${rule.rename.from}" must end with a key`);
    const r = mapAt(payload, segs, (parent) => {
      if (parent === null || typeof parent !== 'object' || Array.isArray(parent) || !(last.key in parent)) return parent;
      const { [last.key]: moved, ...rest } = parent as Record<string, unknown>;
      return { ...rest, [rule.rename.to]: moved };
    });
    return { value: r.value, applied: r.changed ? [`${rule.rename.from} is called ${rule.rename.to}`] : [] };
  }
  if ('pluck' in rule) {
    const field = rule.pluck.field;
    const r = mapAt(payload, parsePath(rule.pluck.path), (v) => (v !== null && typeof v === 'object' && field in v ? (v as Record<string, unknown>)[field] : v));
    return { value: r.value, applied: r.changed ? [`${rule.pluck.path} are ${field} values, not objects`] : [] };
  }
  if ('set' in rule) {
    if (!holds(rule.when, payload)) return { value: payload, applied: [] };
    const base = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? payload : {};
    const next = setAt(base, rule.set.path, rule.set.value);
    const cond = rule.when ? ` when ${rule.when.path}${rule.when.matches ? ` matches /${rule.when.matches}/` : rule.when.equals !== undefined ? ` is ${show(rule.when.equals)}` : ''}` : '';
    return { value: next, applied: [`${rule.set.path} is missing, taken as ${show(rule.set.value)}${cond}`] };
  }
  if (!holds(rule.when, payload)) return { value: payload, applied: [] };
  const from = rule.copy.from === '$' ? payload : readAt(payload, rule.copy.from);
  if (from === undefined) return { value: payload, applied: [] };
  const base = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? payload : {};
  return { value: setAt(base, rule.copy.to, from), applied: [`${rule.copy.to} is sent as ${rule.copy.from}`] };
}

function setAt(root: object, path: string, value: unknown): object {
  const keys = path.split('.');
  const copy: Record<string, unknown> = { ...(root as Record<string, unknown>) };
  let cur = copy;
  for (const key of keys.slice(0, -1)) {
    const inner = cur[key];
    cur[key] = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? { ...(inner as object) } : {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]] = value;
  return copy;
}
