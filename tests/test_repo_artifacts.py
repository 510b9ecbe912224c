"""committed-dataset (MLR301) and committed-model-artifact (MLR302) on real git repositories."""

from __future__ import annotations

import pytest
from conftest import git, make_git_repo, run_cli, write_files

LFS_POINTER = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    "size 438291023\n"
)
MB = 1_000_000

COMMITTED = {
    "train.py": '"""Train."""\n',
    ".gitignore": "data/ignored.csv\ndata/raw.parquet\n",
    "data/train.csv": "a,b\n1,2\n",
    "data/archive.tar.gz": b"\x1f\x8b" + b"\0" * 100,
    "data/blob.bin": b"\0" * (MB + 1),
    "features.pkl": b"\x80\x04.",
    "models/model.pt": b"\0" * 2048,
    "artifacts/clf.pkl": b"\x80\x04.",
    "checkpoints/best.h5": b"\x89HDF",
    "data/measurements.h5": b"\x89HDF",
    "hf/config.json": "{}",
    "hf/pytorch_model.bin": b"\0" * 10,
    "other/tokens.bin": b"\0" * 10,
    "lfs/weights.safetensors": LFS_POINTER,
    "lfs/big.csv": LFS_POINTER,
    "data/train.csv.dvc": "outs:\n- md5: 1\n  path: train.csv\n",
    "tests/fixtures/tiny.csv": "a\n1\n",
    "tests/fixtures/tiny.pt": b"\0" * 100,
    "tests/data/big.csv": "x\n" * 60_000,
    "samples/iris.csv": "a\n",
    "docs/manual.md": "text\n" * 300_000,
    "LICENSE": "MIT\n" * 400_000,
    "mlruns/0/meta.yaml": "name: x\n",
    "mlruns/0/abc/metrics/loss": "1 0.5 0\n",
    "src/wandb/__init__.py": '"""A package named wandb is source."""\n',
    "wandb/run-20240101_000000-abc/files/config.yaml": "lr: 1\n",
    "mlrepolint.toml": '[rules.committed-dataset]\nallow = ["samples/*.csv"]\n',
}


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    root = make_git_repo(tmp_path_factory.mktemp("artifacts") / "repo", COMMITTED)
    write_files(root, {"data/raw.parquet": b"PAR1", "data/ignored.csv": "a\n", "data/new.npy": b"\x93NUMPY"})
    git(root, "add", "-f", "data/raw.parquet")  # ignored, but committed anyway: still reported
    git(root, "commit", "-q", "-m", "force-add")
    return root, run_cli("--format", "json", str(root))


def _by_path(run, code):
    return {f["path"]: f for f in run.findings if f["code"] == code}


@pytest.mark.parametrize(
    "path, what",
    [
        ("data/train.csv", "data file (.csv, 8 B) is committed: `git rm --cached -- data/train.csv` (it stays on disk) "
                           "and add `/data/train.csv` to .gitignore, or store it with Git LFS (`git lfs track -- "
                           "data/train.csv`) or DVC (`dvc add data/train.csv`)"),
        ("data/raw.parquet", "data file (.parquet, 4 B) is committed"),
        ("data/archive.tar.gz", "archive (.tar.gz, 102 B) is committed"),
        ("data/blob.bin", "large file (over max-file-size 1.0 MB, 1.0 MB) is committed"),
        ("features.pkl", "data file (.pkl, 3 B)"),
        ("data/measurements.h5", "data file (.h5, 4 B)"),
        ("tests/data/big.csv", "data file (.csv, 120.0 KB)"),
        ("data/new.npy",
         "is untracked and not ignored (the next `git add .` commits it): add `/data/new.npy` to .gitignore"),
    ],
)
def test_committed_dataset_reports(committed, path, what):
    _, run = committed
    finding = _by_path(run, "MLR301")[path]
    assert what in finding["message"]
    assert finding["line"] is None and finding["severity"] == "warning"
    assert "Git LFS" in finding["message"] and "DVC" in finding["message"]


