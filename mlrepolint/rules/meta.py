"""Rules the engine itself reports: files it cannot parse, suppressions that suppress nothing, and what the test
reports the user names (`--junit`, `--coverage`) say."""

from mlrepolint.rules.base import Rule, Severity

PARSE_ERROR = Rule(
    code="MLR001",
    name="parse-error",
    category="code-quality",
    severity=Severity.ERROR,
    summary="A file could not be decoded or parsed",
    description=(
        "Reports a file that mlrepolint could not decode (PEP 263 coding lines are honoured) or parse, with the "
        "parser's message and line: a Python file or notebook, a Python file larger than `max-python-file-size` "
        "(not parsed), a requirements, Dockerfile, YAML or TOML declaration, a `pyproject.toml` or "
        "`mlrepolint.toml` that is not valid TOML (the run then goes on with the default settings), a `.gitignore` "
        "line too long to be a pattern. Files of a project template (a cookiecutter or copier template folder, "
        "or Jinja syntax: `mlrepolint explain` names them) are not parsed: they are Python or TOML only once "
        "rendered. The file's other rules cannot run; the rest of the repository is still linted."
    ),
    rationale=(
        "A module that does not parse cannot be imported, tested or reviewed by tools; in an ML repository it is "
        "often a notebook export or a half-resolved merge that silently breaks a training pipeline."
    ),
    fix="Fix the syntax error or the file's encoding at the reported line.",
    bad="def train(:\n    pass\n",
    good="def train():\n    pass\n",
)

UNUSED_SUPPRESSION = Rule(
    code="MLR002",
    name="unused-suppression",
    category="code-quality",
    severity=Severity.INFO,
    summary="A `# noqa` or `# mlrepolint: disable=` comment suppresses nothing",
    description=(
        "Reports a `# noqa: MLR...` comment, or a file-level `# mlrepolint: disable=...` comment, naming an "
        "enabled mlrepolint rule that reported nothing there. Off by default, like ruff's RUF100."
    ),
    rationale="Stale suppressions hide the next real problem on that line and make the code harder to read.",
    fix="Delete the code from the comment, or the whole comment when nothing is left.",
    bad="def main():  # noqa: MLR103\n    \"\"\"Train the model.\"\"\"\n",
    good="def main():\n    \"\"\"Train the model.\"\"\"\n",
    default_enabled=False,
)

FAILING_TESTS = Rule(
    code="MLR705",
    name="failing-tests",
    category="testing",
    severity=Severity.ERROR,
    summary="Tests failed in the JUnit report given with `--junit`",
    description=(
        "Only with `--junit FILE` (a JUnit XML report, as `pytest --junitxml=FILE` writes): reports each test "
        "case that failed or raised, on the test's file when its class name (`tests.test_train.TestFit`) maps "
        "to one in the repository, else on the report. Skipped cases are left out. The rubric counts one unit "
        "per test case run, so 3 failures in 120 tests score 0.95 before the error's weight; a report with no "
        "test case is one failed unit. At most 100 failures are listed, the last one standing for the rest."
    ),
    rationale=(
        "A test suite that fails is a suite nobody reads: a red test next to the training code hides the next "
        "regression in the features or the metrics."
    ),
    fix="Fix the code or the test, or mark a test that cannot run here as skipped with its reason.",
    bad='<testsuite tests="2"><testcase classname="tests.test_train" name="test_fit">\n'
        '  <failure message="assert 0.5 > 0.8"/></testcase>\n<testcase classname="tests.test_train" '
        'name="test_predict"/></testsuite>\n',
    good='<testsuite tests="2"><testcase classname="tests.test_train" name="test_fit"/>\n'
         '<testcase classname="tests.test_train" name="test_predict"/></testsuite>\n',
)

LOW_COVERAGE = Rule(
    code="MLR706",
    name="low-coverage",
    category="testing",
    severity=Severity.WARNING,
    summary="Line coverage in the report given with `--coverage` is below the target",
    description=(
        "Only with `--coverage FILE` (a Cobertura XML report, as `coverage xml` or `pytest --cov "
        "--cov-report=xml` writes): reports line coverage below `target` percent (default 80), from the "
        "report's `lines-covered` and `lines-valid` (or its `<line hits=...>` elements). The rubric examines "
        "the lines the target asks for and fails those not covered: 60% covered at a target of 80 scores 0.75."
    ),
    rationale=(
        "Code the tests never run is code whose bugs reach the trained model: the data loading and feature "
        "code that no test executes is where silent leakage and shape bugs live."
    ),
    fix="Add tests for the modules with the lowest coverage (`coverage report --sort=cover`), or lower `target` "
        "to what the project commits to.",
    bad='<coverage line-rate="0.42" lines-valid="1000" lines-covered="420" version="7.5"/>\n',
    good='<coverage line-rate="0.86" lines-valid="1000" lines-covered="860" version="7.5"/>\n',
    options={"target": 80.0},
)

