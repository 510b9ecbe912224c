"""`--format html` and `grade --format html`: self-contained, escaped, masked pages, checked as markup and then
rendered in headless Chromium (desktop and phone widths, with and without JavaScript, and for print)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser import Chromium
from conftest import FIXTURES, make_git_repo, run_cli, write_files

#: A file name and a code line that would run script if the report did not escape them.
HOSTILE_NAME = 'src/<img src=x onerror="window.pwned=1">.py'
HOSTILE_LINE = 'X = 1  # </script><script>window.pwned = 2</script><b onmouseover="window.pwned=3">'
#: A made-up AWS key and a made-up private key body: neither may appear in a report.
AWS_KEY = "AKIA" + "Q3EGRLMZPT4WXJ7K"  # split, so this repository's own scan does not flag it
KEY_BODY = ("MIIEowIBAAKCAQEAx3k9Qz7LmP2vR8tY1wN5bF0hJ6cD4sG9aK2eU7iO3pL8nM1q",
            "Vt6Hq2Zr8Ky3Wb5Nm1Pc7Dx4Gf9Sj0Lh2Ta6Ue8Io3Rp5Ey1Wq7Zk4Xb9Cn2Mv6")
SCRIPT = 'import pandas as pd\n\ndf = pd.read_csv("data.csv")\n'

FILES = {
    "train.py": SCRIPT + "\n\ndef fit(model):\n    try:\n        model.fit(df)\n    except:\n        pass\n",
    HOSTILE_NAME: f"{HOSTILE_LINE}\n\n\ndef helper(x):\n    return x\n",
    "settings.py": (
        '"""Settings."""\n'
        f'AWS_ACCESS_KEY_ID = "{AWS_KEY}"\n'
        'KEY = """-----BEGIN RSA PRIVATE KEY-----\n'
        f"{KEY_BODY[0]}\n{KEY_BODY[1]}\n"
        '-----END RSA PRIVATE KEY-----"""\n'
    ),
    "requirements.txt": "pandas\n",
}
CATEGORY_TITLES = ["Code quality", "Documentation", "Structure", "Testing", "Dependencies", "Data hygiene",
                   "Security", "Containers", "Logging and errors", "Configuration", "Reproducibility"]


class Markup(HTMLParser):
    """Every start tag with its attributes, and the text of script and style elements."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._inside: str | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._inside = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag: str) -> None:
        self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside == "script":
            self.scripts.append(data)
        elif self._inside == "style":
            self.styles.append(data)


def assert_self_contained(page: str) -> Markup:
    """No network: no http(s) URL at all, nothing to fetch, only the page's own script, a strict CSP."""
    assert re.search(r"https?://", page, re.IGNORECASE) is None
    markup = Markup(page)
    for tag, attrs in markup.tags:
        for name in ("src", "href", "action", "formaction", "srcset", "poster", "data", "xlink:href", "background"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        assert tag not in ("img", "iframe", "object", "embed", "link", "base", "audio", "video", "source"), tag
    assert [tag for tag, _ in markup.tags].count("script") == 1 and len(markup.scripts) == 1
    assert "url(" not in "".join(markup.styles) and "@import" not in "".join(markup.styles)
    [csp] = [attrs["content"] for tag, attrs in markup.tags if attrs.get("http-equiv") == "Content-Security-Policy"]
    script_hash = base64.b64encode(hashlib.sha256(markup.scripts[0].encode()).digest()).decode()
    assert csp.startswith("default-src 'none';") and f"script-src 'sha256-{script_hash}'" in csp
    return markup


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict]:
    """The HTML report (and the JSON one) of a repository with findings of several severities and categories, a
    hostile file name and two secrets."""
    tmp = tmp_path_factory.mktemp("sample")
    return html_report(make_git_repo(tmp / "repo", FILES), tmp)


@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> Path:
    """A folder of repositories to grade: the two fixture projects, the sample, and one git cannot read."""
    folder = tmp_path_factory.mktemp("grading") / "submissions"
    for name in ("clean-project", "notebook-ported"):
        shutil.copytree(FIXTURES / name, folder / name)
        make_git_repo(folder / name, {})
    make_git_repo(folder / "<b>eve", FILES)
    write_files(folder / "zz-broken", {".git": "gitdir: /nonexistent\n", "a.py": ""})
    return folder


def html_report(root: Path, tmp_path: Path, *args: str) -> tuple[Path, dict]:
    """The HTML report written with -o, and the JSON report of the same run for comparison."""
    out = tmp_path / "report.html"
    json_out = tmp_path / "report.json"
    run = run_cli("--format", "html", "-o", str(out), "--output-format", f"json:{json_out}", *args, ".", cwd=root)
    assert run.code in (0, 1), run.err
    return out, json.loads(json_out.read_text(encoding="utf-8"))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# --- the markup ---------------------------------------------------------------------------------------------------

