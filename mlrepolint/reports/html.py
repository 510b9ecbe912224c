"""`--format html` and `grade --format html`: one self-contained page a person opens, prints or reads on a phone.

The single-repository report shows the score and grade, a chart of the category scores, what cost the points (each
rule once, with its fix), and the findings grouped by file with the lines of code around each. The dashboard of
`mlrepolint grade` shows a sortable table of the repositories, a histogram of their scores, and then the same detail
for each repository.

Self-contained and safe to open whatever the repository holds:
- no network: inline CSS, inline SVG, a little inline JavaScript, no fonts, images or links to fetch; a Content
  Security Policy allows only this page's own style and script (by hash), so even markup that slipped through could
  neither run nor load anything;
- everything from the repository (file names, messages, code) is escaped, its hidden characters shown
  (`visible`), and every message and code line passes through `masked` so no secret is shown;
- code is read through the repository view (regular files inside the root) and only from files under a size limit.

Without JavaScript every finding is shown and the filters are hidden; with it, findings can be filtered by category
and severity and the dashboard's table sorted by any column.
"""

from __future__ import annotations

import base64
import hashlib
import html
import statistics
from collections import Counter
from itertools import groupby
from pathlib import Path
from typing import Iterable, Sequence

from mlrepolint import __version__
from mlrepolint.regex import lazy
from mlrepolint.results import Result
from mlrepolint.reports.escape import visible
from mlrepolint.rules.base import CATEGORIES, Finding, Severity
from mlrepolint.scoring import CategoryScore, RuleScore, Scorecard, card_of, format_change, format_score, grade

#: Findings listed per report, most severe first; the rest are counted (`--format json` has them all).
MAX_FINDINGS = 2000
#: Files larger than this are not read for code excerpts.
MAX_READ = 2_000_000
#: Lines of code shown before and after a finding's line.
CONTEXT = 2
#: Code lines longer than this are cut.
MAX_LINE = 240
#: Dashboard histogram: scores in bins of this many points.
BIN = 10

_LINE_BREAK = lazy(r"\r\n|\r|\n")
#: A long token of base64 or hex characters: a key's body, a token, a hash.
_TOKEN = lazy(r"[A-Za-z0-9+/=]{32,}")
SEVERITY_ORDER = tuple(Severity)


def masked(text: str) -> str:
    """`text` with secrets masked: every message and code line this report shows passes through here.

    The project's masking (`mlrepolint.mask`) first; then, since this report also shows the code around a
    finding, any long random-looking run of base64 or hex characters (a private key's body on the lines below its
    header, which no detector recognises on its own).
    """
    from mlrepolint import mask
    from mlrepolint.rules.repo.secrets.detectors import looks_random

    text = mask.text(text)
    spans = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if any(c.isdigit() for c in token) and any(c.isalpha() for c in token) and looks_random(token):
            spans.append(match.span())
    if not spans:
        return text
    out, cursor = [], 0
    for start, end in sorted(spans):
        if end <= cursor:
            continue
        start = max(start, cursor)
        out += [text[cursor:start], "*" * min(max(end - start, 8), 16)]
        cursor = end
    return "".join(out) + text[cursor:]


def _t(text: str) -> str:
    """Text from the repository, escaped for HTML (content or attribute), its hidden characters shown."""
    return html.escape(visible(text), quote=True)


def _m(text: str) -> str:
    """A message or code from the repository: masked, then escaped."""
    return _t(masked(text))


_BACKTICKS = lazy(r"`([^`\n]+)`")


def _inline_code(escaped: str) -> str:
    """Escaped text with its `code` spans (as messages and fixes write them) set in <code>."""
    return _BACKTICKS.sub(r"<code>\1</code>", escaped)


def _plural(count: int, word: str, many: str = "") -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


# ---------------------------------------------------------------------------------------------------------------
# The page: style, script, and the frame around the content.

