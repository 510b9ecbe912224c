"""data-leakage: preprocessing fitted before the split, and models or transformers fitted on test data."""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from typing import Iterator

from mlrepolint.api import Context, PythonChecker, PythonFile, Rule, Severity, dotted_name, lazy
from mlrepolint.rules.python.ml.names import ImportedNames

DATA_LEAKAGE = Rule(
    code="MLR311",
    name="data-leakage",
    category="reproducibility",
    severity=Severity.WARNING,
    summary="Test data leaks into training: preprocessing fitted before the split, or a fit on test data",
    description=(
        "Reports two narrow, high-confidence patterns in Python files other than tests:\n\n"
        "- A scaler, encoder, imputer, feature selector, decomposition, vectorizer or resampler "
        "(`StandardScaler`, `MinMaxScaler`, `OneHotEncoder`, `TargetEncoder`, `SimpleImputer`, `SelectKBest`, "
        "`PCA`, `TfidfVectorizer`, `SMOTE`, ...), or a `ColumnTransformer` / `Pipeline` made only of such steps, "
        "fitted (`fit`, `fit_transform`, `fit_resample`) on data that the "
        "same function (or module) afterwards splits with `train_test_split` or cross-validates with "
        "`cross_val_score` / `cross_validate` / `cross_val_predict`. Data counts as the same when it is the "
        "fitted variable, the variable assigned the transformed result, or one assigned later from an expression "
        "using either. The finding is on the split.\n"
        "- `fit`, `fit_transform` or `fit_resample` whose first argument's name says test or validation data "
        "(`X_test`, `test_df`, `x_val`, `valid_features`, `X_holdout`; not when the name also says train, as in "
        "`X_trainval`). Trainers (`trainer.fit(model, ...)`) and keyword arguments (`validation_data=`) are not "
        "looked at.\n\n"
        "The rubric counts modules that fit something."
    ),
    rationale=(
        "A scaler fitted before the split has seen the test rows' mean and variance, a feature selector their "
        "labels, an oversampler copies of them: the test score is better than the model will ever do on new "
        "data, and the comparison between models that the score was meant for is wrong. Fitting on test data "
        "makes the held-out set part of training."
    ),
    fix=(
        "Split first, then fit preprocessing on the training part only and `transform` the test part; or put the "
        "preprocessing in a `Pipeline` with the model so cross-validation fits it inside each fold."
    ),
    bad=(
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n\n"
        "scaler = StandardScaler()\nX_scaled = scaler.fit_transform(X)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X_scaled, y, test_size=0.2)\n"
    ),
    good=(
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)\nscaler = StandardScaler()\n"
        "X_train = scaler.fit_transform(X_train)\nX_test = scaler.transform(X_test)\n"
    ),
)

#: Classes whose fit learns from the data it sees (so fitting them on test rows leaks): by class name.
PREPROCESSORS = frozenset({
    "StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler", "QuantileTransformer", "PowerTransformer",
    "Normalizer", "KBinsDiscretizer", "OneHotEncoder", "OrdinalEncoder", "TargetEncoder", "SimpleImputer",
    "KNNImputer", "IterativeImputer", "SelectKBest", "SelectPercentile", "SelectFpr", "SelectFdr", "SelectFwe",
    "GenericUnivariateSelect", "RFE", "RFECV", "SelectFromModel", "SequentialFeatureSelector",
    "VarianceThreshold", "PCA", "KernelPCA", "IncrementalPCA", "TruncatedSVD", "FastICA", "NMF",
    "LatentDirichletAllocation", "FactorAnalysis", "TfidfVectorizer", "CountVectorizer", "TfidfTransformer",
    "DictVectorizer", "SMOTE", "ADASYN", "BorderlineSMOTE", "SVMSMOTE", "SMOTENC", "RandomOverSampler",
    "RandomUnderSampler", "NearMiss", "TomekLinks", "SMOTETomek", "SMOTEENN",
})
#: What a preprocessing composite may hold besides learned preprocessing: stateless steps and other composites.
STATELESS = frozenset({
    "Binarizer", "FunctionTransformer", "PolynomialFeatures", "SplineTransformer", "MissingIndicator",
    "HashingVectorizer", "FeatureHasher", "OneToOneFeatureMixin",
})
COMPOSITES = frozenset({
    "ColumnTransformer", "make_column_transformer", "Pipeline", "make_pipeline", "FeatureUnion", "make_union",
    "make_column_selector",
})
FIT_METHODS = ("fit", "fit_transform", "fit_resample")
#: Splits and cross-validation: call name (last part) -> index of the data argument.
SPLITS = {"train_test_split": 0, "cross_val_score": 1, "cross_validate": 1, "cross_val_predict": 1}
_TEST_WORDS = frozenset({"test", "tst", "val", "valid", "validation", "holdout", "dev", "eval"})
_TRAIN_WORDS = frozenset({"train", "trn", "trainval", "training", "full", "all"})
_WORD_RE = re.compile(r"[a-z]+")
_FIT_CALL = lazy(r"\.fit(?:_transform|_resample)?\s*\(")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def says_test(name: str) -> bool:
    """`X_test`, `test_df`, `x_val`, `valid_features`: a name that says held-out data (and not train)."""
    words = set(_WORD_RE.findall(name.lower().replace("testing", "test")))
    return bool(words & _TEST_WORDS) and not words & _TRAIN_WORDS


