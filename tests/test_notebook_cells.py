"""Notebooks are code: the per-file rules run in code cells, and each finding names its cell and the line and
column within it, in every format; IPython syntax is stripped, a broken cell is a parse-error of that cell, the
notebook profile decides which rules run, and the hygiene rules look at the cells."""

from __future__ import annotations

import json

from conftest import lint_json, run_cli
from notebooks import code, markdown, notebook, stream

#: Own per-file rules, flake8's codes, and the notebook rules.
SELECT = ("--select", "MLR0,MLR1,MLR2,MLR3,MLR8,MLR9,E,W,F")


def cells_of(run, path="nb.ipynb"):
    """(code, cell, line, column) of each finding in one notebook."""
    return [(f["code"], f.get("cell"), f["line"], f["column"]) for f in run.findings if f["path"] == path]


MAGICS = notebook(
    markdown("# Exploring the data\n"),  # cell 1: Markdown counts
    code("%matplotlib inline\n!pip install -q pandas\nimport os\n"),  # cell 2
    code("files = !ls data\nprint(files, os.sep)\nos.path?\n??os.path.join\n"),  # cell 3
    code("%%bash\necho $HOME\nexcept: this is not python\n"),  # cell 4: not Python, skipped
    code("%%time\ntry:\n    total = sum(range(10))\nexcept:\n    pass\n"),  # cell 5: Python cell magic
    code("for name in files:\n    !echo {name}\n"),  # cell 6: a shell escape inside a block
    code("%%capture output\nprint('quiet')\n"),  # cell 7: `output` is defined
    code("output.show()\n"),  # cell 8
)


def test_rules_run_in_cells_with_every_magic_form_stripped(repo):
    root = repo({"nb.ipynb": MAGICS})
    found = cells_of(lint_json(root, *SELECT))
    # The only findings: the bare except (and the handler it swallows) in cell 5, at the cell's own line 4.
    assert found == [("MLR802", 5, 4, 1), ("MLR803", 5, 4, 1)], found