TEST_REPORT_RULES = (FAILING_TESTS, LOW_COVERAGE)

SECRET_IN_HISTORY = Rule(
    code="MLR409",
    name="secret-in-history",
    category="security",
    severity=Severity.ERROR,
    summary="A secret in git history that is no longer in the tree",
    description=(
        "With `--history` (or `history = true`): reports a secret the `hardcoded-secret` detectors find in any "
        "blob reachable from any ref (every branch, tag and remote branch), and PKCS#12 key stores by name, when "
        "the current version of the file no longer holds it (a secret still in the tree is `hardcoded-secret`'s). "
        "Each secret is reported once, at the first path and commit that added it, with its line there; the "
        "finding's `commit` field names that commit. Files are picked as `hardcoded-secret` picks them (its "
        "`max-file-size` included); binary blobs are not scanned. Each blob is read once, and only the lines it "
        "adds to the blob before it at the same path are scanned. With `--diff BASE`, only the commits of "
        "`BASE..HEAD` are walked. Lines carrying `# mlrepolint: allow-secret` are left out, as in the tree."
    ),
    rationale=(
        "Deleting a committed key does not remove it: every clone and fork keeps the old commits, and scanners "
        "read history as readily as the tree. A key that was ever pushed must be treated as leaked."
    ),
    fix=(
        "Rotate the secret now (revoke it at the provider and issue a new one): rewriting history does not "
        "un-leak it, since clones, forks and caches already hold it. Then, if you want it gone from the "
        "repository too, rewrite history with `git filter-repo --replace-text` and force-push."
    ),
    bad='$ git commit -m "add config" config.py   # WANDB_API_KEY = "..."\n$ git rm config.py && git commit -m oops\n',
    good=(
        '$ # rotate the key at the provider, then read it from the environment:\n'
        'WANDB_API_KEY = os.environ["WANDB_API_KEY"]\n'
    ),
)

LARGE_FILE_IN_HISTORY = Rule(
    code="MLR320",
    name="large-file-in-history",
    category="data-hygiene",
    severity=Severity.WARNING,
    summary="A dataset, model or large file in git history that is no longer in the tree",
    description=(
        "With `--history` (or `history = true`): reports, once per path, a blob of the history that "
        "`committed-dataset` or `committed-model-artifact` would report (a dataset, archive or model file by name "
        "or by its first bytes, or a file larger than `committed-dataset`'s `max-file-size`) and that the current "
        "tree (HEAD) no longer holds, with its size and the first commit that added it (the finding's `commit` "
        "field). A blob under `min-size` bytes (250 KB) is left out whatever it is: a few KB of CSV in history "
        "does not slow a clone, and rewriting history for it is not worth breaking every clone and fork. Git LFS "
        "pointers, paths matching those rules' `allow` globs and test fixtures under their `max-fixture-size` "
        "are left out. A path whose current version is itself an artifact is left to those "
        "rules. With `--diff BASE`, only the commits of `BASE..HEAD` are walked."
    ),
    rationale=(
        "A file deleted from the tree stays in every clone: a 500 MB dataset committed once and removed makes "
        "every `git clone`, CI checkout and fork download it forever."
    ),
    fix=(
        "Rewrite history without the file: `git filter-repo --invert-paths --path <path>`, force-push, and have "
        "collaborators re-clone. Keep data out of git from then on (DVC, Git LFS, a data registry)."
    ),
    bad=(
        "$ git add data/train.parquet && git commit -m data\n"
        "$ git rm data/train.parquet && git commit -m 'drop data'\n"
    ),
    good="$ git filter-repo --invert-paths --path data/train.parquet\n$ dvc add data/train.parquet\n",
    options={"min-size": 250_000},
)

HISTORY_RULES = (SECRET_IN_HISTORY, LARGE_FILE_IN_HISTORY)

ENGINE_RULES = (PARSE_ERROR, UNUSED_SUPPRESSION, *TEST_REPORT_RULES, *HISTORY_RULES)