def _data_name(node: ast.expr) -> str | None:
    """The variable a data argument is: `X_test` for `X_test`, `df_test[cols]`, `X_test.values`."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr not in ("values",):
            return node.attr if node.value.id in ("self", "cls") else node.value.id
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _roots(node: ast.AST) -> set[str]:
    """Every variable name the expression reads."""
    return {sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name)}


def _targets(node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> set[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    found = set()
    for target in targets:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                found.add(sub.id)
            elif isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name):  # df[cols] = ...
                found.add(sub.value.id)
    return found


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a scope in source order, compound statements' bodies included, nested scopes not."""
    for stmt in body:
        if isinstance(stmt, _SCOPES):
            continue
        yield stmt
        blocks = [getattr(stmt, name, None) for name in ("body", "orelse", "finalbody")]
        blocks += [handler.body for handler in getattr(stmt, "handlers", ())]
        blocks += [case.body for case in getattr(stmt, "cases", ())]
        for block in blocks:
            if isinstance(block, list):
                yield from _statements(block)


def _calls(stmt: ast.stmt) -> Iterator[ast.Call]:
    """Calls in the statement itself (not in the bodies of a compound statement), in source order."""
    parts: list[ast.AST]
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        parts = [stmt.iter]
    elif isinstance(stmt, (ast.While, ast.If)):
        parts = [stmt.test]
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        parts = list(stmt.items)
    elif isinstance(stmt, ast.Try) or type(stmt).__name__ in ("TryStar", "Match"):
        parts = []
    else:
        parts = [stmt]
    found = [sub for part in parts for sub in ast.walk(part) if isinstance(sub, ast.Call)]
    yield from sorted(found, key=lambda c: (c.lineno, c.col_offset))


def _called_names(bindings: dict[str, str]) -> set[str]:
    """What a call that `_scope` acts on is written with: a fit or `transform` method's name, a split's or
    cross-validation's name (`model_selection.train_test_split`), or a name imported as one (`tts` after
    `from sklearn.model_selection import train_test_split as tts`). Every other call is passed over."""
    return {*FIT_METHODS, "transform", *SPLITS} | {
        name for name, target in bindings.items() if target.rsplit(".", 1)[-1] in SPLITS
    }


def _spans_one(stmt: ast.stmt, lines: list[int]) -> bool:
    """Whether the statement spans one of the sorted `lines`."""
    at = bisect_left(lines, stmt.lineno)
    return at < len(lines) and lines[at] <= (stmt.end_lineno or stmt.lineno)


