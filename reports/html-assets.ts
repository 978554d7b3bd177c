// The only style and script of the HTML report, inlined. The page's CSP pins
// both by hash, so nothing else can run or load, even if escaping ever failed.

export const REPORT_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --info: #0969da; --na: #6e7781; --unsup: #8250df; --timeout: #bc4c00; --error: #bf3989; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --panel: #151b23; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 1rem 1.5rem 3rem; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.5rem; margin: .25rem 0; } h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; border-bottom: 1px solid var(--line); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.headline { font-size: 1.1rem; font-weight: 600; margin: .25rem 0 .75rem; }
.headline::before { display: inline-block; width: 1.3em; font-weight: 700; }
.verdict-ok { color: var(--pass); } .verdict-ok::before { content: "✓"; }
.verdict-fail { color: var(--fail); } .verdict-fail::before { content: "✗"; }
.verdict-incomplete { color: var(--error); } .verdict-incomplete::before { content: "!"; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0; color: var(--muted); }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; }
table.counts { border-collapse: collapse; margin: .5rem 1.5rem .5rem 0; display: inline-table; vertical-align: top; }
table.counts th, table.counts td { border: 1px solid var(--line); padding: .2rem .55rem; text-align: right; }
table.counts th:first-child, table.counts td:first-child { text-align: left; }
table.counts tr.total td { font-weight: 600; } table.counts .badge { min-width: 0; } td.zero { color: var(--muted); opacity: .55; }
.badge { display: inline-block; min-width: 6.5em; padding: 0 .4em; border-radius: 4px; font-weight: 700; font-size: 11px; text-align: center; color: #fff; }
.s-pass { background: var(--pass); } .s-fail { background: var(--fail); } .s-warn { background: var(--warn); } .s-info { background: var(--info); }
.s-not-applicable { background: var(--na); } .s-unsupported { background: var(--unsup); } .s-timeout { background: var(--timeout); } .s-error { background: var(--error); }
.tag { display: inline-block; padding: 0 .35em; margin-left: .35em; border: 1px solid currentColor; border-radius: 4px; font-size: 11px; font-weight: 600; }
.tag.new-failure, .tag.expired { color: var(--fail); } .tag.fixed { color: var(--pass); } .tag.changed, .tag.added { color: var(--info); }
.tag.declared { color: var(--unsup); } .tag.unexpected-pass, .tag.flaky { color: var(--warn); }
form#filters { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; padding: .5rem .75rem; margin: .5rem 0; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
form#filters[hidden] { display: none; }
form#filters fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .15rem .6rem; }
form#filters input[type=search] { min-width: 16rem; padding: .2rem .4rem; }
form#filters output { color: var(--muted); margin-left: auto; }
details.case { border: 1px solid var(--line); border-left-width: 4px; border-radius: 4px; margin: .3rem 0; background: var(--bg); }
details.case[hidden] { display: none; }
details.case.st-pass { border-left-color: var(--pass); } details.case.st-fail { border-left-color: var(--fail); }
details.case.st-warn { border-left-color: var(--warn); } details.case.st-info { border-left-color: var(--info); }
details.case.st-timeout { border-left-color: var(--timeout); } details.case.st-error { border-left-color: var(--error); }
details.case.st-unsupported { border-left-color: var(--unsup); }
details.case.regressed { border-left-color: var(--fail); box-shadow: 0 0 0 1px var(--fail) inset; }
details.case.fixed { border-left-color: var(--pass); }
details.case > summary { cursor: pointer; padding: .3rem .5rem; list-style-position: outside; }
details.case > summary .role, details.case > summary .level { color: var(--muted); }
details.case > summary .title { display: block; margin-left: 7.2em; color: var(--muted); }
details.case[open] > summary { border-bottom: 1px solid var(--line); background: var(--panel); }
.case-body { padding: .5rem .75rem .75rem; }
.case-body dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 .5rem; }
.case-body dt { font-weight: 600; } .case-body dd { margin: 0; overflow-wrap: anywhere; }
.hops { display: grid; grid-template-columns: 1fr 1fr; gap: .75rem; }
@media (max-width: 900px) { .hops { grid-template-columns: 1fr; } }
.hop { min-width: 0; border: 1px solid var(--line); border-radius: 4px; }
.hop h4 { margin: 0; padding: .25rem .5rem; font-size: 12.5px; background: var(--panel); border-bottom: 1px solid var(--line); }
.event { padding: .2rem .5rem; border-bottom: 1px dashed var(--line); } .event:last-child { border-bottom: 0; }
.event .head { color: var(--muted); } .event.to-target .head::before { content: "▶ "; } .event.from-target .head::before { content: "◀ "; }
pre.bytes, pre.text { margin: .2rem 0 0; padding: .3rem .4rem; white-space: pre-wrap; word-break: break-all; background: var(--panel); border-radius: 3px; }
pre.bytes .eol { color: var(--muted); opacity: .7; } pre.bytes .np { color: var(--error); font-weight: 600; }
.omitted, .notes, .empty { color: var(--muted); font-style: italic; }
ul.changes { margin: .25rem 0; padding-left: 1.25rem; columns: 2 36rem; }
.toolbar button { margin-right: .4rem; }
section.balance { margin: 0 0 .75rem; } section.balance h4 { margin: .25rem 0; font-size: 12.5px; }
figure.chart { margin: .25rem 0 .75rem; padding: .4rem .5rem; border: 1px solid var(--line); border-radius: 4px; background: var(--panel); }
figure.chart figcaption { color: var(--muted); font-size: 12.5px; }
svg.chart-svg { display: block; max-width: 100%; height: auto; font: 11.5px system-ui, sans-serif; }
svg.chart-svg text { fill: var(--fg); } svg.chart-svg text.axis, svg.chart-svg text.bar-text { fill: var(--muted); }
svg.chart-svg .axis-line { stroke: var(--muted); } svg.chart-svg .lane-line { stroke: var(--line); stroke-dasharray: 2 3; }
svg.chart-svg .bar-observed { fill: var(--info); } svg.chart-svg .bar-expected { fill: none; stroke: var(--muted); stroke-width: 1.2; stroke-dasharray: 3 2; }
svg.chart-svg .fault-line { stroke: var(--fail); stroke-width: 1.5; stroke-dasharray: 5 3; } svg.chart-svg text.fault-label { fill: var(--fail); font-weight: 600; }
svg.chart-svg .req-ok { fill: var(--pass); } svg.chart-svg .req-error { fill: var(--fail); } svg.chart-svg .req-duplicate { fill: var(--warn); }
svg.chart-svg .req-mixed-up { fill: var(--error); } svg.chart-svg .req-cut { fill: var(--timeout); }
details.chart-data summary { cursor: pointer; color: var(--muted); font-size: 12px; } details.chart-data table.counts { font-size: 12px; }
@media print { form#filters { display: none; } details.case { break-inside: avoid; } }
`

/**
 * Filters hide and show cases; opening a case expands its compressed evidence
 * (html-case.ts, packed), and a link to a case's anchor opens it.
 */
export const REPORT_JS = `
(function () {
  function unpack(el) {
    var z = el.getAttribute('data-z');
    if (z === null) return;
    el.removeAttribute('data-z');
    var bin = atob(z);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i += 1) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    new Response(stream).text().then(function (html) { el.outerHTML = html; });
  }
  document.addEventListener('toggle', function (e) {
    var d = e.target;
    if (d.open && d.matches && d.matches('details.case')) Array.prototype.forEach.call(d.querySelectorAll('div.packed'), unpack);
  }, true);
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (el && el.matches('details.case')) { el.open = true; el.scrollIntoView(); }
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
})();
(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  form.hidden = false;
  var cases = Array.prototype.slice.call(document.querySelectorAll('details.case'));
  var shown = document.getElementById('shown');
  function checked(name) {
    return Array.prototype.slice.call(form.querySelectorAll('input[name="' + name + '"]:checked')).map(function (i) { return i.value; });
  }
  function apply() {
    var statuses = checked('status');
    var suite = form.elements.namedItem('suite').value;
    var level = form.elements.namedItem('level').value;
    var text = form.elements.namedItem('q').value.trim().toLowerCase();
    var onlyChanged = form.elements.namedItem('changed');
    var changed = onlyChanged ? onlyChanged.checked : false;
    var count = 0;
    cases.forEach(function (el) {
      var d = el.dataset;
      var ok = statuses.indexOf(d.status) >= 0 && (!suite || d.suite === suite) && (!level || d.level === level) &&
        (!text || d.text.indexOf(text) >= 0) && (!changed || !!d.change);
      el.hidden = !ok;
      if (ok) count += 1;
    });
    shown.textContent = count + ' of ' + cases.length + ' shown';
  }
  function setStatuses(values) {
    Array.prototype.forEach.call(form.querySelectorAll('input[name="status"]'), function (i) { i.checked = values === null || values.indexOf(i.value) >= 0; });
    apply();
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  form.addEventListener('click', function (e) {
    var b = e.target.closest('button');
    if (!b) return;
    if (b.dataset.preset === 'all') setStatuses(null);
    if (b.dataset.preset === 'problems') setStatuses(['fail', 'warn', 'timeout', 'error']);
    if (b.dataset.open) cases.forEach(function (el) { if (!el.hidden) el.open = b.dataset.open === 'true'; });
  });
  apply();
})();
`