CSS = """\
:root{--bg:#f6f8fa;--panel:#fff;--text:#1f2328;--muted:#59636e;--line:#d1d9e0;--code:#f6f8fa;--hit:#fff3b0;
--track:#e3e7eb;--error:#cf222e;--warning:#9a6700;--info:#0969da;--A:#1a7f37;--B:#4b9b2d;--C:#b58100;--D:#d4691f;
--F:#cf222e;--na:#8c959f;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--panel:#151b23;--text:#e6edf3;--muted:#9198a1;
--line:#3d444d;--code:#0d1117;--hit:#3d3000;--track:#2a313c;--error:#ff7b72;--warning:#d29922;--info:#58a6ff}}
*{box-sizing:border-box}[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.page{max-width:1120px;margin:0 auto;padding:20px 16px 48px}
a{color:var(--info)}
h1{font-size:1.55rem;line-height:1.25;margin:0}
h2,h3,h4,h5{line-height:1.3;margin:0 0 .6em}
.sub{color:var(--muted);font-size:.9rem;margin:.2em 0 0;overflow-wrap:anywhere}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin:16px 0}
.overview{display:grid;grid-template-columns:minmax(0,17rem) minmax(0,1fr);gap:16px 40px;align-items:start}
.summary{display:flex;flex-direction:column;gap:14px}
.score{display:flex;align-items:center;gap:14px}
.badge{display:inline-grid;place-items:center;flex:none;width:3.6rem;height:3.6rem;border-radius:50%;
color:#fff;font-weight:700;font-size:1.9rem;background:var(--na)}
.big{font-size:2.3rem;font-weight:700;line-height:1;font-variant-numeric:tabular-nums}
.of{color:var(--muted);font-size:1rem;font-weight:400}
.change{display:block;color:var(--muted);font-size:.9rem}
.counts{display:flex;flex-wrap:wrap;gap:6px;list-style:none;margin:0;padding:0}
.pill{display:inline-block;border:1px solid currentColor;border-radius:999px;padding:0 .6em;font-size:.8rem;
font-weight:600;white-space:nowrap}
.s-error{color:var(--error)}.s-warning{color:var(--warning)}.s-info{color:var(--info)}
.bars{display:grid;grid-template-columns:max-content minmax(60px,1fr) 3.2em;gap:7px 12px;align-items:center}
.bars .na{color:var(--muted)}
.bar{display:block;width:100%;height:14px}
.bar .track{fill:var(--track)}.bar .A{fill:var(--A)}.bar .B{fill:var(--B)}.bar .C{fill:var(--C)}
.bar .D{fill:var(--D)}.bar .F{fill:var(--F)}
.num{text-align:right;font-variant-numeric:tabular-nums}
.costs{list-style:none;margin:0;padding:0;columns:2 26rem;column-gap:40px}
.costs li{display:grid;grid-template-columns:3.4em minmax(0,1fr);gap:0 8px;padding:8px 0;
border-top:1px solid var(--line);break-inside:avoid}
.pts{font-weight:700;color:var(--error);font-variant-numeric:tabular-nums;text-align:right}
.costs .what{overflow-wrap:anywhere}.costs .meta{display:block;color:var(--muted);font-size:.85rem}
.muted{color:var(--muted)}
.fix{margin:.2em 0 0;font-size:.9rem}
code{background:var(--code);border-radius:4px;padding:0 .15em;font-size:.88em}
.src code,.head code{background:none;padding:0;font-size:inherit}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
.filters{display:flex;flex-wrap:wrap;gap:8px 32px;align-items:flex-start;margin:0 0 12px}
.filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 12px}
.filters legend{font-weight:600;padding:0;margin-bottom:2px;width:100%}
.filters label{white-space:nowrap;cursor:pointer}
.shown{color:var(--muted);margin:0 0 8px}
.file{margin-top:18px}
.file>h3,.file>h4,.file>h5{font-size:1rem;overflow-wrap:anywhere;border-bottom:1px solid var(--line);
padding-bottom:4px}
.file .n{color:var(--muted);font-weight:400;font-size:.9rem;white-space:nowrap}
.finding{margin:10px 0 14px}
.head{display:flex;flex-wrap:wrap;align-items:baseline;gap:2px 10px}
.head code{font-weight:700}.loc{color:var(--muted);font-size:.9rem}
.msg{margin:2px 0 6px;overflow-wrap:anywhere}
.src{background:var(--code);border:1px solid var(--line);border-radius:6px;margin:0;padding:6px 0;
overflow-x:auto;tab-size:4}
.ln{display:inline-block;min-width:100%;padding-right:12px}
.ln::before{content:attr(data-n);display:inline-block;width:3.6em;padding-right:1em;text-align:right;
color:var(--muted);-webkit-user-select:none;user-select:none}
.ln.hit{background:var(--hit)}.ln.secret{color:var(--muted);font-style:italic}
.spot{margin:10px 0 16px}.spot .finding{margin:6px 0}
.more,.none{color:var(--muted)}
.warnings li{overflow-wrap:anywhere}
.table{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:6px 6px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal;overflow-wrap:anywhere;min-width:9em}
th{font-size:.85rem;vertical-align:bottom}th abbr{text-decoration:none}
th button{font:inherit;font-weight:600;color:inherit;background:none;border:0;padding:0;cursor:pointer;
text-align:inherit}
th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
td.error{text-align:left;white-space:normal;color:var(--error)}
.cell-na{color:var(--muted)}
.grade{display:inline-block;min-width:1.7em;border-radius:4px;color:#fff;text-align:center;font-weight:700;
background:var(--na)}
.g-A{background:var(--A)}.g-B{background:var(--B)}.g-C{background:var(--C)}.g-D{background:var(--D)}
.g-F{background:var(--F)}
.hist{display:grid;grid-template-columns:repeat(10,minmax(0,1fr));gap:6px;max-width:720px;text-align:center}
.hist .col{display:flex;flex-direction:column;justify-content:flex-end;min-width:0}
.hist svg{display:block;width:100%;height:140px;border-bottom:1px solid var(--line)}
.hist .c{font-weight:600;font-variant-numeric:tabular-nums;min-height:1.5em}
.hist .bin{color:var(--muted);font-size:.75rem;white-space:nowrap;overflow:hidden;text-overflow:clip}
.hist .A{fill:var(--A)}.hist .B{fill:var(--B)}.hist .C{fill:var(--C)}.hist .D{fill:var(--D)}.hist .F{fill:var(--F)}
.repo{border-top:3px solid var(--line);margin-top:32px;padding-top:8px}
.back{font-size:.9rem}
@media (max-width:760px){.overview{grid-template-columns:minmax(0,1fr)}.page{padding:12px 10px 32px}
.panel{padding:12px 12px;border-radius:8px}.big{font-size:2rem}
.ln::before{width:2.8em;padding-right:.6em}.hist .hi{display:none}}
@media print{:root{--bg:#fff;--panel:#fff;--text:#000;--muted:#444;--code:#fff;--line:#bbb;--hit:#eee}
body{font-size:10.5pt}.page{max-width:none;padding:0}.filters,.shown,.back{display:none!important}
.panel{border:0;padding:0;margin:12px 0}.finding,.costs li,tr,.bars{break-inside:avoid}
h2,h3,h4,h5{break-after:avoid}.src{overflow:visible;white-space:pre-wrap;overflow-wrap:anywhere}
.ln{display:inline}.badge,.grade,.bar rect,.hist rect,.ln.hit{-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{color:inherit;text-decoration:none}.table{overflow:visible}}
"""

