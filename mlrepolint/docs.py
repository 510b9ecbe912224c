"""Rule documentation rendered from the rule declarations: `mlrepolint rule`, docs/rules/ and the README table.

`python -m mlrepolint.docs`, in the checkout's root, regenerates the README's rules table, docs/rules/ (one page
per built-in rule and an index) and `mlrepolint/rules/index.py` (the built-in rules, which the registry reads
without importing the checkers); tests/test_docs.py fails when the committed files differ from what the
declarations generate.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from mlrepolint.rules.base import CATEGORIES, Applicability, RepoChecker, Rule

if TYPE_CHECKING:
    from mlrepolint.rules.registry import Registry


def _option_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return repr(value)


def rule_markdown(rule: Rule, example_language: str = "python") -> str:
    """The full documentation of one rule, as Markdown: its page in docs/rules/ and `mlrepolint rule` alike."""
    parts = [
        f"# {rule.code} {rule.name}",
        "",
        f"{rule.summary}.",
        "",
        f"- Category: {CATEGORIES[rule.category]} (`{rule.category}`)",
        f"- Default severity: {rule.severity.value}",
        f"- Enabled by default: {'yes' if rule.default_enabled else 'no'}",
        *([_in_notebooks(rule)] if example_language == "python" else []),
        *([f"- Fixable: {fixable(rule)}"] if rule.autofixes else []),
        "",
        "## What it does",
        "",
        rule.description,
        "",
        "## Why it matters in an ML repository",
        "",
        rule.rationale,
    ]
    if rule.bad:
        parts += ["", "## Example", "", f"```{example_language}", rule.bad.rstrip("\n"), "```"]
    if rule.good:
        parts += ["", "Use instead:", "", f"```{example_language}", rule.good.rstrip("\n"), "```"]
    parts += ["", "## How to fix", "", rule.fix]
    for autofix in rule.autofixes:
        flags = FIX_FLAGS[autofix.applicability]
        parts += ["", f"With `{flags}` ({autofix.applicability.value} fix): {autofix.what}"]
    parts += ["", "## Options", ""]
    if rule.options:
        parts += [f"Under `[tool.mlrepolint.rules.{rule.name}]`:", ""]
        parts += [f"- `{name}` (default: `{_option_value(value)}`)" for name, value in rule.options.items()]
    else:
        parts += ["None."]
    parts += [
        "",
        "## How to suppress",
        "",
        f"On one line: `# noqa: {rule.code}`. In a whole file: `# mlrepolint: disable={rule.name}`. "
        f"Everywhere: `ignore = [\"{rule.code}\"]` in `[tool.mlrepolint]`, or per path with `per-file-ignores`.",
    ]
    return "\n".join(parts) + "\n"


def _in_notebooks(rule: Rule) -> str:
    """Whether a per-file rule runs in notebooks' code cells (the notebook profile)."""
    if rule.notebooks:
        return "- In notebooks: runs in the code cells (`notebooks = false` in its table turns that off)"
    return "- In notebooks: does not run in the code cells (`notebooks = true` in its table turns it on)"


#: The flags that apply a fix of each applicability.
FIX_FLAGS = {Applicability.SAFE: "--fix", Applicability.UNSAFE: "--fix --unsafe-fixes"}


def fixable(rule: Rule) -> str:
    """How a rule's findings are fixed: "`--fix` (safe)", "`--fix --unsafe-fixes` (unsafe)", or both."""
    return ", ".join(f"`{FIX_FLAGS[a]}` ({a.value})" for a in Applicability if rule.fixable(a)) or "no"


def example_language(registry: Registry, rule: Rule) -> str:
    """The code-fence language of a rule's examples: Python for per-file and engine rules; repository rules'
    examples may be any file (a Dockerfile, a .gitignore), so they get plain text."""
    plugin = registry.plugin_of(rule)
    return "text" if plugin is not None and issubclass(plugin.checker, RepoChecker) else "python"


def registry_rule_markdown(registry: Registry, rule: Rule) -> str:
    """`rule_markdown` with the example language the registry knows for the rule."""
    return rule_markdown(rule, example_language(registry, rule))


def rules_table(rules: Iterable[Rule], link: str | None = None) -> str:
    """A Markdown table of rules: code, name, category, severity, summary. `link` is a folder to link codes into."""
    lines = ["| Code | Name | Category | Severity | Summary |", "| --- | --- | --- | --- | --- |"]
    for rule in sorted(rules, key=lambda r: r.code):
        default = "" if rule.default_enabled else " (off by default)"
        code = f"[{rule.code}]({link}{rule.code}.md)" if link is not None else rule.code
        severity = f"{rule.severity.value}{default}"
        lines.append(f"| {code} | `{rule.name}` | {rule.category} | {severity} | {rule.summary} |")
    return "\n".join(lines) + "\n"


README_START = "<!-- rules-table:start -->\n"
README_END = "<!-- rules-table:end -->\n"
#: Where the rule pages live, relative to the README.
DOCS_DIR = "docs/rules"
INDEX = "README.md"
#: The rule index the registry reads (see mlrepolint.rules.registry), relative to the README.
RULE_INDEX = "mlrepolint/rules/index.py"


def readme_with_rules_table(readme: str, rules: Iterable[Rule]) -> str:
    """The README text with the block between the rules-table markers regenerated."""
    head, rest = readme.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    return head + README_START + rules_table(rules, link=DOCS_DIR + "/") + README_END + tail


def rule_pages(registry: Registry) -> dict[str, str]:
    """docs/rules/: file name -> text, for every built-in rule (never a third-party plugin's) and the index."""
    rules = sorted(registry.builtin_rules, key=lambda r: r.code)
    pages = {f"{rule.code}.md": registry_rule_markdown(registry, rule) for rule in rules}
    pages[INDEX] = (
        "# Rules\n\n"
        "<!-- Generated from the rule declarations by `python -m mlrepolint.docs`: edit the rules, not this. -->\n\n"
        "Every rule mlrepolint ships. `mlrepolint rule CODE` prints the same page in the terminal; "
        "`mlrepolint rules` also lists the rules of installed plugins.\n\n" + rules_table(rules, link="")
    )
    return pages


def generated_files(readme: Path, registry: Registry) -> dict[Path, str]:
    """Every file the declarations generate: the README (with its rules table), docs/rules/* and the rule index
    (from the checkers' own declarations, whether the registry read the index or not)."""
    from mlrepolint.rules.registry import index_source

    files = {readme: readme_with_rules_table(readme.read_text(encoding="utf-8"), registry.builtin_rules)}
    folder = readme.parent / DOCS_DIR
    files.update({folder / name: text for name, text in rule_pages(registry).items()})
    files[readme.parent / RULE_INDEX] = index_source(registry)
    return files


def stale_files(readme: Path, registry: Registry) -> list[Path]:
    """Pages in docs/rules/ that no built-in rule generates any more (a rule renamed or removed)."""
    expected = generated_files(readme, registry)
    return sorted(p for p in (readme.parent / DOCS_DIR).glob("*.md") if p not in expected)


def main(argv: list[str] | None = None) -> None:
    """`python -m mlrepolint.docs [README.md]`: regenerate the README's rules table and docs/rules/ next to it, and
    the rule index."""
    import sys

    from mlrepolint.rules.registry import load_registry

    args = sys.argv[1:] if argv is None else argv
    readme = Path(args[0] if args else "README.md")
    registry = load_registry(indexed=False)  # from the declarations themselves, whatever the index says
    for path in stale_files(readme, registry):
        path.unlink()
    for path, text in generated_files(readme, registry).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
