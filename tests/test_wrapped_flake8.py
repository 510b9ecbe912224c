"""flake8 wrapped: its findings in the report, the repository's flake8 settings, selection, noqa, failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from mlrepolint.config import ConfigError, Settings, find_config, load_settings
from mlrepolint.engine import Engine
from mlrepolint.rules.registry import load_registry

DOC = '"""Module."""\n'
# Lines of about 85, 95 and 115 characters (lines 2, 3, 4), inside one docstring-carrying module.
LONG = DOC + "".join(f"X{n} = '{'a' * (n - 7)}'\n" for n in (85, 95, 115))


#: Repository-level rules (README, tests, .gitignore, Python version): not what these tests are about.
PROJECT_RULES = ("MLR503", "MLR7")


def lint(root: Path, **overrides) -> list[tuple[str, str, int | None]]:
    """(code, path, line) of each finding but PROJECT_RULES', from the engine in process (the CLI's path, minus
    the subprocess)."""
    registry = load_registry()
    settings = load_settings(find_config(root), registry)
    overrides["ignore"] = settings.ignore + PROJECT_RULES + tuple(overrides.get("ignore", ()))
    settings = settings.with_overrides(**overrides)
    result = Engine(root, False, settings, registry).run([root])
    return [(f.code, f.path, f.line) for f in result.findings]


def lines_of(code: str, found: list[tuple[str, str, int | None]]) -> list[int | None]:
    return [line for c, _, line in found if c == code]


def test_flake8_findings_have_their_own_codes_source_and_category(repo):
    root = repo({"train.py": DOC + "import os\nx = 1 \nprint(undefined_name)\n"})
    run = run_cli("--format", "json", ".", cwd=root)
    by_code = {f["code"]: f for f in run.findings}
    assert by_code["F401"] == {
        "code": "F401", "rule": "flake8-f401", "category": "code-quality", "severity": "warning",
        "source": "flake8", "path": "train.py", "line": 2, "column": 1, "message": "'os' imported but unused",
    }
    assert (by_code["W291"]["line"], by_code["W291"]["column"]) == (3, 6)
    assert by_code["F821"]["severity"] == "error"  # an undefined name breaks the module: exit 1
    assert run.code == 1
    assert run.json["warnings"] == []
    assert not [f for f in run.findings if f["source"] == "pylint"]  # pylint is opt-in


@pytest.mark.parametrize(
    ("files", "flagged"),
    [
        ({}, [2, 3, 4]),  # flake8's default: 79
        ({".flake8": "[flake8]\nmax-line-length = 100\n"}, [4]),
        ({"tox.ini": "[flake8]\nmax-line-length = 100\n"}, [4]),
        ({"setup.cfg": "[flake8]\nmax-line-length = 100\n"}, [4]),
        # flake8's own order: setup.cfg, then tox.ini, then .flake8 (the first with a [flake8] section)
        ({"setup.cfg": "[flake8]\nmax-line-length = 120\n", ".flake8": "[flake8]\nmax-line-length = 60\n"}, []),
        ({"tox.ini": "[flake8]\nmax-line-length = 120\n", ".flake8": "[flake8]\nmax-line-length = 60\n"}, []),
        ({"setup.cfg": "[metadata]\nname = x\n", ".flake8": "[flake8]\nmax-line-length = 100\n"}, [4]),
        # [tool.mlrepolint.flake8] is laid over the repository's file
        ({".flake8": "[flake8]\nmax-line-length = 60\n",
          "pyproject.toml": "[tool.mlrepolint.flake8]\nmax-line-length = 100\n"}, [4]),
        ({"pyproject.toml": "[tool.mlrepolint.flake8]\nextend-ignore = ['E501']\n"}, []),
        ({".flake8": "[flake8]\nper-file-ignores = train.py: E501\n"}, []),
        ({".flake8": "[flake8]\nexclude = train.py\n"}, []),
    ],
    ids=["default", "flake8", "tox", "setup-cfg", "setup-cfg-first", "tox-first", "cfg-without-section",
         "mlrepolint-table-wins", "extend-ignore", "per-file-ignores", "exclude"],
)
def test_flake8_config_precedence(repo, files, flagged):
    root = repo({"train.py": LONG, **files}, git_init=False)
    assert lines_of("E501", lint(root)) == flagged


@pytest.mark.parametrize(
    ("pyproject", "flagged", "e203"),
    [
        ("", [2, 3, 4], True),
        ("[tool.black]\nline-length = 100\n", [4], False),
        ("[tool.ruff]\nline-length = 100\n", [4], False),
        # an explicit max-line-length beats black's; E203 stays off because black formats the project
        ("[tool.black]\nline-length = 100\n[tool.mlrepolint.flake8]\nmax-line-length = 120\n", [], False),
        # ...unless the user selects it in flake8's own terms
        ("[tool.black]\nline-length = 100\n[tool.mlrepolint.flake8]\nextend-select = ['E203']\n", [4], True),
    ],
    ids=["no-black", "black", "ruff", "explicit-wins", "e203-reselected"],
)
def test_black_line_length_is_the_default_and_black_conflicts_are_off(repo, pyproject, flagged, e203):
    code = LONG + "Y = [1, 2]\nZ = Y[1 :]\n"
    root = repo({"train.py": code, "pyproject.toml": pyproject}, git_init=False)
    found = lint(root)
    assert lines_of("E501", found) == flagged
    assert bool(lines_of("E203", found)) is e203


def test_noqa_is_handled_once_and_as_flake8_does(repo):
    code = (
        DOC
        + "import os  # noqa\n"                      # 2: bare noqa silences wrapped codes
        + "import sys  # noqa: E501\n"               # 3: another code: F401 stays
        + "import re  # noqa: F401\n"                # 4: the code itself
        + "import json  # noqa: F4\n"                # 5: flake8's prefix form
        + "import ast  # noqa: MLR101\n"             # 6: mlrepolint's code does not hide F401
        + 'TEXT = """\n' + "a" * 90 + '\n"""  # noqa: E501\n'  # 7-9: noqa after a multi-line string
    )
    root = repo({"train.py": code})
    run = run_cli("--format", "json", "--extend-select", "unused-suppression", ".", cwd=root)
    assert run.locations("F401") == [("F401", "train.py", 3), ("F401", "train.py", 6)]
    assert run.locations("E501") == []
    assert run.locations("MLR002") == [("MLR002", "train.py", 6)]  # MLR101 suppressed nothing on line 6


def test_file_level_flake8_noqa(repo):
    root = repo({"train.py": "# flake8: noqa\n" + DOC + "import os\n"})
    assert run_cli("--format", "json", ".", cwd=root).locations("F401") == []


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        ({"select": ("E501",)}, {"E501"}),
        ({"select": ("F",)}, {"F401"}),
        ({"ignore": ("E5",)}, {"F401", "MLR103"}),
        ({"ignore": ("F401", "E501")}, {"MLR103"}),
        ({"select": ("MLR",), "extend_select": ("F401",)}, {"F401", "MLR103"}),
    ],
)
def test_select_and_ignore_accept_wrapped_codes(repo, args, codes):
    root = repo({"train.py": DOC + "import os\n\n\ndef f():\n    return '" + "a" * 80 + "'\n"}, git_init=False)
    assert {code for code, _, _ in lint(root, **args)} == codes


def test_per_file_ignores_accept_wrapped_codes(repo):
    root = repo({
        "train.py": DOC + "import os\n", "tests/test_x.py": DOC + "import os\n",
        "pyproject.toml": '[tool.mlrepolint.per-file-ignores]\n"tests/*" = ["F4"]\n',
    })
    assert run_cli("--format", "json", ".", cwd=root).locations("F401") == [("F401", "train.py", 2)]


def test_select_mlr_does_not_run_flake8(repo):
    # An unknown flake8 option is an error as soon as flake8 is set up: with --select MLR it never is.
    root = repo({"train.py": LONG, "pyproject.toml": "[tool.mlrepolint.flake8]\nno-such-option = 1\n"})
    broken = run_cli(".", cwd=root)
    assert broken.code == 2
    assert broken.err == "mlrepolint: error: [tool.mlrepolint.flake8]: unknown flake8 option(s): no-such-option\n"
    quiet = run_cli("--format", "json", "--select", "MLR1,MLR2", ".", cwd=root)
    assert quiet.code == 0 and quiet.findings == []


def test_wrappers_can_turn_flake8_off(repo):
    root = repo({"train.py": LONG, "pyproject.toml": "[tool.mlrepolint]\nwrappers = []\n"})
    assert run_cli("--format", "json", "--ignore", ",".join(PROJECT_RULES), ".", cwd=root).findings == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "MLR999"], "--select: unknown rule or prefix 'MLR999'"),
        (["--ignore", "E5O1"], "--ignore: unknown rule or prefix 'E5O1'"),
        (["--with", "black"], "Invalid value for '--with': must be one of flake8, pylint, not 'black'"),
    ],
)
def test_bad_wrapper_flags_exit_2_with_one_line(repo, args, message):
    root = repo({"train.py": DOC}, git_init=False)
    run = run_cli(*args, ".", cwd=root)
    assert (run.code, run.err) == (2, f"mlrepolint: error: {message}\n")


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        ("[tool.mlrepolint]\nwrappers = ['black']\n", "'wrappers' must be chosen from flake8, pylint, not 'black'"),
        ("[tool.mlrepolint]\npep8-backend = 'pycodestyle'\n",
         "'pep8-backend' must be one of flake8, ruff, not 'pycodestyle'"),
        ("[tool.mlrepolint]\ntrust-repo-config = 'yes'\n", "'trust-repo-config' must be true or false"),
        ("[tool.mlrepolint.flake8]\nmax-line-length = {a = 1}\n",
         "'flake8.max-line-length' must be a string, number, boolean or list of strings"),
        ("[tool.mlrepolint]\nper-file-ignores = {'x.py' = ['MLR0999']}\n",
         "'per-file-ignores.x.py': unknown rule or prefix 'MLR0999'"),
    ],
)
def test_bad_wrapper_settings_are_config_errors(tmp_path, pyproject, message):
    (tmp_path / "pyproject.toml").write_text(pyproject)
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path / "pyproject.toml", load_registry())
    assert str(caught.value).endswith(f"pyproject.toml: {message}")


def test_broken_flake8_config_is_one_warning_and_flake8_runs_without_it(repo):
    root = repo({"train.py": LONG, ".flake8": "[flake8]\nextend-ignore = E5!\n"})
    run = run_cli("--format", "json", ".", cwd=root)
    assert run.code == 0
    assert "E501" in {f["code"] for f in run.findings if f["source"] == "flake8"}
    assert len(run.json["warnings"]) == 1
    assert run.json["warnings"][0].startswith("flake8: the settings in .flake8 are ignored, because flake8 rejects")
    text = run_cli(".", cwd=root)
    assert text.err.startswith("mlrepolint: warning: flake8: the settings in .flake8 are ignored")


def test_missing_flake8_is_one_warning(repo, tmp_path):
    shadow = tmp_path / "shadow" / "flake8"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('no flake8 here')\n")
    root = repo({"train.py": LONG})
    run = run_cli("--format", "json", ".", cwd=root, env={"PYTHONPATH": str(shadow.parent)})
    assert run.code == 0
    assert run.json["warnings"] == ["flake8 is not installed, so PEP 8 checks did not run (pip install flake8)"]


def test_flake8_local_plugins_do_not_run_unless_trusted(repo):
    plugin = (
        "from pathlib import Path\nPath(__file__).with_name('PLUGIN_RAN').write_text('x')\n\n\n"
        "class Plugin:\n    def __init__(self, tree):\n        pass\n\n    def run(self):\n        return []\n"
    )
    root = repo({
        "train.py": DOC, "evilplugin.py": plugin,
        ".flake8": "[flake8:local-plugins]\nextension =\n    ZZZ = evilplugin:Plugin\npaths = .\n",
    })
    run = run_cli("--format", "json", ".", cwd=root)
    assert not (root / "PLUGIN_RAN").exists()
    assert run.json["warnings"] == [
        "flake8: [flake8:local-plugins] in .flake8 ignored, because it would run code from the repository; "
        "pass --trust-repo-config to load it"
    ]
    trusted = run_cli("--format", "json", "--trust-repo-config", ".", cwd=root)
    assert trusted.json["warnings"] == []
    assert (root / "PLUGIN_RAN").exists()  # the same config does run code when trusted: the guard is real


def test_result_counts_python_lines(repo):
    root = repo({"a.py": DOC + "X = 1\n", "b.py": "Y = 2", "c.py": "def (:\n"}, git_init=False)
    result = Engine(root, False, Settings()).run([Path(root)])
    assert result.python_lines == 2 + 1  # c.py does not parse: no PEP 8 check ran on its lines


def test_flake8_failing_on_files_is_one_warning(repo, monkeypatch):
    from mlrepolint.rules.wrapped import flake8

    class Broken:
        def __init__(self, **kwargs):
            raise RuntimeError("plugin bug")

    monkeypatch.setattr(flake8, "_checker_class", lambda: Broken)
    root = repo({"a.py": DOC + "import os\n", "b.py": DOC}, git_init=False)
    result = Engine(root, False, Settings(ignore=PROJECT_RULES)).run([root])
    assert result.warnings == ["flake8 failed on a.py: RuntimeError: plugin bug (and 1 more files); "
                               "its findings there are missing"]
    assert [f.code for f in result.findings] == []


def test_e722_is_dropped_while_bare_except_runs(repo):
    root = repo({"train.py": DOC + "try:\n    pass\nexcept:\n    pass\n"}, git_init=False)
    assert lines_of("MLR802", lint(root)) == [4] and lines_of("E722", lint(root)) == []
    assert lines_of("E722", lint(root, ignore=("bare-except",))) == [4]
