import { html, type Html } from './markup.js';
import { STYLE } from './style.js';

/** Grades, baseline marks, filters and timelines of the conformance and mutants pages (no scripts). */
const CONFORMANCE_STYLE = `
.g { display: inline-block; min-width: 84px; text-align: center; border-radius: 6px; padding: 1px 8px; font-weight: 700; font-size: 12px; color: #fff; }
.g.passed { background: var(--ok); } .g.failed { background: var(--bad); } .g.non-strict { background: #b7791f; }
.g.skipped { background: #7b8794; } .g.errored { background: #8e24aa; }
.b { display: inline-block; border-radius: 6px; padding: 0 7px; font-size: 12px; font-weight: 700; border: 1px solid; margin-left: 6px; }
.b.new { color: var(--bad); } .b.accepted { color: #7b5800; } .b.fixed { color: var(--ok); }
.filter-target { display: block; scroll-margin-top: 8px; }
.filters { display: flex; flex-wrap: wrap; gap: 8px; margin: 16px 0 4px; }
.filters a { color: inherit; text-decoration: none; background: #fff; border: 1px solid var(--line); border-radius: 999px; padding: 4px 12px; font-weight: 600; }
details.case { border-top: 1px solid var(--line); padding: 6px 0; }
details.case > summary { cursor: pointer; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
details.case > summary .id { font-weight: 700; }
details.case > summary .title { color: var(--muted); flex: 1; min-width: 240px; }
.reason { margin: 6px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.evidence dt { font-weight: 700; color: var(--muted); margin-top: 6px; }
.evidence dd { margin: 2px 0 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
table.timeline td { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12px; }
table.timeline tr.out td.arrow { color: #0072b2; } table.timeline tr.in td.arrow { color: #d55e00; }
table.timeline tr.note td { color: var(--muted); font-style: italic; }
table.timeline td.data { overflow-wrap: anywhere; max-width: 560px; }
td.killed { background: #e6f4ea; } td.miss { background: #fdecea; }
`;

/** One self-contained page: inline CSS, no script, no external resource. */
export function page(title: string, body: Html, extraStyle = ''): string {
  return shell(title, body, `${STYLE}${CONFORMANCE_STYLE}${extraStyle}`);
}

/** The page without the conformance styles (the load report has none of their elements). */
export function plainPage(title: string, body: Html): string {
  return shell(title, body, STYLE);
}

function shell(title: string, body: Html, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${html`<title>${title}</title>`}
<style>${style}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