SCRIPT = """\
(function () {
  "use strict";
  var doc = document;
  var form = doc.querySelector(".filters");
  if (form) {
    var findings = doc.querySelectorAll(".finding");
    var groups = doc.querySelectorAll(".spot, .file");
    var shown = doc.querySelector(".shown");
    var apply = function () {
      var on = {};
      form.querySelectorAll("input:checked").forEach(function (box) { on[box.name + ":" + box.value] = true; });
      var count = 0;
      findings.forEach(function (f) {
        var show = on["category:" + f.dataset.category] === true && on["severity:" + f.dataset.severity] === true;
        f.hidden = !show;
        if (show) { count += 1; }
      });
      groups.forEach(function (g) { g.hidden = g.querySelector(".finding:not([hidden])") === null; });
      shown.textContent = "Showing " + count + " of " + findings.length + " findings.";
    };
    form.addEventListener("change", apply);
    doc.querySelectorAll("[data-script]").forEach(function (e) { e.hidden = false; });
    apply();
  }
  doc.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    var body = table.tBodies[0];
    Array.prototype.forEach.call(heads, function (th, column) {
      var button = doc.createElement("button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var key = function (row) {
          var cell = row.cells[column];
          if (!cell) { return -2; }
          var value = cell.getAttribute("data-sort");
          return value === null ? cell.textContent.trim().toLowerCase() : Number(value);
        };
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var order = x < y ? -1 : (x > y ? 1 : 0);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
"""


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


