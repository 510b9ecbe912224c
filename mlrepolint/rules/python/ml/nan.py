"""nan-comparison: `x == np.nan` is never true."""

from __future__ import annotations

import ast
import re

from mlrepolint.api import Context, PythonChecker, PythonFile, Rule, Severity, dotted_name
from mlrepolint.rules.python.ml.names import ImportedNames, constant

NAN_COMPARISON = Rule(
    code="MLR314",
    name="nan-comparison",
    category="reproducibility",
    severity=Severity.WARNING,
    summary="Comparison with NaN (`== np.nan`), which is never true",
    description=(
        "Reports `==`, `!=`, `is` and `is not` comparisons where one side is NaN: `np.nan` / `numpy.nan` "
        "(`NaN`, `NAN`), `math.nan`, `torch.nan`, and `float(\"nan\")` (any case, with a sign), "
        "and names imported from those modules (`from numpy import nan`). Names are resolved through the "
        "file's imports. The rubric counts modules that mention NaN."
    ),
    rationale=(
        "NaN is not equal to anything, itself included: `loss == np.nan` is always False and `!=` always True, "
        "so a divergence check never fires and a filter of missing values keeps every row. `is np.nan` only "
        "holds for that one object, not for the NaNs pandas, NumPy or PyTorch compute."
    ),
    fix=(
        "Use `math.isnan(x)`, `np.isnan(a)`, `torch.isnan(t)` or `pd.isna(value)` (`df[col].isna()` for a "
        "column)."
    ),
    bad="import numpy as np\n\nif loss == np.nan:\n    raise RuntimeError(\"training diverged\")\n",
    good="import numpy as np\n\nif np.isnan(loss):\n    raise RuntimeError(\"training diverged\")\n",
)

#: Resolved names that are NaN.
NAN_NAMES = frozenset(
    f"{module}.{name}" for module in ("numpy", "math", "torch", "cmath") for name in ("nan", "NaN", "NAN")
)
#: A NaN written in the source: an attribute or imported name `nan`, or the literal in `float("nan")`.
_MENTION = re.compile(r"\bnan\b", re.IGNORECASE)
_OPERATORS = (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)


def _mentions_nan(text: str) -> bool:
    """Whether `_MENTION` matches: `nan` in any case as a whole word. For ASCII text, by `str.find` on the text
    lowered, testing the characters around each `nan`: a case-blind regex that starts with `\\b` is tried at every
    position, and NeMo's `isnan`, `nanmean` and `nan_to_num` send a twelfth of its files to it."""
    if not text.isascii():  # `\w` and case folding beyond ASCII: the regex itself
        return _MENTION.search(text) is not None
    lowered = text.lower()
    at = lowered.find("nan")
    while at >= 0:
        end = at + 3
        if (not at or not _is_word_character(lowered[at - 1])) and (
            end == len(lowered) or not _is_word_character(lowered[end])
        ):
            return True
        at = lowered.find("nan", at + 1)
    return False


def _is_word_character(character: str) -> bool:
    """`\\w` for an ASCII character."""
    return character.isalnum() or character == "_"


def _is_nan(node: ast.expr, names: ImportedNames) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float" and node.args:
        value = constant(node.args[0])
        return isinstance(value, str) and value.strip().lower().lstrip("+-") == "nan"
    if isinstance(node, (ast.Name, ast.Attribute)):
        return names.resolve(dotted_name(node)) in NAN_NAMES
    return False


class NanComparisonChecker(PythonChecker):
    """Finds equality and identity comparisons with NaN."""

    rules = (NAN_COMPARISON,)

    def check(self, file: PythonFile, ctx: Context) -> None:
        """Look at the comparisons of a file that mentions NaN."""
        text = file.text
        if not ("nan" in text or "NaN" in text or "NAN" in text or "Nan" in text) or not _mentions_nan(text):
            return  # no NaN in the source: no walk of the expressions (substrings first: a case-blind regex is slow)
        ctx.examine(NAN_COMPARISON)
        names = ImportedNames(file)
        hits = []
        for node in file.nodes(ast.Compare):
            assert isinstance(node, ast.Compare)
            operands = [node.left, *node.comparators]
            for index, op in enumerate(node.ops):
                if not isinstance(op, _OPERATORS):
                    continue
                if _is_nan(operands[index], names) or _is_nan(operands[index + 1], names):
                    symbol = {ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not"}[type(op)]
                    always = "True" if isinstance(op, (ast.NotEq, ast.IsNot)) else "False"
                    hits.append((node.lineno, node.col_offset + 1, symbol, always))
                    break
        for line, column, symbol, always in sorted(hits):
            ctx.report(
                NAN_COMPARISON, line, column,
                f"`{symbol}` comparison with NaN is always {always} for computed NaNs; use `np.isnan` / "
                "`math.isnan` / `pd.isna`",
            )
