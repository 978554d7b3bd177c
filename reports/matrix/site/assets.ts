import { pageHead } from '../../html.js'

/** The one stylesheet every page of the site carries inline (no file to fetch, works from file://). */
export const SITE_CSS = `
[hidden]{display:none!important}
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem;color:#1b1f24}
nav{margin:0 0 1rem}nav a{margin-right:1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;vertical-align:top}
th{background:#f6f8fa;text-align:left}
thead th{position:sticky;top:0;z-index:1}
td.cell,td.n{text-align:center;white-space:nowrap}
.pass{background:#dafbe1}.fail,.error{background:#ffebe9}.warn,.timeout{background:#fff8c5}
.info,.unsupported{background:#ddf4ff}
tr.suite th{background:#eaeef2;font-size:1.05em}
code,pre{font:12px/1.4 ui-monospace,monospace}pre{background:#f6f8fa;padding:.5rem;overflow:auto}
a{color:#0969da}.side{font-weight:600}.todo{color:#cf222e;font-weight:600}
form#filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.5rem;background:#f6f8fa;border:1px solid #d0d7de}
form#filters fieldset{border:0;margin:0;padding:0}
#shown{font-weight:600}
`

/**
 * The index page's filters, plain script with no module or network use. Reads
 * the form (first set from the page's query, ?peer=squid&diff=1), hides the
 * columns of other peers and roles, then each case row whose visible cells do
 * not match; a suite heading goes with its last row.
 */
export const SITE_JS = `
(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  form.hidden = false;
  var heads = Array.prototype.slice.call(document.querySelectorAll('th.col'));
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.case'));
  var suites = Array.prototype.slice.call(document.querySelectorAll('tr.suite'));
  var shown = document.getElementById('shown');
  function value(name) { return form.elements[name].value; }
  function apply() {
    var suite = value('suite'), role = value('role'), level = value('level'), peer = value('peer');
    var statuses = {};
    Array.prototype.forEach.call(form.querySelectorAll('input[name="status"]'), function (box) {
      statuses[box.value] = box.checked;
    });
    var onlyDiff = form.elements.diff.checked, onlyProblems = form.elements.nonpass.checked;
    var visibleCols = {}, columns = 0;
    heads.forEach(function (th) {
      var on = (peer === '' || th.getAttribute('data-peer') === peer) &&
        (role === '' || th.getAttribute('data-role') === role);
      visibleCols[th.getAttribute('data-col')] = on;
      th.hidden = !on;
      if (on) columns += 1;
    });
    var count = 0, bySuite = {};
    rows.forEach(function (tr) {
      var cells = tr.querySelectorAll('td.cell'), seen = [], wanted = false;
      for (var i = 0; i < cells.length; i++) {
        var td = cells[i], on = visibleCols[td.getAttribute('data-col')] === true;
        td.hidden = !on;
        var status = td.getAttribute('data-status');
        if (!on || !status) continue;
        seen.push(status);
        if (statuses[status]) wanted = true;
      }
      var show = seen.length > 0 && wanted &&
        (suite === '' || tr.getAttribute('data-suite') === suite) &&
        (level === '' || tr.getAttribute('data-level') === level);
      if (show && onlyProblems) show = seen.some(function (s) { return s !== 'pass'; });
      if (show && onlyDiff) show = seen.some(function (s) { return s !== seen[0]; });
      tr.hidden = !show;
      if (show) { count += 1; bySuite[tr.getAttribute('data-suite')] = true; }
    });
    suites.forEach(function (tr) {
      tr.hidden = bySuite[tr.getAttribute('data-suite')] !== true;
      tr.firstElementChild.colSpan = 2 + columns;
    });
    shown.textContent = count + ' of ' + rows.length + ' cases shown, ' + columns + ' of ' + heads.length + ' columns';
  }
  // index.html?peer=squid&nonpass=1: a link from a peer or suite page opens the table filtered.
  new URLSearchParams(location.search).forEach(function (v, k) {
    var field = form.elements[k];
    if (field && field.tagName === 'SELECT') field.value = v;
    else if (field && field.type === 'checkbox') field.checked = v !== '0';
  });
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  apply();
})();
`

/**
 * One page of the site: inline style (and script, on the index), pinned by a
 * CSP so the page can load nothing from anywhere, a nav to the other pages.
 */
export function sitePage(options: {
  readonly title: string
  readonly body: readonly string[]
  readonly script?: string
}): string {
  return [
    ...pageHead({
      title: options.title,
      css: SITE_CSS,
      ...(options.script === undefined ? {} : { script: options.script }),
    }),
    '<body>',
    '<nav><a href="index.html">matrix</a><a href="suites.html">by suite</a><a href="index.html#peers">peers</a></nav>',
    ...options.body,
    ...(options.script === undefined ? [] : [`<script>${options.script}</script>`]),
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
