"""Declaration files built to crash or stall the readers (found by fuzzing): each is a finding, in bounded time,
through the real executable, with no traceback."""

from __future__ import annotations

import time

from conftest import make_git_repo, run_cli, write_files

#: Seconds a run on one of these small repositories may take, interpreter start-up included; the bombs took
#: minutes, or hours, before.
BOUND = 20.0


def lint(root, *select: str):
    started = time.monotonic()
    run = run_cli("--format", "json", "--no-cache", "--select", ",".join(select), str(root))
    elapsed = time.monotonic() - started
    assert "Traceback" not in run.err, run.err
    assert run.code in (0, 1), run.err
    assert elapsed < BOUND, f"{elapsed:.1f} s"
    return [(f["code"], f["path"], f["line"], f["message"]) for f in run.findings]


def test_requirement_urls_whose_host_does_not_parse(tmp_path):
    lines = [
        "-e git+https://78.git@0123456789abcdef0123456789abcdef01]]234567#egg=r",
        "git+https://gith" + "[" * 40,
        "features @ git+https://gith[[[.com/org/features.git",
        "pandas==2.2.2",
    ]
    root = make_git_repo(tmp_path / "repo", {"requirements.txt": "\n".join(lines) + "\n"})
    assert lint(root, "MLR001", "MLR501") == [
        ("MLR001", "requirements.txt", 1, f"invalid requirement `{lines[0][3:]}`: Invalid IPv6 URL"),
        ("MLR001", "requirements.txt", 2, f"invalid requirement `{lines[1]}`: Invalid IPv6 URL"),
        ("MLR001", "requirements.txt", 3, f"invalid requirement `{lines[2]}`: Invalid IPv6 URL"),
    ]


def test_an_exec_form_nested_thousands_deep(tmp_path):
    dockerfile = 'FROM python:3.12\nRUN ["pip", "install", ' + "[" * 5000 + "]" * 5000 + "]\nRUN pip install torch\n"
    root = make_git_repo(tmp_path / "repo", {"Dockerfile": dockerfile})
    assert lint(root, "MLR001", "MLR6") == [
        ("MLR001", "Dockerfile", 2, "unreadable `RUN`: exec-form arguments nest JSON arrays more than 32 deep"),
        ("MLR602", "Dockerfile", 3, "`pip install torch` is not pinned: no version given"),
    ]


def _arg_chain(count: int) -> str:
    lines = ["ARG A0=abcdefghij"] + [f"ARG A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, count)]
    return "\n".join(lines) + f"\nFROM python:${{A{count - 1}}}\n"


def test_args_that_expand_each_other_ten_lines(tmp_path):
    root = make_git_repo(tmp_path / "repo", {"Dockerfile": _arg_chain(10)})
    assert lint(root, "MLR001", "MLR6") == [
        ("MLR001", "Dockerfile", 10, "`ARG A9` expands to more than 4,096 characters: its value is not used"),
        ("MLR601", "Dockerfile", 11,
         "FROM image `python:${A9}` depends on `A9`, which has no default: its tag cannot be checked"),
    ]


def test_args_that_expand_each_other_forty_lines(tmp_path):
    root = make_git_repo(tmp_path / "repo", {"Dockerfile": _arg_chain(40)})
    found = lint(root, "MLR001", "MLR6")
    assert found[0] == (
        "MLR001", "Dockerfile", 10, "`ARG A9` expands to more than 4,096 characters: its value is not used"
    )
    assert [(code, line) for code, _, line, _ in found] == [("MLR001", 10), ("MLR601", 41)]


def test_a_chain_of_three_thousand_includes(tmp_path):
    count = 3000
    files = {
        f"requirements-{i}.txt": (f"-r requirements-{i + 1}.txt\n" if i + 1 < count else "") + f"pkg{i}==1.0\n"
        for i in range(count)
    }
    files["requirements-2999.txt"] = "pkg2999>=1\n"
    root = tmp_path / "repo"  # a plain folder: `git add` of 3,000 files would be most of the test's time
    write_files(root, files)
    assert lint(root, "MLR001", "MLR501") == [
        ("MLR501", "requirements-2999.txt", 1, "`pkg2999>=1` is not pinned: `>=1` allows more than one version"),
    ]