class LeakageChecker(PythonChecker):
    """Finds preprocessing fitted before the split and fits on data named as test data."""

    rules = (DATA_LEAKAGE,)

    def check(self, file: PythonFile, ctx: Context) -> None:
        """Walk each scope's statements in order, tracking what was fitted on which data."""
        if "fit" not in file.text or _FIT_CALL.search(file.text) is None or file.is_test:
            return  # no fit call: no walk
        names = ImportedNames(file)
        text = file.text
        fit_lines: list[int] = []
        line, counted = 1, 0
        for match in _FIT_CALL.finditer(text):  # lines counted as the matches go down the text, not from the top
            line += text.count("\n", counted, match.start())
            counted = match.start()
            fit_lines.append(line)
        functions = [n for n in file.nodes(ast.FunctionDef, ast.AsyncFunctionDef) if isinstance(n, _FUNCTIONS)]
        scopes: list[ast.Module | ast.FunctionDef | ast.AsyncFunctionDef] = [file.tree] + [
            node for node in functions  # only the functions that fit something are walked
            if any(node.lineno <= line <= (node.end_lineno or node.lineno) for line in fit_lines)
        ]
        found: list[tuple[int, int, str]] = []
        fits = False
        naming = file.lines_naming(_called_names(names.bindings))
        lines = None if naming is None else sorted(naming)
        for scope in scopes:
            scope_found, scope_fits = self._scope(scope.body, names, lines)
            found += scope_found
            fits = fits or scope_fits
        if not fits:
            return
        ctx.examine(DATA_LEAKAGE)
        for line, column, message in sorted(set(found)):
            ctx.report(DATA_LEAKAGE, line, column, message)

    def _scope(
        self, body: list[ast.stmt], names: ImportedNames, lines: list[int] | None
    ) -> tuple[list[tuple[int, int, str]], bool]:
        """What the statements of one scope fit and report, in order. `lines` (sorted), when known, are the only
        lines where a call that matters can be written (see `_called_names`): a statement spanning none of them
        has its calls left unwalked, as they would all be passed over."""
        found: list[tuple[int, int, str]] = []
        fits = False
        preprocessors: dict[str, str] = {}  # variable -> class of the preprocessor assigned to it
        fitted: dict[str, tuple[str, int]] = {}  # preprocessor variable -> (class, line it was fitted)
        tainted: dict[str, tuple[str, int]] = {}  # data variable -> (class of what was fitted on it, line)
        reported: set[tuple[str, int]] = set()  # fits already reported: once each, at the first split
        for stmt in _statements(body):
            new_taint: dict[str, tuple[str, int]] = {}
            for call in _calls(stmt) if lines is None or _spans_one(stmt, lines) else ():
                func = call.func
                method = func.attr if isinstance(func, ast.Attribute) else ""
                if method in FIT_METHODS:
                    fits = True
                    self._test_fit(call, method, found)
                    what = self._preprocessor(func.value, preprocessors)  # type: ignore[attr-defined]
                    if what is not None and call.args:
                        if isinstance(func.value, ast.Name):  # type: ignore[attr-defined]
                            fitted[func.value.id] = (what, call.lineno)  # type: ignore[attr-defined]
                        if method == "fit":  # what it was fitted on; `transform` results follow below
                            new_taint.update({root: (what, call.lineno) for root in _roots(call.args[0])})
                        else:  # the transformed data (a PCA for a plot leaves the raw data clean)
                            new_taint.update({t: (what, call.lineno) for t in self._assigned(stmt)})
                elif method == "transform" and isinstance(func.value, ast.Name) and func.value.id in fitted:
                    new_taint.update({t: fitted[func.value.id] for t in self._assigned(stmt)})
                split = (names.call_name(call) or "").rsplit(".", 1)[-1]
                if split in SPLITS and len(call.args) > SPLITS[split]:
                    self._split(call, split, tainted, found, reported)
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                assigned = _targets(stmt)
                klass = self._constructed(stmt.value)
                for target in assigned:
                    if klass is not None:
                        preprocessors[target] = klass
                    elif target not in new_taint:
                        preprocessors.pop(target, None)
                source = next((tainted[r] for r in sorted(_roots(stmt.value)) if r in tainted), None)
                for target in assigned:
                    if target in new_taint:
                        continue
                    if source is not None:
                        tainted[target] = source  # derived from fitted data: `X = df.drop(columns="y")`
                    else:
                        tainted.pop(target, None)  # re-bound to something else
            tainted.update(new_taint)
        return found, fits

    @staticmethod
    def _assigned(stmt: ast.stmt) -> set[str]:
        return _targets(stmt) if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) else set()

    @staticmethod
    def _constructed(value: ast.expr) -> str | None:
        """The preprocessor class `value` constructs (`StandardScaler()`, `preprocessing.MinMaxScaler(...)`), or
        the composite one (`make_column_transformer((RobustScaler(), cols), ...)`, a `Pipeline` of scalers and
        encoders) when everything inside it is preprocessing, with no model at its end."""
        if not isinstance(value, ast.Call):
            return None
        klass = (dotted_name(value.func) or "").rsplit(".", 1)[-1]
        if klass in PREPROCESSORS:
            return klass
        if klass not in COMPOSITES:
            return None
        inner = [
            (dotted_name(sub.func) or "").rsplit(".", 1)[-1]
            for sub in ast.walk(value) if isinstance(sub, ast.Call) and sub is not value
        ]
        classes = [name for name in inner if name[:1].isupper() or name in COMPOSITES]
        if any(name not in PREPROCESSORS | STATELESS | COMPOSITES for name in classes):
            return None  # a model inside: fitting it is training, not preprocessing
        learned = [name for name in classes if name in PREPROCESSORS]
        return f"{klass}` of `{learned[0]}" if learned else None

    def _preprocessor(self, receiver: ast.expr, preprocessors: dict[str, str]) -> str | None:
        if isinstance(receiver, ast.Name):
            return preprocessors.get(receiver.id)
        return self._constructed(receiver)

    @staticmethod
    def _test_fit(call: ast.Call, method: str, found: list[tuple[int, int, str]]) -> None:
        receiver = (dotted_name(call.func.value) or "").lower()  # type: ignore[attr-defined]
        if not call.args or "trainer" in receiver:
            return
        name = _data_name(call.args[0])
        if name is not None and says_test(name):
            found.append((
                call.lineno, call.col_offset + 1,
                f"`{method}` on `{name}`, which by its name is held-out data: fit on the training data and only "
                "`transform` / evaluate on held-out data",
            ))

    @staticmethod
    def _split(
        call: ast.Call, split: str, tainted: dict[str, tuple[str, int]], found: list, reported: set[tuple[str, int]]
    ) -> None:
        data = call.args[SPLITS[split]]
        for root in sorted(_roots(data)):
            if root in tainted and tainted[root] not in reported:
                reported.add(tainted[root])
                klass, line = tainted[root]
                found.append((
                    call.lineno, call.col_offset + 1,
                    f"`{split}` on `{root}`, which a `{klass}` was already fitted on (line {line}): the held-out "
                    "rows leak into the preprocessing; split first, or use a Pipeline",
                ))
                return