def test_html_report_is_self_contained_escaped_and_masked(sample):
    out, doc = sample
    page = out.read_text(encoding="utf-8")
    assert_self_contained(page)
    for secret in (AWS_KEY, *KEY_BODY):
        assert secret not in page
    assert "AKIA************XJ7K" in page  # the finding's own masked description
    assert "&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;.py" in page
    assert "&lt;/script&gt;&lt;script&gt;window.pwned = 2&lt;/script&gt;" in page
    assert f"{doc['score']:.1f}" in page and f">{doc['grade']}<" in page
    for title in CATEGORY_TITLES:
        assert f"<span>{title}</span>" in page


def test_html_report_groups_findings_by_file_with_the_code_around_each(sample):
    out, doc = sample
    page = out.read_text(encoding="utf-8")
    files = re.findall(r'<section class="file" id="f\d+">\n<h3>(.*?) <span class="n">(\d+) findings?</span>', page)
    counted: dict[str, int] = {}
    for f in doc["findings"]:
        counted[f["path"]] = counted.get(f["path"], 0) + 1
    shown = {html.unescape(re.sub(r"<.*?>", "", title)): int(n) for title, n in files}
    assert shown == counted and HOSTILE_NAME in shown
    # train.py:3 (top-level execution and the missing guard) shares one excerpt: lines 1-5, line 3 marked.
    spot = page[page.index("<code>MLR201</code><span>top-level-execution</span>"):]
    excerpt = spot[spot.index('<pre class="src">'):spot.index("</pre>")]
    assert re.findall(r'data-n="(\d+)"', excerpt) == ["1", "2", "3", "4", "5"]
    assert '<span class="ln hit" data-n="3">df = pd.read_csv(&quot;data.csv&quot;)</span>' in excerpt
    assert page.count('<span class="ln hit" data-n="3">df = pd.read_csv') == 1
    # A security finding's own line is never shown, even masked.
    assert '<span class="ln hit secret" data-n="2">(not shown: a security finding points at this line)' in page


def test_html_report_lists_what_cost_points_with_each_fix_once(sample):
    from mlrepolint.rules.registry import load_registry

    out, doc = sample
    page = out.read_text(encoding="utf-8")
    costs = page[page.index("What cost points"):page.index("</ol>")]
    costly = [r for c in doc["categories"] for r in c["rules"] if r["cost"] > 0 and r["code"]]
    assert costly
    for rule in costly:
        assert f"<strong>{rule['rule']}</strong> <code>{rule['code']}</code>" in costs
    fixes = [html.unescape(re.sub(r"<.*?>", "", text)) for text in re.findall(r'<p class="fix">(.*?)</p>', page)]
    declared = load_registry().rules
    assert sorted(fixes) == sorted(declared[r["code"]].fix.replace("`", "") for r in costly)  # each once


def test_html_report_of_a_clean_repository(tmp_path):
    root = tmp_path / "clean-project"
    shutil.copytree(FIXTURES / "clean-project", root)
    make_git_repo(root, {})
    out, doc = html_report(root, tmp_path)
    page = out.read_text(encoding="utf-8")
    assert_self_contained(page)
    assert doc["grade"] == "A" and '<p class="none">No findings.</p>' in page
    assert '<form class="filters"' not in page


def test_html_report_lists_at_most_the_most_severe_findings():
    from mlrepolint.results import Result
    from mlrepolint.reports import html
    from mlrepolint.rules.base import Finding, Severity

    many = [Finding("MLR103", "missing-function-docstring", "documentation", Severity.WARNING, "mlrepolint",
                    f"m{i:04}.py", 1, 1, "m") for i in range(html.MAX_FINDINGS + 5)]
    error = Finding("MLR001", "parse-error", "code-quality", Severity.ERROR, "mlrepolint", "z.py", 1, 1, "bad")
    page = html.render(Result(Path("/nonexistent"), [*many, error]))
    assert f"The {html.MAX_FINDINGS} most severe of {html.MAX_FINDINGS + 6} findings are listed" in page
    assert page.count('<article class="finding"') == html.MAX_FINDINGS and "z.py" in page


def test_grade_html_dashboard(submissions, tmp_path):
    out = tmp_path / "grades.html"
    run = run_cli("grade", "submissions", "--format", "html", "-o", str(out), cwd=submissions.parent)
    assert run.code == 0, run.err
    page = out.read_text(encoding="utf-8")
    assert_self_contained(page)
    rows = re.findall(r"<tr><td>(.*?)</td>", page)
    assert rows == ['<a href="#r1">submissions/&lt;b&gt;eve</a>', '<a href="#r2">submissions/clean-project</a>',
                    '<a href="#r3">submissions/notebook-ported</a>', "submissions/zz-broken"]
    assert "zz-broken has a .git that git cannot read: " in page
    assert [int(n) for n in re.findall(r'<span class="c">(\d*)</span>', page) if n] and page.count('class="col"') == 10
    for number in (1, 2, 3):
        assert f'<section class="repo" id="r{number}">' in page
    assert 'id="r4"' not in page
    for secret in (AWS_KEY, *KEY_BODY):
        assert secret not in page
    for title in CATEGORY_TITLES:
        assert f'<abbr title="{title}">' in page and f"<span>{title}</span>" in page


