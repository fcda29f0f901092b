import { fmtCompact, fmtNum } from './format.js';
import { html, raw, type Html } from './markup.js';
import { linear, niceTicks } from './scale.js';

export interface Point {
  x: number;
  /** null: nothing was measured there, drawn as a gap. */
  y: number | null;
}

export interface LineSeries {
  key: string;
  label: string;
  color: string;
  dashed?: boolean;
  points: Point[];
}

export interface LineChartOptions {
  label: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** x ranges where the main series has no samples: shaded so a gap reads as "no data", not as a glitch. */
  shaded?: Array<{ from: number; to: number }>;
}

export interface Column {
  label: string;
  value: number;
}

export type Tone = 'base' | 'good' | 'warn';

export interface Bar {
  label: string;
  value: number;
  tone: Tone;
  note?: string;
}

const TONE: Record<Tone, string> = { base: '#5b7083', good: '#2a7ab0', warn: '#d55e00' };
const AXIS = '#8a96a3';
const GRID = '#e3e8ee';

const n1 = (v: number) => v.toFixed(1);

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function svgOpen(width: number, height: number, label: string, extraClass = ''): Html {
  return html`<svg class="chart ${extraClass}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${label}">`;
}

function yTick(t: number, y: (v: number) => number, box: Box, format: (v: number) => string): Html {
  const at = n1(y(t));
  return html`<line x1="${box.left}" x2="${box.right}" y1="${at}" y2="${at}" stroke="${t === 0 ? AXIS : GRID}"/><text x="${box.left - 8}" y="${n1(y(t) + 4)}" text-anchor="end">${format(t)}</text>`;
}

function xTick(t: number, x: (v: number) => number, box: Box, format: (v: number) => string): Html {
  const at = n1(x(t));
  return html`<line x1="${at}" x2="${at}" y1="${box.top}" y2="${box.bottom}" stroke="${GRID}"/><text x="${at}" y="${box.bottom + 18}" text-anchor="middle">${format(t)}</text>`;
}

function axisLabels(width: number, height: number, box: Box, xLabel: string, yLabel: string): Html {
  const midY = n1((box.top + box.bottom) / 2);
  return html`<text class="axis-label" x="${n1((box.left + box.right) / 2)}" y="${height - 8}" text-anchor="middle">${xLabel}</text><text class="axis-label" transform="translate(16 ${midY}) rotate(-90)" text-anchor="middle">${yLabel}</text>`;
}

/** Consecutive measured points; a null y ends a run. */
function runs(points: Point[]): Array<Array<{ x: number; y: number }>> {
  const out: Array<Array<{ x: number; y: number }>> = [[]];
  for (const p of points) {
    if (p.y === null || !Number.isFinite(p.y)) {
      if (out[out.length - 1].length) out.push([]);
    } else out[out.length - 1].push({ x: p.x, y: p.y });
  }
  return out.filter((r) => r.length > 0);
}

function seriesPath(s: LineSeries, x: (v: number) => number, y: (v: number) => number): Html {
  const dash = s.dashed ? ' stroke-dasharray="7 4"' : '';
  const parts = runs(s.points).map((run) =>
    run.length === 1
      ? html`<circle cx="${n1(x(run[0].x))}" cy="${n1(y(run[0].y))}" r="3" fill="${s.color}"/>`
      : html`<polyline class="line" points="${run.map((p) => `${n1(x(p.x))},${n1(y(p.y))}`).join(' ')}" fill="none" stroke="${s.color}" stroke-width="2.2" stroke-linejoin="round"${raw(dash)}/>`,
  );
  return html`<g class="series" data-series="${s.key}"><title>${s.label}</title>${parts}</g>`;
}

export function lineChart(series: LineSeries[], o: LineChartOptions): Html {
  const width = o.width ?? 1120;
  const height = o.height ?? 340;
  const box: Box = { left: 72, right: width - 24, top: 14, bottom: height - 54 };
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.flatMap((p) => (p.y !== null && Number.isFinite(p.y) ? [p.y] : [])));
  const xMax = Math.max(0, ...xs);
  const yTicks = niceTicks(Math.max(0, ...ys), 6);
  const xTicks = niceTicks(xMax, 10).filter((t) => t <= xMax + 1e-9);
  const x = linear(0, xMax, box.left, box.right);
  const y = linear(0, yTicks[yTicks.length - 1], box.bottom, box.top);
  const shade = (o.shaded ?? []).map(
    (r) => html`<rect class="no-samples" x="${n1(x(r.from))}" y="${box.top}" width="${n1(Math.max(4, x(r.to) - x(r.from)))}" height="${box.bottom - box.top}" fill="#f4f1ea"><title>no samples</title></rect>`,
  );
  return html`${svgOpen(width, height, o.label)}${shade}<g class="grid">${xTicks.map((t) => xTick(t, x, box, fmtNum))}${yTicks.map((t) => yTick(t, y, box, fmtCompact))}</g><line x1="${box.left}" x2="${box.left}" y1="${box.top}" y2="${box.bottom}" stroke="${AXIS}"/>${axisLabels(width, height, box, o.xLabel, o.yLabel)}${series.map((s) => seriesPath(s, x, y))}</svg>`;
}