@pytest.mark.parametrize(
    "path, what",
    [
        ("models/model.pt", "model file (.pt, 2.0 KB) is committed"),
        ("artifacts/clf.pkl", "model file (.pkl, 3 B)"),
        ("checkpoints/best.h5", "model file (.h5, 4 B)"),
        ("hf/pytorch_model.bin", "model weights (.bin next to config.json, 10 B)"),
        ("mlruns/", "MLflow run folder (2 files, 16 B) is committed: `git rm -r --cached -- mlruns/` (it stays on "
                    "disk) and add `/mlruns/` to .gitignore"),
        ("wandb/", "Weights & Biases run folder (1 file, 6 B) is committed"),
    ],
)
def test_committed_model_artifact_reports(committed, path, what):
    _, run = committed
    assert what in _by_path(run, "MLR302")[path]["message"]


@pytest.mark.parametrize(
    "path",
    [
        "data/ignored.csv",  # ignored and untracked
        "lfs/weights.safetensors", "lfs/big.csv",  # Git LFS pointers are the fix
        "data/train.csv.dvc",  # a DVC pointer
        "tests/fixtures/tiny.csv", "tests/fixtures/tiny.pt",  # small test fixtures
        "samples/iris.csv",  # allowed in config
        "docs/manual.md", "LICENSE",  # large, but text
        "other/tokens.bin",  # small .bin without a config.json beside it
        "hf/config.json", "mlruns/0/meta.yaml", "src/wandb/__init__.py", "src/wandb/",
    ],
)
def test_not_reported(committed, path):
    _, run = committed
    assert path not in [f["path"] for f in run.findings if f["code"] in ("MLR301", "MLR302")]


def test_one_rule_per_file_and_exit_code(committed):
    _, run = committed
    paths = [f["path"] for f in run.findings if f["code"] in ("MLR301", "MLR302")]
    assert len(paths) == len(set(paths))
    assert run.code == 0  # warnings only
    assert run.err == ""


def test_options_change_the_thresholds(repo):
    root = repo(
        {
            "weights.dat": b"\0" * 2_000,
            "tests/big_fixture.npy": b"\0" * 2_000,
            "pyproject.toml": (
                "[tool.mlrepolint.rules.committed-dataset]\nmax-file-size = 1000\nmax-fixture-size = 5000\n"
            ),
        }
    )
    run = run_cli("--format", "json", str(root))
    assert run.locations("MLR301") == [("MLR301", "weights.dat", None)]


def test_option_of_the_wrong_type_is_a_config_error(repo):
    root = repo({"pyproject.toml": '[tool.mlrepolint.rules.committed-dataset]\nmax-file-size = "1MB"\n'})
    run = run_cli(str(root))
    assert run.code == 2
    assert run.err.startswith("mlrepolint: error: ") and run.err.count("\n") == 1
    assert "max-file-size" in run.err


def test_outside_git_gitignore_decides(repo):
    root = repo(
        {".gitignore": "data/\n", "data/train.csv": "a\n", "results.csv": "a\n", "model.onnx": b"\0"},
        git_init=False,
    )
    run = run_cli("--format", "json", str(root))
    found = {f["path"]: f["message"] for f in run.findings if f["code"] in ("MLR301", "MLR302")}
    assert sorted(found) == ["model.onnx", "results.csv"]
    assert "is not ignored by .gitignore: add `/results.csv` to .gitignore" in found["results.csv"]


def test_text_output_names_path_without_line(committed):
    root, _ = committed
    run = run_cli("--select", "committed-model-artifact", str(root))
    assert "models/model.pt: MLR302 model file (.pt, 2.0 KB) is committed" in run.out


def test_model_allow_globs_cover_files_and_run_folders(repo):
    root = repo(
        {
            "mlruns/0/meta.yaml": "name: x\n",
            "demo/tiny.onnx": b"\0",
            "models/real.onnx": b"\0",
            "mlrepolint.toml": '[rules.committed-model-artifact]\nallow = ["mlruns/", "demo/*.onnx"]\n',
        }
    )
    run = run_cli("--format", "json", str(root))
    assert run.locations("MLR302") == [("MLR302", "models/real.onnx", None)]
