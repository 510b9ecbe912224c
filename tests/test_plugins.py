"""Third-party checkers end to end: the example plugin in fixtures/ is pip-installed (offline, into a tmp folder put
on PYTHONPATH, so the test environment is not modified) and the installed `mlrepolint` executable is run on a real
git repository. Broken, clashing and crashing plugins are skipped with warnings and never break the run.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import Sequence

import pytest
from conftest import EXAMPLE_PLUGIN, Run, make_git_repo, run_cli, write_files

from mlrepolint import __version__, api
from mlrepolint.rules.registry import load_registry

PACKAGE = Path(__file__).resolve().parent.parent / "mlrepolint"
EXECUTABLE = Path(sys.executable).parent / ("mlrepolint.exe" if os.name == "nt" else "mlrepolint")

TRAIN = '''"""Train the churn model."""
import torch


def main():
    """Load checkpoints."""
    state = torch.load("ckpt.pt")
    model = torch.load("model.pt", weights_only=False)
    safe = torch.load("w.pt", weights_only=True)
    unknown = torch.load("w.pt", **options)
    trusted = torch.load("w.pt", weights_only=flag)


if __name__ == "__main__":
    main()
'''
TRAIN_EVAL = '''"""Evaluate the churn model."""
import mlflow
import torch as th


def main():
    """Evaluate under an MLflow run."""
    with mlflow.start_run():
        th.load("ckpt.pt")


if __name__ == "__main__":
    main()
'''
FILES = {
    "train.py": TRAIN,
    "scripts/train_eval.py": TRAIN_EVAL,
    "src/train_lstm.py": '"""An LSTM trainer."""\nimport torch\n',
    "src/train_config.yaml": "lr: 0.1\n",  # matches train*, but is not a script
    "notes/evaluate.py": '"""Not a training script: no MLflow needed."""\n',
}
EXPECTED = [
    ("MLR890", "src/train_lstm.py", None),
    ("MLR890", "train.py", None),
    ("MLR490", "train.py", 7),
    ("MLR490", "train.py", 8),
]

# What pip leaves in site-packages for a plugin: the modules and a dist-info with the entry points.
BAD_PLUGINS = {
    "broken-plugin": (
        {"broken_plugin": "import mlrepolint_missing_dependency\n"},
        {"broken": "broken_plugin:Checker"},
    ),
    "category-plugin": (
        {
            "category_plugin": (
                "from mlrepolint.api import RepoChecker, Rule, Severity\n"
                "R = Rule(code='MLR495', name='gpu-rule', category='gpus', severity=Severity.INFO,\n"
                "         summary='s', description='d', rationale='r', fix='f')\n"
            )
        },
        {"gpus": "category_plugin:Checker"},
    ),
    "clashing-plugin": (
        {
            "clashing_plugin": (
                "from mlrepolint.api import PythonChecker, Rule, Severity\n"
                "R = Rule(code='MLR101', name='module-docs', category='documentation', severity=Severity.INFO,\n"
                "         summary='s', description='d', rationale='r', fix='f')\n"
                "class Checker(PythonChecker):\n"
                "    rules = (R,)\n"
                "    def check(self, file, ctx):\n"
                "        ctx.report(R, 1, 1, 'clash')\n"
            )
        },
        {"module-docs": "clashing_plugin:Checker"},
    ),
    "crashing-plugin": (
        {
            "crashing_plugin": (
                "from mlrepolint.api import PythonChecker, Rule, Severity\n"
                "R = Rule(code='MLR491', name='always-crashes', category='security', severity=Severity.ERROR,\n"
                "         summary='s', description='d', rationale='r', fix='f')\n"
                "class Checker(PythonChecker):\n"
                "    rules = (R,)\n"
                "    def check(self, file, ctx):\n"
                "        ctx.report(R, 1, 1, 'half-way')\n"
                "        raise RuntimeError('boom')\n"
                "def not_a_checker():\n"
                "    pass\n"
            )
        },
        {"crash": "crashing_plugin:Checker", "function": "crashing_plugin:not_a_checker"},
    ),
}
BAD_PLUGIN_WARNINGS = [
    "plugin 'broken' (broken-plugin 0.1) failed to load broken_plugin:Checker: ModuleNotFoundError: "
    "No module named 'mlrepolint_missing_dependency'",
    "plugin 'gpus' (category-plugin 0.1) failed to load category_plugin:Checker: ValueError: "
    "rule MLR495 has unknown category 'gpus' (categories: code-quality, documentation, structure, testing, "
    "dependencies, data-hygiene, security, containers, logging-errors, configuration, project-setup, reproducibility)",
    "plugin 'module-docs' (clashing-plugin 0.1) skipped: rule MLR101 module-docs clashes with "
    "MLR101 missing-module-docstring from plugin 'docstrings' (mlrepolint 0.1.0)",
    "plugin 'function' (crashing-plugin 0.1) skipped: crashing_plugin:not_a_checker is not a PythonChecker or "
    "RepoChecker",
]
CRASH_WARNING = (
    "plugin 'crash' (crashing-plugin 0.1) raised RuntimeError: boom on notes/evaluate.py; "
    "its findings there are left out"
)


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of plugins that fail to import, declare an unknown category, clash, crash or are not checkers."""
    site = tmp_path_factory.mktemp("bad-plugins")
    for dist, (modules, entry_points) in BAD_PLUGINS.items():
        for module, text in modules.items():
            (site / f"{module}.py").write_text(text, encoding="utf-8")
        info = site / f"{dist.replace('-', '_')}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n", encoding="utf-8")
        lines = [f"{name} = {target}" for name, target in entry_points.items()]
        (info / "entry_points.txt").write_text("[mlrepolint.checkers]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return site


BUILTIN_CODES = ",".join(["E", "W", "F", "C90", *(rule.code for rule in load_registry().builtin_rules)])


def mlrepolint(*args: str, cwd: Path, sites: Sequence[Path] = ()) -> Run:
    """Run the installed `mlrepolint` executable with the given plugin folders on its path.

    Lint runs leave out the built-in rules and the wrapped PEP 8 codes: these tests are about plugin rules.
    """
    if not args or args[0] not in ("rules", "rule", "plugins"):
        args = ("--ignore", BUILTIN_CODES, *args)
    return run_cli(*args, cwd=cwd, env={"PYTHONPATH": os.pathsep.join(map(str, sites))})


@pytest.fixture
def ml_repo(tmp_path: Path) -> Path:
    return make_git_repo(tmp_path / "repo", FILES)


def test_plugin_findings_appear_in_json_and_text(ml_repo: Path, plugin_site: Path):
    run = mlrepolint("--format", "json", ".", cwd=ml_repo, sites=[plugin_site])
    assert run.code == 1, run.err  # MLR490 is at error severity
    assert run.err == ""
    plugin_findings = [f for f in run.findings if f["code"] in ("MLR490", "MLR890")]  # built-in rules run too
    assert [(f["code"], f["path"], f["line"]) for f in plugin_findings] == EXPECTED
    first = plugin_findings[2]
    assert first == {
        "code": "MLR490", "rule": "torch-load-without-weights-only", "category": "security", "severity": "error",
        "source": "mlrepolint", "path": "train.py", "line": 7, "column": 13,
        "message": "`torch.load(...)` without `weights_only=True`",
    }
    assert plugin_findings[3]["message"] == "`torch.load(...)` with `weights_only=False`"
    assert run.json["warnings"] == []

    text = mlrepolint(".", cwd=ml_repo, sites=[plugin_site])
    assert text.code == 1
    assert "train.py: MLR890 training script train.py does not log to MLflow (training-script-without-mlflow)" in (
        text.out.splitlines()
    )


def test_without_the_plugin_its_rules_are_unknown(ml_repo: Path):
    run = mlrepolint("--select", "MLR490", ".", cwd=ml_repo)
    assert run.code == 2
    assert run.err == "mlrepolint: error: --select: unknown rule or prefix 'MLR490'\n"


def test_plugin_rules_are_listed_and_documented(tmp_path: Path, plugin_site: Path):
    rules = mlrepolint("rules", cwd=tmp_path, sites=[plugin_site])
    assert rules.code == 0
    line = next(line for line in rules.out.splitlines() if line.startswith("MLR490"))
    assert line.split()[1:4] == ["torch-load-without-weights-only", "security", "error"]
    assert line.endswith("[plugin mlrepolint-example-plugin 0.1.0]")
    assert not any(line.startswith("MLR101") and "[plugin" in line for line in rules.out.splitlines())

    doc = mlrepolint("rule", "training-script-without-mlflow", cwd=tmp_path, sites=[plugin_site])
    assert doc.code == 0
    assert doc.out.startswith("# MLR890 training-script-without-mlflow\n")
    assert "- Category: Logging and errors (`logging-errors`)" in doc.out
    assert '- `scripts` (default: `["train*.py"]`)' in doc.out


def test_plugins_command_lists_name_distribution_version_kind_and_rules(tmp_path: Path, plugin_site: Path):
    run = mlrepolint("plugins", cwd=tmp_path, sites=[plugin_site])
    assert run.code == 0 and run.err == ""
    rows = [line.split(None, 4) for line in run.out.splitlines()]
    assert ["mlflow-logging", "mlrepolint-example-plugin", "0.1.0", "repository",
            "MLR890 training-script-without-mlflow"] in rows
    assert ["torch-load", "mlrepolint-example-plugin", "0.1.0", "per-file",
            "MLR490 torch-load-without-weights-only"] in rows
    assert ["structure", "mlrepolint", __version__, "per-file",
            "MLR201 top-level-execution, MLR202 missing-main-guard, MLR203 import-time-configuration"] in rows


ZIPPED_PLUGIN = (
    "from mlrepolint.api import RepoChecker, Rule, Severity\n"
    "R = Rule(code='MLR896', name='zipped-rule', category='testing', severity=Severity.INFO,\n"
    "         summary='s', description='d', rationale='r', fix='f')\n"
    "class Checker(RepoChecker):\n    rules = (R,)\n"
)


def _dist_info(folder: Path, dist: str, version: str, entry_points: dict[str, str]) -> dict[str, str]:
    """The files of a distribution's metadata folder, by path below `folder`."""
    info = f"{dist.replace('-', '_')}-{version}.dist-info"
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    return {f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n",
            f"{info}/entry_points.txt": "# the checkers\n\n[mlrepolint.checkers]\n" + lines}


def test_the_first_copy_of_a_distribution_on_the_path_wins_and_zipped_ones_are_found(tmp_path, plugin_site):
    import zipfile

    older = tmp_path / "older"
    for rel, text in _dist_info(older, "mlrepolint-example-plugin", "0.0.1", {"old-copy": "nowhere:Gone"}).items():
        write_files(older, {rel: text})
    zipped = tmp_path / "plugins.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("zipped_plugin.py", ZIPPED_PLUGIN)
        for rel, text in _dist_info(tmp_path, "zipped-plugin", "0.3", {"zipped": "zipped_plugin:Checker"}).items():
            archive.writestr(rel, text)
    run = mlrepolint("plugins", cwd=tmp_path, sites=[plugin_site, older, zipped])
    assert run.code == 0
    third_party = [line.split()[:3] for line in run.out.splitlines() if " mlrepolint " not in line]
    assert third_party == [["mlflow-logging", "mlrepolint-example-plugin", "0.1.0"],
                           ["torch-load", "mlrepolint-example-plugin", "0.1.0"],
                           ["zipped", "zipped-plugin", "0.3"]]
    assert run.err == ""  # the older copy further down the path is not read
    older_first = mlrepolint("plugins", cwd=tmp_path, sites=[older, plugin_site])
    assert [line for line in older_first.out.splitlines() if " mlrepolint " not in line] == []
    assert older_first.err == ("mlrepolint: warning: plugin 'old-copy' (mlrepolint-example-plugin 0.0.1) failed to "
                               "load nowhere:Gone: ModuleNotFoundError: No module named 'nowhere'\n")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "MLR490"], [e for e in EXPECTED if e[0] == "MLR490"]),
        (["--select", "MLR89"], [e for e in EXPECTED if e[0] == "MLR890"]),
        (["--select", "MLR490,MLR890", "--ignore", "torch-load-without-weights-only"],
         [e for e in EXPECTED if e[0] == "MLR890"]),
        (["--select", "MLR101", "--extend-select", "training-script-without-mlflow"],
         [e for e in EXPECTED if e[0] == "MLR890"]),
    ],
)
def test_plugin_rules_are_selected_and_ignored_like_built_ins(ml_repo, plugin_site, args, expected):
    run = mlrepolint("--format", "json", *args, ".", cwd=ml_repo, sites=[plugin_site])
    assert run.locations() == expected, run.err


