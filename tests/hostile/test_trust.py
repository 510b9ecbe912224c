"""Trust comes only from the person running mlrepolint: the repository's own config cannot switch on the tool
options that run code (pylint's init-hook and load-plugins, flake8's local plugins)."""

from __future__ import annotations

from pathlib import Path

from attacks import build, environment, run


def armed(tmp_path: Path, config_name: str = "pyproject.toml") -> tuple[Path, Path]:
    marker = tmp_path / "PWNED"
    hook = f"open({str(marker)!r}, 'w').close()"
    table = "[tool.mlrepolint]\n" if config_name == "pyproject.toml" else ""
    config = (
        f'{table}trust-repo-config = true\nwrappers = ["flake8", "pylint"]\n'
        + ("[tool.pylint.main]\n" if config_name == "pyproject.toml" else "")
        + (f'init-hook = "{hook}"\n' if config_name == "pyproject.toml" else "")
    )
    files = {
        config_name: config,
        "plugin_module.py": f"{hook}\n\n\nclass Checker:\n    def __init__(self, tree):\n        pass\n",
        "setup.cfg": "[flake8:local-plugins]\nextension =\n    X = plugin_module:Checker\npaths = .\n",
        ".pylintrc": f"[MAIN]\ninit-hook={hook}\nload-plugins=plugin_module\n",
        "train.py": '"""Train."""\n',
    }
    return build(tmp_path / "repo", files), marker


def test_the_repository_cannot_trust_itself(tmp_path):
    for name in ("pyproject.toml", "mlrepolint.toml"):
        root, marker = armed(tmp_path / name, name)
        result = run(["--format", "json", "--no-cache"], cwd=root, env=environment(tmp_path))
        assert result.code in (0, 1), result.err
        assert not marker.exists()
        warnings = result.json["warnings"]
        assert f"{name}: 'trust-repo-config' ignored: the linted repository cannot trust itself; pass " \
               "--trust-repo-config, or set it in a file given with --config" in warnings
        assert any("ignored, because it would run code from the repository" in w for w in warnings)


def test_only_the_flag_or_a_named_config_file_trusts_the_repository(tmp_path):
    root, marker = armed(tmp_path)
    own = tmp_path / "mine.toml"
    own.write_text('trust-repo-config = true\nwrappers = ["flake8", "pylint"]\n')
    run(["--no-cache", "--config", str(own)], cwd=root, env=environment(tmp_path))
    assert marker.exists()  # what the user asked for, knowing what it opens
    marker.unlink()
    run(["--no-cache", "--trust-repo-config", "--with", "pylint"], cwd=root, env=environment(tmp_path))
    assert marker.exists()