# --- in a real browser --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with Chromium() as chromium:
        yield chromium


@pytest.mark.browser
def test_html_report_renders_in_a_browser(sample, tmp_path, browser):
    out, doc = sample
    for label, width, mobile in (("desktop", 1280, False), ("phone", 390, True)):
        page = browser.open(out, width=width, mobile=mobile)
        assert page.errors() == []
        assert page.requests() == [out.resolve().as_uri()]
        text = page.evaluate("document.body.innerText")
        assert f"{doc['score']:.1f}" in text
        for title in CATEGORY_TITLES:
            assert title in text
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), label  # no sideways scroll
        assert page.evaluate("window.pwned === undefined && document.querySelector('img, b[onmouseover]') === null")
        shot = page.screenshot(tmp_path / f"report-{label}.png", full_page=not mobile)
        assert png_size(shot)[0] == width
    total = len(doc["findings"])
    errors = sum(1 for f in doc["findings"] if f["severity"] != "warning")  # errors and info stay shown
    assert 0 < errors < total
    page = browser.open(out)
    assert page.evaluate("document.querySelector('.shown').innerText") == f"Showing {total} of {total} findings."
    page.evaluate("var box = document.querySelector('input[name=severity][value=warning]');"
                  "box.checked = false; box.dispatchEvent(new Event('change', {bubbles: true}));")
    assert page.evaluate("document.querySelectorAll('.finding:not([hidden])').length") == errors
    assert page.evaluate("document.querySelector('.shown').innerText") == f"Showing {errors} of {total} findings."
    visible_files = page.evaluate("Array.from(document.querySelectorAll('.file:not([hidden]) .path'))"
                                  ".map(e => e.textContent)")
    assert visible_files == sorted({f["path"] for f in doc["findings"] if f["severity"] != "warning"})
    assert page.errors() == []


@pytest.mark.browser
def test_html_report_works_without_javascript_and_prints(sample, tmp_path, browser):
    out, doc = sample
    page = browser.open(out, javascript=False)
    assert page.errors() == []
    assert page.evaluate("getComputedStyle(document.querySelector('.filters')).display") == "none"
    shown = "Array.from(document.querySelectorAll('.finding')).filter(e => e.offsetParent !== null).length"
    assert page.evaluate(shown) == len(doc["findings"])
    page = browser.open(out)
    page.call("Emulation.setEmulatedMedia", {"media": "print"})
    assert page.evaluate("getComputedStyle(document.querySelector('.filters')).display") == "none"
    assert page.evaluate(shown) == len(doc["findings"])
    page.screenshot(tmp_path / "report-print.png")
    pdf = base64.b64decode(page.call("Page.printToPDF", {"printBackground": True})["data"])
    (tmp_path / "report.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and page.errors() == []


@pytest.mark.browser
def test_grade_dashboard_renders_and_sorts_in_a_browser(submissions, tmp_path, browser):
    out = tmp_path / "grades.html"
    assert run_cli("grade", "submissions", "--format", "html", "-o", str(out), cwd=submissions.parent).code == 0
    table = run_cli("grade", "submissions", "--format", "csv", cwd=submissions.parent).out.splitlines()[1:]
    scores = {row[0]: float(row[1] or -1) for row in (line.split(",") for line in table)}
    for label, width, mobile in (("desktop", 1280, False), ("phone", 390, True)):
        page = browser.open(out, width=width, mobile=mobile)
        assert page.errors() == [] and page.requests() == [out.resolve().as_uri()]
        text = page.evaluate("document.body.innerText")
        for name, score in scores.items():
            assert name in text and (score < 0 or f"{score:.1f}" in text)
        for title in CATEGORY_TITLES:
            assert title in text
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), label
        assert png_size(page.screenshot(tmp_path / f"grades-{label}.png", full_page=not mobile))[0] == width
    names = "Array.from(document.querySelectorAll('#grades tbody tr td:first-child')).map(e => e.innerText)"
    assert page.evaluate(names) == sorted(scores)
    page.evaluate("document.querySelectorAll('#grades th button')[1].click()")  # Score, ascending
    assert page.evaluate(names) == sorted(scores, key=scores.get)
    page.evaluate("document.querySelectorAll('#grades th button')[1].click()")  # and descending
    assert page.evaluate(names) == sorted(scores, key=scores.get, reverse=True)
    assert page.evaluate("document.querySelectorAll('#grades th')[1].getAttribute('aria-sort')") == "descending"
    assert page.errors() == []