@pytest.mark.parametrize(
    ("config", "edit", "expected", "code"),
    [
        # options: a wider set of load functions, and training scripts only under src/
        ('[rules.torch-load-without-weights-only]\nfunctions = ["torch.load", "th.load"]\n', None,
         [("MLR490", "scripts/train_eval.py", 9), *EXPECTED], 1),
        ('[rules.training-script-without-mlflow]\nscripts = ["src/*.py"]\n', None,
         [EXPECTED[0], *EXPECTED[2:]], 1),
        # severity, ignore and per-file-ignores
        ('[severity]\nMLR490 = "warning"\n', None, EXPECTED, 0),
        ('ignore = ["MLR4"]\n', None, EXPECTED[:2], 0),
        ('[per-file-ignores]\n"src/**" = ["training-script-without-mlflow"]\n', None, EXPECTED[1:], 1),
        # a noqa comment and a file-level disable comment
        ("", ('torch.load("ckpt.pt")', 'torch.load("ckpt.pt")  # noqa: MLR490'), [*EXPECTED[:2], EXPECTED[3]], 1),
        ("", ('"""Train the churn model."""', '"""Train."""  # mlrepolint: disable=torch-load-without-weights-only'),
         EXPECTED[:2], 0),
    ],
)
def test_plugin_rules_are_configured_and_suppressed_like_built_ins(ml_repo, plugin_site, config, edit, expected, code):
    (ml_repo / "mlrepolint.toml").write_text(config, encoding="utf-8")
    if edit:
        train = ml_repo / "train.py"
        train.write_text(train.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    run = mlrepolint("--format", "json", ".", cwd=ml_repo, sites=[plugin_site])
    assert (run.code, run.locations()) == (code, expected), run.err


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ('[rules.torch-load-without-weights-only]\nfunction = ["th.load"]\n',
         "mlrepolint.toml: unknown option 'function' for rule torch-load-without-weights-only (options: functions)"),
        ('[rules.MLR490]\nfunctions = "th.load"\n',
         "mlrepolint.toml: 'rules.MLR490.functions' must be list, not str"),
    ],
)
def test_plugin_rule_options_are_validated(ml_repo, plugin_site, config, error):
    (ml_repo / "mlrepolint.toml").write_text(config, encoding="utf-8")
    run = mlrepolint(".", cwd=ml_repo, sites=[plugin_site])
    assert (run.code, run.err) == (2, f"mlrepolint: error: {error}\n")