/** Vertical bars over categories (a histogram of buckets). */
export function columnChart(columns: Column[], o: { label: string; xLabel: string; yLabel: string; width?: number; height?: number }): Html {
  const width = o.width ?? 950;
  const height = o.height ?? 300;
  const band0 = (width - 72 - 16) / Math.max(1, columns.length);
  // Roughly 7 px per character at 12 px: tilt the labels only when they would touch.
  const tilt = Math.max(0, ...columns.map((c) => c.label.length)) * 7 + 6 > band0;
  const box: Box = { left: 72, right: width - 16, top: 22, bottom: height - (tilt ? 74 : 54) };
  const band = (box.right - box.left) / Math.max(1, columns.length);
  const yTicks = niceTicks(Math.max(0, ...columns.map((c) => c.value)));
  const y = linear(0, yTicks[yTicks.length - 1], box.bottom, box.top);
  // Values on top of the bars only when the widest one fits its band (the <title> always has the number).
  const showValues = Math.max(0, ...columns.map((c) => fmtCompact(c.value).length)) * 7 + 4 <= band;
  const bars = columns.map((c, i) => {
    const cx = box.left + band * (i + 0.5);
    const w = band * 0.72;
    const top = y(c.value);
    const label = tilt
      ? html`<text x="${n1(cx)}" y="${box.bottom + 14}" text-anchor="end" transform="rotate(-40 ${n1(cx)} ${box.bottom + 14})">${c.label}</text>`
      : html`<text x="${n1(cx)}" y="${box.bottom + 18}" text-anchor="middle">${c.label}</text>`;
    const value = c.value > 0 && showValues ? html`<text class="column-value" x="${n1(cx)}" y="${n1(top - 5)}" text-anchor="middle">${fmtCompact(c.value)}</text>` : html``;
    return html`<g class="column"><title>${c.label}: ${fmtNum(c.value)}</title><rect x="${n1(cx - w / 2)}" y="${n1(top)}" width="${n1(w)}" height="${n1(box.bottom - top)}" fill="${TONE.good}" rx="2"/>${value}${label}</g>`;
  });
  return html`${svgOpen(width, height, o.label)}<g class="grid">${yTicks.map((t) => yTick(t, y, box, fmtCompact))}</g>${bars}${axisLabels(width, height, box, o.xLabel, o.yLabel)}</svg>`;
}

/** Horizontal bars with the number printed at the end of each. */
export function barChart(bars: Bar[], o: { label: string; width?: number; labelWidth?: number }): Html {
  const width = o.width ?? 530;
  const labelWidth = o.labelWidth ?? 92;
  const rowH = 38;
  const height = 12 + bars.length * rowH;
  const valueRoom = 150;
  const left = labelWidth + 8;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const len = linear(0, max || 1, 0, width - left - valueRoom);
  const rows = bars.map((b, i) => {
    const top = 8 + i * rowH;
    // A single lost delivery in a million must still show as a bar, not vanish into a zero-width rect.
    const w = b.value > 0 ? Math.max(3, len(b.value)) : 0;
    const note = b.note ? html`<tspan class="note" dx="8">${b.note}</tspan>` : html``;
    return html`<g class="bar"><text x="${labelWidth}" y="${top + 19}" text-anchor="end">${b.label}</text><rect x="${left}" y="${top + 4}" width="${n1(w)}" height="24" fill="${TONE[b.tone]}" rx="2"/><text class="bar-value${b.tone === 'warn' ? ' warn' : ''}" x="${n1(left + w + 8)}" y="${top + 20}">${fmtNum(b.value)}${note}</text></g>`;
  });
  return html`${svgOpen(width, height, o.label)}<line x1="${left}" x2="${left}" y1="4" y2="${height - 4}" stroke="${AXIS}"/>${rows}</svg>`;
}

/** Same footprint as a chart so the layout holds when a scenario did not produce the metric. */
export function noDataChart(label: string, hint: string, width = 640, height = 260): Html {
  return html`${svgOpen(width, height, label, 'empty')}<rect x="1" y="1" width="${width - 2}" height="${height - 2}" fill="#fafbfc" stroke="#cfd6de" stroke-dasharray="6 5" rx="6"/><text class="no-data" x="${width / 2}" y="${height / 2 - 4}" text-anchor="middle">no data</text><text class="no-data-hint" x="${width / 2}" y="${height / 2 + 20}" text-anchor="middle">${hint}</text></svg>`;
}
