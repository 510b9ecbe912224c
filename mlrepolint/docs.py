"""Rule documentation rendered from the rule declarations (for `mlrepolint rule`, the docs and the README)."""

from __future__ import annotations

from typing import Any, Iterable

from mlrepolint.rules.base import CATEGORIES, Rule


def _option_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return repr(value)


def rule_markdown(rule: Rule) -> str:
    """The full documentation of one rule, as Markdown."""
    parts = [
        f"# {rule.code} {rule.name}",
        "",
        f"{rule.summary}.",
        "",
        f"- Category: {CATEGORIES[rule.category]} (`{rule.category}`)",
        f"- Default severity: {rule.severity.value}",
        f"- Enabled by default: {'yes' if rule.default_enabled else 'no'}",
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
        parts += ["", "## Example", "", "```python", rule.bad.rstrip("\n"), "```"]
    if rule.good:
        parts += ["", "Use instead:", "", "```python", rule.good.rstrip("\n"), "```"]
    parts += ["", "## How to fix", "", rule.fix]
    if rule.options:
        parts += ["", "## Options", "", f"Under `[tool.mlrepolint.rules.{rule.name}]`:", ""]
        parts += [f"- `{name}` (default: `{_option_value(value)}`)" for name, value in rule.options.items()]
    parts += [
        "",
        "## How to suppress",
        "",
        f"On one line: `# noqa: {rule.code}`. In a whole file: `# mlrepolint: disable={rule.name}`. "
        f"Everywhere: `ignore = [\"{rule.code}\"]` in `[tool.mlrepolint]`, or per path with `per-file-ignores`.",
    ]
    return "\n".join(parts) + "\n"


def rules_table(rules: Iterable[Rule]) -> str:
    """A Markdown table of rules: code, name, category, severity, summary."""
    lines = ["| Code | Name | Category | Severity | Summary |", "| --- | --- | --- | --- | --- |"]
    for rule in sorted(rules, key=lambda r: r.code):
        default = "" if rule.default_enabled else " (off by default)"
        severity = f"{rule.severity.value}{default}"
        lines.append(f"| {rule.code} | `{rule.name}` | {rule.category} | {severity} | {rule.summary} |")
    return "\n".join(lines) + "\n"


README_START = "<!-- rules-table:start -->\n"
README_END = "<!-- rules-table:end -->\n"


def readme_with_rules_table(readme: str, rules: Iterable[Rule]) -> str:
    """The README text with the block between the rules-table markers regenerated."""
    head, rest = readme.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    return head + README_START + rules_table(rules) + README_END + tail


def main() -> None:
    """`python -m mlrepolint.docs README.md`: rewrite the README's rules table from the declarations."""
    import sys
    from pathlib import Path

    from mlrepolint.rules.registry import load_registry

    readme = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    rules = load_registry().rules.values()
    readme.write_text(readme_with_rules_table(readme.read_text(encoding="utf-8"), rules), encoding="utf-8")


if __name__ == "__main__":
    main()