def test_broken_clashing_and_crashing_plugins_are_skipped_with_warnings(ml_repo, plugin_site, bad_site):
    run = mlrepolint("--format", "json", ".", cwd=ml_repo, sites=[plugin_site, bad_site])
    assert run.code == 1
    assert run.locations() == EXPECTED  # nothing from the bad plugins, everything from the good one
    assert run.json["warnings"] == [*BAD_PLUGIN_WARNINGS, CRASH_WARNING]
    assert run.err.splitlines() == [f"mlrepolint: warning: {w}" for w in run.json["warnings"]]

    plugins = mlrepolint("plugins", cwd=ml_repo, sites=[plugin_site, bad_site])
    assert plugins.code == 0
    third_party = [line.split()[0] for line in plugins.out.splitlines() if " mlrepolint " not in line]
    assert third_party == ["crash", "mlflow-logging", "torch-load"]  # `crash` loads; it fails when it runs
    assert plugins.err.splitlines() == [f"mlrepolint: warning: {w}" for w in BAD_PLUGIN_WARNINGS]

    rules = mlrepolint("rules", cwd=ml_repo, sites=[plugin_site, bad_site])
    assert rules.code == 0 and "MLR490" in rules.out
    assert [line.split()[1] for line in rules.out.splitlines() if line.startswith("MLR101")] == [
        "missing-module-docstring"
    ]
    assert rules.err.splitlines() == plugins.err.splitlines()


