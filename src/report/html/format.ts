const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const sixSignificant = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });

const MISSING = '—';

/** 1,234 and 12.35, but 0.99965 in full: a delivery ratio rounded to 1 would hide the loss. */
export function fmtNum(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return MISSING;
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  const abs = Math.abs(v);
  if (Number.isInteger(v) || abs >= 1000) return grouped.format(v);
  return abs >= 1 ? twoDecimals.format(v) : sixSignificant.format(v);
}

/** Precision that matches how latencies are read: 1.23 ms, 12.3 ms, 1,234 ms. */
export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return fmtNum(v);
  const abs = Math.abs(v);
  if (abs >= 100) return `${grouped.format(v)} ms`;
  if (abs >= 10 || Number.isInteger(v)) return `${oneDecimal.format(v)} ms`.replace('.0 ms', ' ms');
  return `${twoDecimals.format(v)} ms`;
}

/** Short labels for axes and bar tops where 1,234,567 would not fit: 1.2M, 45.6k. */
export function fmtCompact(v: number): string {
  const abs = Math.abs(v);
  if (abs < 1000) return fmtNum(Number(v.toPrecision(6)));
  const [div, suffix] = abs >= 1e9 ? [1e9, 'G'] : abs >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
  const scaled = v / div;
  return `${Math.abs(scaled) >= 100 ? grouped.format(scaled) : twoDecimals.format(Number(scaled.toPrecision(3)))}${suffix}`;
}

/** Three significant digits are plenty for a rate: 5,998 /s, 81.2 /s, 0.015 /s. */
export function fmtRate(v: number): string {
  return fmtNum(Math.abs(v) >= 1000 ? Math.round(v) : Number(v.toPrecision(3)));
}

export function fmtPct(ratio: number, digits = 2): string {
  if (!Number.isFinite(ratio)) return MISSING;
  let text = (ratio * 100).toFixed(digits);
  // A ratio short of 1 must not print as 100%: that would hide a loss.
  while (ratio < 1 && Number(text) >= 100 && digits < 8) text = (ratio * 100).toFixed(++digits);
  return `${text}%`;
}

export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms)) return MISSING;
  if (ms < 1000) return `${grouped.format(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${oneDecimal.format(s)} s`;
  const totalS = Math.round(s);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const sec = totalS % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h} h ${pad(m)} min ${pad(sec)} s` : `${m} min ${pad(sec)} s`;
}

/** 2025-03-04 10:00:00 UTC; the original text when it is not a date. */
export function fmtTimestamp(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

/** gatecheck names every millisecond metric *_ms; Artillery's own timings say response_time. */
export function isMillis(metric: string): boolean {
  if (/\.count$/.test(metric)) return false;
  return /(_ms\b|latency|response_time|\btime\b)/.test(metric);
}

export function fmtMetric(metric: string, v: number | null): string {
  return isMillis(metric) ? fmtMs(v) : fmtNum(v);
}
