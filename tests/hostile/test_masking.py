"""Secrets never leave masked: whatever message quotes them (ours or a wrapped tool's), in any format, in the cache,
and in pylint's crash reports."""

from __future__ import annotations

from attacks import GITHUB_TOKEN, GITLAB_TOKEN, build, environment, leaked, lint_everywhere, run

QUOTING = {
    # unpinned-requirement and missing-lock-file quote VCS URLs, with the token in the user part
    "requirements.txt": f"git+https://{GITHUB_TOKEN}@github.com/org/pkg.git\n"
                        f"pkg2 @ git+https://oauth2:{GITLAB_TOKEN}@gitlab.com/group/pkg2.git\n",
    # docker-unpinned-install quotes the package
    "Dockerfile": f"FROM python:3.12.1\nRUN pip install git+https://oauth2:{GITLAB_TOKEN}@gitlab.com/g/p.git\n",
    # flake8's F601 quotes the repeated key; hardcoded-path quotes the path
    "lib.py": f'"""Lib."""\nKEYS = {{"{GITHUB_TOKEN}": 1, "{GITHUB_TOKEN}": 2}}\n'
              f'DATA = "/home/alice/{GITLAB_TOKEN}/train.csv"\n',
    # pylint's R1714 quotes the literals it would merge
    "check.py": f'"""Check."""\n\n\ndef check(x):\n    """Check."""\n'
                f'    return x == "{GITHUB_TOKEN}" or x == "{GITLAB_TOKEN}"\n',
    # parse-error quotes the line
    "broken.py": f'TOKEN = f"{{{GITHUB_TOKEN}\n',
    # a YAML error quotes the alias
    "docker-compose.yml": f"services:\n  app:\n    image: *{GITHUB_TOKEN}\n",
    "pyproject.toml": f'[project]\nname = "p"\ndependencies = ["pkg @ git+https://{GITHUB_TOKEN}@github.com/o/p"]\n'
                      '[tool.mlrepolint]\nwrappers = ["flake8", "pylint"]\n',
}


def test_no_message_prints_a_secret(tmp_path):
    root = build(tmp_path / "repo", QUOTING)
    seen = lint_everywhere(root, tmp_path)
    assert "MLR402" in seen and "F601" in seen and "MLR901" in seen  # the messages are there, masked
    assert leaked(seen) == []
    warm = lint_everywhere(root, tmp_path)  # from the cache
    assert leaked(warm) == []
    ruff = lint_everywhere(root, tmp_path, "--pep8-backend", "ruff")
    assert leaked(ruff) == []


def test_usage_errors_do_not_print_a_secret(tmp_path):
    root = build(tmp_path / "repo", {"pyproject.toml": f'[tool.mlrepolint]\nselect = ["{GITHUB_TOKEN}"]\n'})
    result = run([], cwd=root, env=environment(tmp_path))
    assert result.code == 2 and result.err.startswith("mlrepolint: error: pyproject.toml: 'select'")
    assert leaked(result.err) == []


def test_pylint_crash_reports_do_not_copy_repository_source(tmp_path):
    plugin = (
        "from pylint.checkers import BaseChecker\n\n\nclass Boom(BaseChecker):\n    name = 'boom'\n"
        "    msgs = {'W9901': ('boom', 'boom', 'boom')}\n\n    def visit_module(self, node):\n"
        "        raise RuntimeError('boom')\n\n\ndef register(linter):\n    linter.register_checker(Boom(linter))\n"
    )
    root = build(tmp_path / "repo", {
        "boomplugin.py": plugin, "train.py": f'"""Train."""\nTOKEN = "{GITHUB_TOKEN}"\n',
        "pyproject.toml": '[tool.pylint.main]\ninit-hook = "import sys; sys.path.insert(0, \'.\')"\n'
                          'load-plugins = ["boomplugin"]\n',
    })
    env = environment(tmp_path)
    result = run(["--trust-repo-config", "--with", "pylint", "--format", "json"], cwd=root, env=env)
    assert result.code in (0, 1), result.err
    assert any("F0002" in w or "fatal" in w for w in result.json["warnings"])  # pylint crashed
    written = [p for p in tmp_path.rglob("pylint-crash-*")]
    assert written == [] and leaked(result.out + result.err) == []