def _mlrepolint_imports(path: Path) -> list[str]:
    """Every `mlrepolint...` module a file imports."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return [name for name in names if name.split(".")[0] == "mlrepolint"]


def checker_modules() -> list[Path]:
    """The built-in checker modules and the example plugin's modules."""
    folders = [PACKAGE / "rules" / "python", PACKAGE / "rules" / "repo"]
    return sorted([*(p for folder in folders for p in folder.rglob("*.py")), *EXAMPLE_PLUGIN.rglob("*.py")])


@pytest.mark.parametrize("path", checker_modules(), ids=lambda p: p.name)
def test_checkers_import_only_the_public_api(path: Path):
    """Checkers use the public API, plus helper modules of their own package (as a plugin would)."""
    own_package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:3])  # mlrepolint.rules.repo
    imports = _mlrepolint_imports(path)
    others = {name for name in imports if name != own_package and not name.startswith(own_package + ".")}
    assert others <= {"mlrepolint.api"}


def test_api_exports_what_it_lists_and_a_version():
    assert api.API_VERSION >= (1, 0)
    assert all(hasattr(api, name) for name in api.__all__)
    assert set(api.__all__) <= set(dir(api))
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        _ = api.Nothing


def test_a_checker_importing_the_api_loads_only_the_names_it_asks_for():
    """A checker module imports names from the API: the modules behind the others (the notebook reader here) are
    not loaded with them, since the flake8 plugin and the pre-commit hook start a process per file."""
    code = ("import sys\nfrom mlrepolint.api import Context, Rule, lazy\nprint('mlrepolint.notebook' in sys.modules)\n"
            "from mlrepolint.api import parse_notebook\nprint('mlrepolint.notebook' in sys.modules)\n"
            "print(parse_notebook(b'{}').cells == [] and lazy('a+').fullmatch('aa') is not None)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["False", "True", "True"]
    assert {"Rule", "Severity", "CATEGORIES", "PythonChecker", "RepoChecker", "Context", "PythonFile",
            "RepoView", "RepoFile"} <= set(api.__all__)


def test_generated_docs_leave_installed_plugins_out(tmp_path: Path, plugin_site: Path):
    readme = Path(__file__).resolve().parent.parent / "README.md"
    (tmp_path / "README.md").write_text(readme.read_text(encoding="utf-8"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(plugin_site)}
    proc = subprocess.run([sys.executable, "-m", "mlrepolint.docs"], cwd=tmp_path, env=env, capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == readme.read_text(encoding="utf-8")
    generated = sorted(p.name for p in (tmp_path / "docs" / "rules").glob("*.md"))
    assert generated == sorted(p.name for p in (readme.parent / "docs" / "rules").glob("*.md"))
    assert "MLR490.md" not in generated