def test_text_json_github_and_sarif_name_the_cell(repo):
    root = repo({"nb.ipynb": notebook(
        markdown("intro\n"),
        code("import pandas as pd\n"),
        code("\n\ndf = pd.read_csv('/Users/anna/data/train.csv')\n"),  # leading blank lines are cell lines
    )})
    text = run_cli("--select", "hardcoded-path", "--no-cache", ".", cwd=root)
    assert "nb.ipynb:cell 3:3:18: MLR901 hardcoded machine-specific path '/Users/anna/data/train.csv'" in text.out
    finding = lint_json(root, "--select", "hardcoded-path").findings[0]
    assert (finding["path"], finding["cell"], finding["line"], finding["column"]) == ("nb.ipynb", 3, 3, 18)
    github = run_cli("--select", "hardcoded-path", "--format", "github", ".", cwd=root).out
    assert "::warning file=nb.ipynb,title=MLR901 hardcoded-path::cell 3, line 3, column 18: hardcoded" in github
    sarif = json.loads(run_cli("--select", "hardcoded-path", "--format", "sarif", ".", cwd=root).out)
    result = sarif["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "nb.ipynb"
    assert location["region"] == {"startLine": 1}  # the file's lines are its JSON's: the message names the cell
    assert result["message"]["text"].startswith("cell 3, line 3, column 18: hardcoded machine-specific path")


def test_a_broken_cell_is_a_parse_error_of_that_cell_and_the_others_are_linted(repo):
    root = repo({"nb.ipynb": notebook(
        code("import os\n"),
        code("x = 1\ndef broken(:\n    pass\n"),
        code("try:\n    os.remove('x')\nexcept:\n    pass\n"),
    )})
    run = run_cli("--format", "json", "--select", "parse-error,bare-except", cwd=root)
    assert run.code == 1  # a parse-error is an error
    assert cells_of(run) == [("MLR001", 2, 2, 12), ("MLR802", 3, 3, 1)]
    assert run.findings[0]["message"].startswith("syntax error")


def test_names_from_earlier_cells_are_defined_and_imports_in_later_cells_are_not_e402(repo):
    root = repo({"nb.ipynb": notebook(
        code("import numpy as np\n"),
        code("x = np.zeros(3)\n"),
        code("import pandas as pd\n\n\ndef frame():\n    return pd.DataFrame(x)\n"),  # a def opening a cell is fine
        code("frame()\nundefined_name\n"),
        code("plt.show();\n"),  # a trailing semicolon hides the output: not E703 in a notebook
    )})
    found = cells_of(run_cli("--format", "json", "--select", "E,W,F", cwd=root))
    assert found == [("F821", 4, 2, 1), ("F821", 5, 1, 1)], found


def test_suppressions_work_inside_cells(repo):
    root = repo({"nb.ipynb": notebook(
        code("try:\n    x = 1\nexcept:  # noqa: MLR802\n    pass\n"),
        code("try:\n    y = 1\nexcept:\n    pass\n"),
        code("z = 1  # noqa: MLR901\n"),
    )})
    run = lint_json(root, "--select", "bare-except,hardcoded-path,unused-suppression")
    assert cells_of(run) == [("MLR802", 2, 3, 1), ("MLR002", 3, 1, None)]


def test_the_notebook_profile_and_its_configuration(repo):
    source = notebook(code("x = 1\n"), code("import os\ntry:\n    os.remove(x)\nexcept:\n    pass\n"))
    selected = ("--select", "missing-module-docstring,E402,notebook-late-import,bare-except")
    root = repo({"nb.ipynb": source})
    # missing-module-docstring and E402 are off in notebooks; the hygiene rule and bare-except run.
    assert cells_of(lint_json(root, *selected)) == [("MLR306", 2, 1, 1), ("MLR802", 2, 4, 1)]
    (root / "pyproject.toml").write_text(
        "[tool.mlrepolint.rules.bare-except]\nnotebooks = false\n"
        '[tool.mlrepolint.notebooks]\nextend-select = ["E402"]\nignore = ["notebook-late-import"]\n'
    )
    assert cells_of(lint_json(root, *selected)) == [("E402", 2, 1, 1)]
    (root / "pyproject.toml").write_text("[tool.mlrepolint.notebooks]\nlint = false\n")
    assert lint_json(root, *selected).findings == []
    (root / "pyproject.toml").write_text("[tool.mlrepolint.notebooks]\nlintt = false\n")
    bad = run_cli(".", cwd=root)
    assert bad.code == 2
    assert "unknown key 'notebooks.lintt' (keys: lint, extend-select, ignore)" in bad.err


def test_print_in_module_never_calls_a_notebook_importable(repo):
    # A notebook that only defines things is still run by its kernel, never imported: even with
    # print-in-module turned on for notebooks, its prints are its output.
    source = notebook(code('"""Helpers."""\n\n\ndef show(x):\n    """Show x."""\n    print(x)\n'))
    root = repo({"nb.ipynb": source, "lib.py": '"""Helpers."""\n\n\ndef show(x):\n    """Show x."""\n    print(x)\n',
                 "pyproject.toml": '[tool.mlrepolint.notebooks]\nextend-select = ["print-in-module"]\n'})
    run = lint_json(root, "--select", "print-in-module")
    assert [(f["path"], f["line"]) for f in run.findings] == [("lib.py", 6)]


def test_hygiene_rules_each_at_its_cell(repo):
    root = repo({
        "notebooks/Untitled1.ipynb": notebook(code("x = 1\n")),
        "notebooks/train-Copy2.ipynb": notebook(code("x = 1\n")),
        "notebooks/analysis.ipynb": notebook(
            markdown("# Analysis\n"),
            code("import pandas as pd\n", 1, [stream("ok\n")]),  # cell 2
            code("print(df.shape)\n[v for v in range(3)]\n", 3),  # cell 3: df only from cell 4
            code("df = pd.read_csv('d.csv')\nv = 2\nimport numpy as np\nfrom sklearn import svm\n", 2),  # cell 4
            code("   \n"),  # cell 5: empty
            code("np.mean(df)\n"),  # cell 6: never run among run cells
        ),
    })
    run = lint_json(root, "--select", "MLR305,MLR306,MLR307,MLR308,MLR309")
    found = sorted((f["code"], f["path"].split("/")[1], f.get("cell"), f["line"], f["column"]) for f in run.findings)
    assert found == [
        ("MLR305", "Untitled1.ipynb", None, None, None),
        ("MLR305", "train-Copy2.ipynb", None, None, None),
        ("MLR306", "analysis.ipynb", 4, 3, 1),
        ("MLR307", "analysis.ipynb", 5, None, None),
        ("MLR308", "analysis.ipynb", 3, 1, 7),
        ("MLR309", "analysis.ipynb", 6, None, None),
    ]
    messages = {f["code"]: f["message"] for f in run.findings}
    assert messages["MLR306"].startswith("import of `numpy`, `sklearn` after the first code cell")
    assert messages["MLR308"].startswith("`df` is used here but first defined in cell 4 below")


def test_use_before_define_knows_ipython_and_stops_at_a_run_magic(repo):
    root = repo({"nb.ipynb": notebook(
        code("print(a)\ndisplay(a)\n"),  # `display` is IPython's, whatever a later cell imports
        code("%time z = sum([1, 2])\n"),  # the timed statement runs: it defines z
        code("print(z)\n"),
        code("%run setup.py\n"),  # may define anything: the check ends here
        code("print(b)\n"),
        code("from IPython.display import display\na = b = z = 1\n"),
    )})
    assert cells_of(lint_json(root, "--select", "notebook-use-before-define")) == [("MLR308", 1, 1, 7)]


def test_outputs_rule_honours_keep_output_and_equal_counts_are_in_order(repo):
    root = repo({
        "kept.ipynb": notebook(code("df.head()\n", 1, [stream("a\n")], keep_output=True), code("x = 1\n")),
        "all_kept.ipynb": notebook(code("df.head()\n", 1, [stream("a\n")]), keep_output=True),
        "mixed.ipynb": notebook(code("a = 1\n", 1, [stream("a\n")], keep_output=True),
                                code("b = 2\n", 2, [stream("b\n")])),
        "copied.ipynb": notebook(code("a = 1\n", 3), code("a = 1\n", 3), code("b = 2\n", 4)),
    })
    run = lint_json(root, "--select", "notebook-with-outputs,notebook-execution-order")
    found = {(f["code"], f["path"]): f["message"] for f in run.findings}
    assert set(found) == {("MLR303", "mixed.ipynb"), ("MLR303", "copied.ipynb")}
    assert found[("MLR303", "mixed.ipynb")].startswith("notebook with outputs in 1 of 2 code cells")


def test_outputs_rule_reads_keep_output_as_nbstripout_does_and_the_fix_leaves_nothing(repo):
    # nbstripout keeps a cell tagged `keep_output` or marked `init_cell`, and strips a cell that opts out of its
    # notebook's `keep_output`; the rule reports what nbstripout would strip, and `--fix` strips exactly that.
    output = [stream("a\n")]
    root = repo({
        "tagged.ipynb": notebook(code("df.head()\n", 1, output, tags=["keep_output"])),
        "init.ipynb": notebook(code("setup()\n", 1, output, init_cell=True)),
        "opted_out.ipynb": notebook(code("a = 1\n", 1, output), code("b = 2\n", 2, output, keep_output=False),
                                    keep_output=True),
    })
    run = lint_json(root, "--select", "notebook-with-outputs")
    assert [(f["path"], f["message"].split(" is ")[0]) for f in run.findings] == [
        ("opted_out.ipynb", "notebook with outputs in 1 of 2 code cells"),
    ]
    run_cli("--fix", "--no-cache", "-q", "--select", "notebook-with-outputs", cwd=root)
    assert lint_json(root, "--select", "notebook-with-outputs").findings == []


def test_a_notebook_is_parsed_once_and_cached_with_its_cells(repo):
    root = repo({"nb.ipynb": notebook(code("import os\n"), code("try:\n    pass\nexcept:\n    pass\n"))})
    first = cells_of(lint_json(root, "--select", "bare-except"))
    second = cells_of(lint_json(root, "--select", "bare-except"))  # from the cache
    assert first == second == [("MLR802", 2, 3, 1)]


def test_a_path_in_a_branch_switching_on_the_platform_is_not_hardcoded(repo):
    root = repo({"nb.ipynb": notebook(
        code("import os\nON_KAGGLE = os.path.exists('/kaggle/input')\n"),
        code("if ON_KAGGLE:\n    path = '/kaggle/input/titanic/train.csv'\nelse:\n    path = 'data/train.csv'\n"),
        code("other = '/kaggle/input/titanic/test.csv'\n"),
    )})
    assert cells_of(lint_json(root, "--select", "hardcoded-path")) == [("MLR901", 3, 1, 9)]