#: Only this page's own style and script may apply; nothing may be fetched, framed, submitted or navigated to.
CSP = (
    f"default-src 'none'; style-src {_csp_hash(CSS)}; script-src {_csp_hash(SCRIPT)}; img-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        f"<meta name=\"generator\" content=\"mlrepolint {html.escape(__version__)}\">\n"
        f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<div class=\"page\">\n{body}</div>\n"
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------------------------------------------------------
# Pieces shared by both pages.


class Sources:
    """The code around findings: each file read once, through the repository view, and only under MAX_READ."""

    def __init__(self, root: Path) -> None:
        from mlrepolint.repo import RepoView

        self.view = RepoView(root, (), is_git=False)
        self._lines: dict[str, list[str]] = {}

    def lines(self, path: str) -> list[str]:
        """The file's lines, or [] when it cannot be read (missing, a folder, outside the root, too large)."""
        if path not in self._lines:
            size = self.view.size(path) if path and not path.endswith("/") else None
            text = self.view.read_text(path) if size is not None and size <= MAX_READ else None
            lines = _LINE_BREAK.split(text) if text else []
            if lines and lines[-1] == "":  # the text ended with a line break: no line after it
                lines.pop()
            self._lines[path] = lines
        return self._lines[path]


def _grade_class(grade: str | None) -> str:
    return f"g-{grade}" if grade in ("A", "B", "C", "D", "F") else ""


def _band(score: float | None) -> str:
    """The grade letter a category score would earn, for its colour."""
    return grade(score) or ""


def _summary(result: Result, card: Scorecard) -> str:
    """The score, the grade, the change since the --diff base, and the counts per severity."""
    base = getattr(result, "base", None)
    change = None if base is None else base.change(card)
    moved = "" if change is None else (
        f"<span class=\"change\">{_t(format_change(change))} against {_t(base.ref)}</span>"
    )
    if card.score is None:
        score = f"<span class=\"big\">n/a</span> <span class=\"of\">{_t(card.reason or 'no score')}</span>"
    else:
        score = f"<span class=\"big\">{card.score:.1f}</span><span class=\"of\">/100</span>"
    counts = Counter(f.severity for f in result.findings)
    pills = "".join(
        f"<li><span class=\"pill s-{s.value}\">{_plural(counts[s], s.value, 'info' if s is Severity.INFO else '')}"
        "</span></li>" for s in SEVERITY_ORDER if counts[s]
    ) or "<li><span class=\"pill s-info\">no findings</span></li>"
    checked = _plural(result.python_files, "Python file")
    return (
        f"<div class=\"score\"><span class=\"badge {_grade_class(card.grade)}\" aria-label=\"grade\">"
        f"{_t(card.grade or '–')}</span><div>{score}{moved}</div></div>\n"
        f"<div><ul class=\"counts\" aria-label=\"findings by severity\">{pills}</ul>"
        f"<p class=\"sub\">{_plural(len(result.findings), 'finding')} in {checked} and the repository</p></div>\n"
    )


def _chart(card: Scorecard, level: int) -> str:
    """One bar per category: its score out of 100, or n/a."""
    rows = []
    for c in card.categories:
        label = f"<span>{_t(c.title)}</span>"
        if c.score is None:
            rows.append(f"{label}<span class=\"na\">does not apply</span><span class=\"num na\">n/a</span>")
            continue
        width = f"{max(0.0, min(100.0, c.score)):.1f}"
        rows.append(
            f"{label}<svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" role=\"img\" "
            f"aria-label=\"{_t(c.title)}: {c.score:.1f} of 100\"><rect class=\"track\" width=\"100\" height=\"10\"/>"
            f"<rect class=\"{_band(c.score)}\" width=\"{width}\" height=\"10\"/></svg>"
            f"<span class=\"num\">{c.score:.1f}</span>"
        )
    return f"<h{level}>Category scores</h{level}>\n<div class=\"bars\">\n" + "\n".join(rows) + "\n</div>\n"


def _costly(card: Scorecard) -> list[tuple[CategoryScore, RuleScore]]:
    pairs = [(c, r) for c in card.categories for r in c.rules if round(r.cost, 1) > 0]
    return sorted(pairs, key=lambda pair: (-pair[1].cost, pair[1].rule))


def _costs(card: Scorecard, level: int) -> str:
    """The rules that cost points, most first, each with its fix once."""
    from mlrepolint.rules.registry import load_registry

    known = load_registry().rules
    items = []
    for category, rule in _costly(card):
        declared = known.get(rule.code or "")
        code = f" <code>{_t(rule.code)}</code>" if rule.code else ""
        name = "PEP 8 (wrapped linters)" if rule.code is None else rule.rule
        detail = (
            f"{_t(category.title)} · {_plural(rule.findings, 'finding' if rule.code else 'violation')} · "
            f"rule score {100 * rule.score:.0f}%"
        )
        fix = f"<p class=\"fix\">{_inline_code(_t(declared.fix))}</p>" if declared is not None and declared.fix else ""
        items.append(
            f"<li><span class=\"pts\">−{rule.cost:.1f}</span><div class=\"what\"><strong>{_t(name)}</strong>{code}"
            f"<span class=\"meta\">{detail}</span>{fix}</div></li>"
        )
    body = "<ol class=\"costs\">\n" + "\n".join(items) + "\n</ol>" if items else (
        "<p class=\"none\">Nothing cost points.</p>"
    )
    return f"<h{level}>What cost points</h{level}>\n{body}\n"


def _excerpt(sources: Sources, finding: Finding, hidden_lines: set[int]) -> str:
    """The lines around the finding's line, masked and escaped; the finding's own line marked (none for a notebook's
    cell: the file's lines are its JSON's)."""
    if finding.line is None or finding.cell is not None:
        return ""
    lines = sources.lines(finding.path)
    if not 0 < finding.line <= len(lines):
        return ""
    first, last = max(1, finding.line - CONTEXT), min(len(lines), finding.line + CONTEXT)
    code = masked("\n".join(lines[first - 1:last])).split("\n")  # masked before long lines are cut
    out = []
    for n, text in zip(range(first, last + 1), code):
        if len(text) > MAX_LINE:
            text = text[:MAX_LINE] + "…"
        if n in hidden_lines:  # a security finding's own line is never shown, masked or not
            text = "(not shown: a security finding points at this line)"
        mark = (" hit" if n == finding.line else "") + (" secret" if n in hidden_lines else "")
        out.append(f"<span class=\"ln{mark}\" data-n=\"{n}\">{_t(text)}</span>")
    return "<pre class=\"src\"><code>" + "\n".join(out) + "</code></pre>"


def _where(finding: Finding) -> str:
    if finding.cell is not None:
        return finding.cell_place()
    if finding.line is None:
        return "whole file" if finding.path else "repository"
    if finding.column is None:
        return f"line {finding.line}"
    return f"line {finding.line}, column {finding.column}"


def _finding(finding: Finding) -> str:
    return (
        f"<article class=\"finding\" data-category=\"{_t(finding.category)}\" "
        f"data-severity=\"{_t(finding.severity.value)}\">\n"
        f"<div class=\"head\"><span class=\"pill s-{finding.severity.value}\">{finding.severity.value}</span>"
        f"<code>{_t(finding.code)}</code><span>{_t(finding.rule)}</span>"
        f"<span class=\"loc\">{_where(finding)}</span></div>\n"
        f"<p class=\"msg\">{_inline_code(_m(finding.message))}</p>\n</article>\n"
    )


def _shown(findings: Sequence[Finding]) -> list[Finding]:
    """The findings listed: all of them, or the MAX_FINDINGS most severe, in path order."""
    if len(findings) <= MAX_FINDINGS:
        return list(findings)
    chosen = sorted(findings, key=lambda f: (f.severity.rank, f.sort_key()))[:MAX_FINDINGS]
    return sorted(chosen, key=Finding.sort_key)


def _findings(result: Result, level: int, prefix: str, filters: str) -> str:
    """The findings grouped by file, with the code around each (and the filters, when given)."""
    head = f"<h{level}>Findings</h{level}>\n{filters}"
    if not result.findings:
        return head + "<p class=\"none\">No findings.</p>\n"
    shown = _shown(result.findings)
    sources = Sources(result.root)
    secret_lines: dict[str, set[int]] = {}
    for f in result.findings:
        if f.category == "security" and f.line is not None:
            secret_lines.setdefault(f.path, set()).add(f.line)
    by_file: dict[str, list[Finding]] = {}
    for f in shown:
        by_file.setdefault(f.path, []).append(f)
    parts = [head]
    if len(shown) < len(result.findings):
        parts.append(
            f"<p class=\"more\">The {len(shown)} most severe of {len(result.findings)} findings are listed; "
            "<code>--format json</code> has them all.</p>\n"
        )
    for number, (path, found) in enumerate(sorted(by_file.items()), start=1):
        title = f"<span class=\"path\">{_t(path)}</span>" if path else "The repository"
        parts.append(
            f"<section class=\"file\" id=\"{prefix}f{number}\">\n<h{level + 1}>{title} "
            f"<span class=\"n\">{_plural(len(found), 'finding')}</span></h{level + 1}>\n"
        )
        hidden = secret_lines.get(path, set())
        for _, at_line in groupby(found, key=lambda f: f.line):  # findings on one line share its excerpt
            spot = list(at_line)
            parts += ["<div class=\"spot\">\n", *map(_finding, spot), _excerpt(sources, spot[0], hidden), "</div>\n"]
        parts.append("</section>\n")
    return "".join(parts)


def _filters(findings: Iterable[Finding]) -> str:
    """Checkboxes for the categories and severities that have findings (shown only when the script runs)."""
    findings = list(findings)
    if not findings:
        return ""
    severities = Counter(f.severity.value for f in findings)
    categories = Counter(f.category for f in findings)

    def box(name: str, value: str, label: str, count: int) -> str:
        return (
            f"<label><input type=\"checkbox\" name=\"{name}\" value=\"{_t(value)}\" checked> {_t(label)} "
            f"<span class=\"muted\">{count}</span></label>"
        )

    sev = "".join(
        box("severity", s.value, s.value, severities[s.value]) for s in SEVERITY_ORDER if s.value in severities
    )
    titles = {ident: CATEGORIES.get(ident, ident) for ident in categories}
    order = list(CATEGORIES) + sorted(set(categories) - set(CATEGORIES))
    cat = "".join(box("category", c, titles[c], categories[c]) for c in order if c in categories)
    return (
        "<form class=\"filters\" data-script hidden aria-label=\"Filter the findings\">"
        f"<fieldset><legend>Severity</legend>{sev}</fieldset>"
        f"<fieldset><legend>Category</legend>{cat}</fieldset></form>\n"
        "<p class=\"shown\" data-script hidden aria-live=\"polite\"></p>\n"
    )


def _warnings(result: Result, level: int) -> str:
    if not result.warnings:
        return ""
    items = "".join(f"<li>{_m(w)}</li>" for w in result.warnings)
    return f"<section class=\"panel warnings\"><h{level}>Warnings about the run</h{level}><ul>{items}</ul></section>\n"


def _detail(result: Result, level: int, prefix: str = "", filters: str = "") -> str:
    """The whole report on one repository, below a heading of `level - 1` (the page's or the dashboard's)."""
    card = card_of(result)
    return (
        f"<section class=\"panel overview\">\n<div class=\"summary\">\n{_summary(result, card)}</div>\n"
        f"<div class=\"chart\">\n{_chart(card, level)}</div>\n</section>\n"
        f"<section class=\"panel\">\n{_costs(card, level)}</section>\n"
        f"{_warnings(result, level)}"
        f"<section class=\"panel\">\n{_findings(result, level, prefix, filters)}</section>\n"
    )


# ---------------------------------------------------------------------------------------------------------------
# The two pages.


def render(result: Result, *, color: bool = False, quiet: bool = False) -> str:
    """The single-repository report; colour and quiet never apply."""
    card = card_of(result)
    name = result.root.name or str(result.root)
    score = "n/a" if card.score is None else f"{card.score:.1f}/100, grade {card.grade}"
    body = (
        f"<header><h1>mlrepolint report: {_t(name)}</h1><p class=\"sub\">{_t(str(result.root))} · "
        f"mlrepolint {_t(__version__)}</p></header>\n"
        f"{_detail(result, 2, filters=_filters(_shown(result.findings)))}"
    )
    return _page(f"mlrepolint: {_t(name)} ({score})", body)


def _histogram(scores: list[float]) -> str:
    """Scores in bins of BIN points (the last bin holds 100): one column per bin, its bar an SVG, its labels text
    (so they stay readable at any width)."""
    bins = [0] * (100 // BIN)
    for value in scores:
        bins[min(int(value // BIN), len(bins) - 1)] += 1
    top = max(bins) or 1
    columns = []
    for i, count in enumerate(bins):
        low, high = i * BIN, i * BIN + BIN - (0 if i == len(bins) - 1 else 1)
        height = f"{100 * count / top:.1f}"
        columns.append(
            f"<div class=\"col\"><span class=\"c\">{count or ''}</span>"
            f"<svg viewBox=\"0 0 10 100\" preserveAspectRatio=\"none\" role=\"img\" "
            f"aria-label=\"{_plural(count, 'repository', 'repositories')} scored {low} to {high}\">"
            f"<rect class=\"{_band(low + BIN / 2)}\" x=\"0\" y=\"{100 - float(height):.1f}\" width=\"10\" "
            f"height=\"{height}\"/></svg><span class=\"bin\">{low}<span class=\"hi\">–{high}</span></span></div>"
        )
    return "<div class=\"hist\">" + "".join(columns) + "</div>"


def _row(number: int, name: str, result: Result | None, error: str | None) -> str:
    """One repository's row: score, grade, the category scores and the number of findings, or its error."""
    if result is None:
        return (
            f"<tr><td>{_t(name)}</td><td class=\"error\" colspan=\"{len(_HEADS) - 1}\" data-sort=\"-2\">"
            f"{_m(error or 'not graded')}</td></tr>"
        )
    card = card_of(result)
    cells = [f"<td><a href=\"#r{number}\">{_t(name)}</a></td>",
             f"<td data-sort=\"{-1 if card.score is None else card.score}\">{format_score(card.score)}</td>",
             f"<td data-sort=\"{'FDCBA'.find(card.grade) if card.grade else -1}\"><span class=\"grade "
             f"{_grade_class(card.grade)}\">{_t(card.grade or '–')}</span></td>"]
    for category in card.categories:
        shown = "<span class=\"cell-na\">n/a</span>" if category.score is None else f"{category.score:.1f}"
        cells.append(f"<td data-sort=\"{-1 if category.score is None else category.score}\">{shown}</td>")
    cells.append(f"<td data-sort=\"{len(result.findings)}\">{len(result.findings)}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


#: The dashboard's short column titles for the categories (the full title shows on hover), so the table fits.
SHORT = {
    "code-quality": "Code", "documentation": "Docs", "structure": "Structure", "testing": "Tests",
    "dependencies": "Deps", "data-hygiene": "Data", "security": "Security", "containers": "Containers",
    "logging-errors": "Logging", "configuration": "Config",
}
_HEADS = (
    "Repository", "Score", "Grade",
    *(f"<abbr title=\"{html.escape(title)}\">{SHORT.get(ident, html.escape(title))}</abbr>"
      for ident, title in CATEGORIES.items()),
    "Findings",
)


def dashboard(entries: Sequence[tuple[str, Result | None, str | None]]) -> str:
    """The class dashboard of `mlrepolint grade`: (name, result or None, error or None) per repository."""
    rows = [_row(number, name, result, error) for number, (name, result, error) in enumerate(entries, start=1)]
    table = (
        "<div class=\"table\"><table class=\"sortable\">\n<thead><tr>"
        + "".join(f"<th scope=\"col\">{h}</th>" for h in _HEADS)
        + "</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>\n"
    )
    graded = [result for _, result, _ in entries if result is not None]
    cards = [card_of(result) for result in graded]
    scores = [card.score for card in cards if card.score is not None]
    grades = Counter(card.grade for card in cards if card.grade)
    facts = [f"mlrepolint {_t(__version__)}"]
    if scores:
        facts.append(f"mean score {statistics.mean(scores):.1f}, median {statistics.median(scores):.1f}")
    if grades:
        facts.append("grades " + ", ".join(f"{grades[g]} {g}" for g in "ABCDF" if grades[g]))
    if len(graded) < len(entries):
        facts.append(f"{len(entries) - len(graded)} not graded")
    details = [
        f"<section class=\"repo\" id=\"r{number}\">\n<h2>{_t(name)}</h2>\n{_detail(result, 3, f'r{number}-')}"
        "<p class=\"back\"><a href=\"#grades\">Back to the table</a></p>\n</section>\n"
        for number, (name, result, _) in enumerate(entries, start=1) if result is not None
    ]
    filters = _filters(f for result in graded for f in _shown(result.findings))
    body = (
        f"<header><h1>mlrepolint grades: {_plural(len(entries), 'repository', 'repositories')}</h1>"
        f"<p class=\"sub\">{' · '.join(facts)}</p></header>\n"
        f"<section class=\"panel\" id=\"grades\">\n<h2>Scores</h2>\n{table}</section>\n"
        f"<section class=\"panel\">\n<h2>Histogram of scores</h2>\n{_histogram(scores)}\n</section>\n"
        + (f"<section class=\"panel\" data-script hidden>\n<h2>Filter the findings</h2>\n{filters}</section>\n"
           if filters else "")
        + "".join(details)
    )
    return _page(f"mlrepolint grades ({len(entries)})", body)
