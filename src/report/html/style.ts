/** Everything inline: the page is one file a CI artifact viewer can open offline, with no fonts or scripts. */
export const STYLE = `
:root { color-scheme: light; --fg: #1f2933; --muted: #616e7c; --line: #e4e7eb; --bg: #f3f5f8; --ok: #1a7f37; --bad: #c62828; --warn: #d55e00; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1220px; margin: 0 auto; padding: 24px 28px 40px; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
header.top { display: flex; justify-content: space-between; align-items: flex-start; gap: 24px; }
.kicker { text-transform: uppercase; letter-spacing: .09em; font-size: 12px; color: var(--muted); font-weight: 600; }
h1 { margin: 2px 0 4px; font-size: 30px; line-height: 1.2; overflow-wrap: anywhere; }
.subtitle { color: var(--muted); }
.badge { flex: none; font-size: 30px; font-weight: 800; letter-spacing: .08em; padding: 10px 26px; border-radius: 12px; color: #fff; box-shadow: 0 2px 6px rgba(0,0,0,.12); }
.badge.passed { background: var(--ok); }
.badge.failed { background: var(--bad); }
.verdict { flex: none; text-align: center; }
.verdict .caveat { margin-top: 6px; font-size: 12.5px; font-weight: 700; color: #b42318; }
.invalid { margin: 18px 0 0; padding: 14px 20px; border-radius: 12px; border: 2px solid #b42318; color: #7a1a10; background: repeating-linear-gradient(135deg, #fff6ed 0 16px, #ffecd9 16px 32px); }
.invalid strong { display: block; font-size: 21px; letter-spacing: .03em; color: #b42318; }
.invalid ul { margin: 6px 0 0; padding-left: 20px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 18px 0 0; padding: 14px 18px; background: #fff; border: 1px solid var(--line); border-radius: 12px; }
.facts dt { color: var(--muted); font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 0; padding: 0; list-style: none; }
.chips li { background: #edf1f5; border-radius: 6px; padding: 1px 8px; }
.chips .k { color: var(--muted); }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 16px 0; }
.kpi { background: #fff; border: 1px solid var(--line); border-left: 5px solid #9aa5b1; border-radius: 10px; padding: 10px 14px; }
.kpi.good { border-left-color: var(--ok); }
.kpi.bad { border-left-color: var(--bad); }
.kpi.warn { border-left-color: var(--warn); }
.kpi .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .05em; font-weight: 600; }
.kpi .v { font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 16px 20px; margin: 16px 0; min-width: 0; }
.card h2 { font-size: 17px; margin: 0 0 2px; }
.card .desc { color: var(--muted); margin: 0 0 10px; font-size: 13px; }
.row { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; margin: 16px 0; }
.row.even { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
.row > .card { margin: 0; }
svg.chart { display: block; width: 100%; height: auto; }
svg text { font-size: 12px; fill: #52606d; }
svg .axis-label { font-size: 13px; fill: #323f4b; font-weight: 600; }
svg .bar-value { font-size: 14px; font-weight: 700; fill: #1f2933; }
svg .bar-value.warn { fill: var(--warn); }
svg .column-value { font-size: 11.5px; font-weight: 700; fill: #323f4b; }
svg .note { font-size: 12px; font-weight: 400; fill: #7b8794; }
svg .bar text { font-size: 13px; fill: #323f4b; }
svg .no-data { font-size: 24px; font-weight: 700; fill: #9aa5b1; }
svg .no-data-hint { font-size: 13px; fill: #7b8794; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 22px; list-style: none; margin: 6px 0 0 72px; padding: 0; font-size: 13px; }
.swatch { display: inline-block; width: 30px; margin-right: 7px; vertical-align: middle; border-top: 3px solid; }
.swatch.shade { height: 12px; border: 1px solid #e6dfcf; background: #f4f1ea; }
.hist { display: grid; grid-template-columns: minmax(0, 1fr) 150px; gap: 18px; align-items: center; }
.pstats { margin: 0; }
.pstats div { padding: 8px 0; border-bottom: 1px solid var(--line); }
.pstats div:last-child { border-bottom: 0; }
.pstats dt { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; }
.pstats dd { margin: 0; font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums; }
.pstats .p99 dd { color: #d55e00; }
.pstats dd.small { font-size: 13px; font-weight: 400; color: var(--muted); }
.small { font-size: 12.5px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th { text-align: left; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); padding: 6px 8px; white-space: nowrap; }
td { padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.name { overflow-wrap: anywhere; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.fail td { background: #fdecea; }
.mark { font-weight: 800; font-size: 15px; }
.mark.ok { color: var(--ok); }
.mark.bad { color: var(--bad); }
td.warn { color: var(--warn); font-weight: 700; }
.omitted { color: var(--muted); font-size: 12.5px; margin: 8px 0 0; }
footer { color: var(--muted); font-size: 12px; margin-top: 20px; }
`;
