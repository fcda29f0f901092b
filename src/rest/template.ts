/** Fills {{name}} placeholders. A string that is exactly one placeholder takes the raw value (arrays stay arrays). */
export function fillTemplate(template: unknown, vars: Record<string, unknown>): unknown {
  if (typeof template === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(template);
    if (whole) return lookup(vars, whole[1]);
    return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(lookup(vars, name)));
  }
  if (Array.isArray(template)) return template.map((t) => fillTemplate(t, vars));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, vars)]));
  }
  return template;
}

function lookup(vars: Record<string, unknown>, name: string): unknown {
  if (!(name in vars)) throw new Error(`template placeholder {{${name}}} has no value (known: ${Object.keys(vars).join(', ')})`);
  return vars[name];
}

export function readPath(value: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}
