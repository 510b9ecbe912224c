"""Data and model artifacts in git: datasets, archives, large binaries, weights, checkpoints and run folders.

Decided by name first and size second; the only content ever read is the first bytes of a small candidate file,
to recognise a Git LFS pointer. Each file is reported by at most one rule: `.pkl` and `.h5` files are model
artifacts when their path says so (`model`, `weights`, `checkpoint`, a `models/` folder...), datasets otherwise.
"""

from __future__ import annotations

import re
from collections import defaultdict

from mlrepolint.api import Context, RepoChecker, RepoFile, RepoView, Rule, Severity
from mlrepolint.rules.repo.hygiene import (
    allowed, base_name, human_size, in_test_dir, is_lfs_pointer, presence, suffix_of, untrack_hint,
)

DATA_SUFFIXES = frozenset(
    ".csv .tsv .parquet .feather .arrow .h5 .hdf5 .npy .npz .pkl .pickle .xlsx .xls .avro .orc .jsonl .ndjson "
    ".tfrecord .sqlite .db .mat".split()
)
ARCHIVE_SUFFIXES = frozenset(".zip .tar .tar.gz .tgz .7z .rar .gz .bz2 .xz".split())
MODEL_SUFFIXES = frozenset(".pt .pth .ckpt .safetensors .onnx .pb .tflite .keras .joblib".split())
#: Either data or a model: the path decides (see MODEL_HINT).
AMBIGUOUS_SUFFIXES = frozenset(".h5 .hdf5 .pkl .pickle".split())
MODEL_HINT = re.compile(r"model|weight|checkpoint|ckpt|classifier|regressor|estimator|clf|pipeline", re.I)
#: Source, documentation and text configuration: never "large data", whatever their size.
TEXT_SUFFIXES = frozenset(
    ".py .pyi .pyx .pxd .ipynb .c .h .cc .cpp .hpp .cu .rs .go .java .scala .js .ts .jsx .tsx .r .jl .sh .bash "
    ".ps1 .sql .md .rst .txt .tex .html .css .svg .json .yaml .yml .toml .ini .cfg .conf .lock .xml .proto".split()
)
#: Folders written by experiment trackers, reported once per folder.
RUN_FOLDERS = {"mlruns": "MLflow run folder", "wandb": "Weights & Biases run folder"}

_SIZE_OPTIONS = {"max-fixture-size": 100_000, "allow": ()}


COMMITTED_DATASET = Rule(
    code="MLR301",
    name="committed-dataset",
    category="data-hygiene",
    severity=Severity.WARNING,
    summary="Dataset, archive or large binary file in git",
    description=(
        "Reports a committed data file (.csv .tsv .parquet .feather .arrow .h5 .hdf5 .npy .npz .pkl .pickle .xlsx "
        ".xls .avro .orc .jsonl .ndjson .tfrecord .sqlite .db .mat), an archive (.zip .tar .tar.gz .tgz .7z .rar "
        ".gz .bz2 .xz), and any other file larger than `max-file-size` bytes that is not source or text "
        "configuration. Inside git, committed means tracked (even if .gitignore now lists it); untracked files "
        "that are not ignored are reported as untracked, because the next `git add .` commits them; ignored "
        "files are never reported. Outside git, every file .gitignore does not ignore counts. Never reported: Git "
        "LFS pointer files, `.dvc` pointer files, files under a test or fixtures folder smaller than "
        "`max-fixture-size` bytes, and paths matching an `allow` glob. A `.pkl` or `.h5` whose path names a model "
        "(`model`, `weights`, `checkpoint`, `clf`...) is left to `committed-model-artifact`."
    ),
    rationale=(
        "Git keeps every version of every file forever: a 200 MB training set makes every clone, CI run and "
        "Docker build slower for good, diffs are meaningless, and the data (often personal or licensed) is "
        "published with the code. Data needs versioning of its own."
    ),
    fix=(
        "Remove the file from the index but keep it on disk with `git rm --cached <path>`, add the path or its "
        "folder to .gitignore, and version the data with DVC (`dvc add data/train.csv`) or Git LFS "
        "(`git lfs track \"*.csv\"`). To drop it from history too, use `git filter-repo`. Small test fixtures "
        "belong under `tests/`; list other known small files in `allow`."
    ),
    bad="$ git add data/train.csv  # 40 MB, now in every clone forever\n",
    good="$ echo 'data/' >> .gitignore\n$ dvc add data/train.csv  # or: git lfs track '*.csv'\n",
    options={"max-file-size": 1_000_000, **_SIZE_OPTIONS},
)

COMMITTED_MODEL_ARTIFACT = Rule(
    code="MLR302",
    name="committed-model-artifact",
    category="data-hygiene",
    severity=Severity.WARNING,
    summary="Model weights, checkpoint or experiment-run folder in git",
    description=(
        "Reports committed model weights and checkpoints (.pt .pth .ckpt .safetensors .onnx .pb .tflite .keras "
        ".joblib; .h5 .hdf5 .pkl .pickle whose path names a model; .bin next to a `config.json`), and MLflow "
        "`mlruns/` and Weights & Biases `wandb/` run folders (once per folder). Committed, untracked, Git LFS, "
        "DVC, fixture and `allow` handling are as for `committed-dataset`."
    ),
    rationale=(
        "Weights are large binary blobs that change with every training run: each one stays in the history "
        "forever, bloats clones, and ties the model to a commit rather than to a registry with its metrics and "
        "lineage. Pickled models also execute code when loaded."
    ),
    fix=(
        "`git rm --cached <path>`, add the file pattern (`*.pt`, `checkpoints/`, `mlruns/`, `wandb/`) to "
        ".gitignore, and publish weights through Git LFS, DVC, a model registry (MLflow, the Hugging Face Hub) "
        "or release assets."
    ),
    bad="$ git add checkpoints/epoch_10.ckpt mlruns/\n",
    good="$ printf 'checkpoints/\\nmlruns/\\n' >> .gitignore\n$ git lfs track '*.ckpt'\n",
    options=dict(_SIZE_OPTIONS),
)


def _run_folder(path: str) -> tuple[str, str] | None:
    """(folder path with a trailing slash, label) when the file sits inside an experiment-tracker run folder."""
    parts = path.split("/")
    for depth, part in enumerate(parts[:-1]):
        if part in RUN_FOLDERS:
            return "/".join(parts[: depth + 1]) + "/", RUN_FOLDERS[part]
    return None


class ArtifactChecker(RepoChecker):
    """Finds datasets and model artifacts that are (or are about to be) committed."""

    rules = (COMMITTED_DATASET, COMMITTED_MODEL_ARTIFACT)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Classify every listed file by name (and size when the name does not decide); report the artifacts."""
        data_opts, model_opts = ctx.options(COMMITTED_DATASET), ctx.options(COMMITTED_MODEL_ARTIFACT)
        folders_with_config = {
            f.path.rpartition("/")[0] for f in repo.files if base_name(f.path) == "config.json"
        }
        runs: dict[tuple[str, str], list[RepoFile]] = defaultdict(list)
        for file in repo.files:
            run = _run_folder(file.path)
            if run is not None:
                if not file.path.endswith(".py"):  # a package named `wandb/` is source, not a run
                    runs[run].append(file)
                continue
            if suffix_of(base_name(file.path)) == ".dvc":
                ctx.examine(COMMITTED_DATASET)  # data kept out of git by DVC: a unit that passes
                continue
            found = self._classify(repo, file, folders_with_config, data_opts["max-file-size"])
            if found is None:
                continue
            rule, what, detail = found
            ctx.examine(rule)  # the units are the data and model files (kept in git or not)
            options = model_opts if rule is COMMITTED_MODEL_ARTIFACT else data_opts
            size = repo.size(file.path)
            if size is None or not self._reportable(repo, file.path, size, options):
                continue
            ctx.report(
                rule, None, None,
                f"{what} ({detail}, {human_size(size)}) {presence(repo, file)}: {untrack_hint(repo, file)}, or "
                "store it with Git LFS (`git lfs track`) or DVC (`dvc add`)",
                path=file.path,
            )
        for (folder, label), files in sorted(runs.items()):
            ctx.examine(COMMITTED_MODEL_ARTIFACT)
            if allowed(model_opts["allow"], folder):
                continue
            size = sum(repo.size(f.path) or 0 for f in files)
            first = next((f for f in files if f.tracked), files[0])  # committed if any of it is
            ctx.report(
                COMMITTED_MODEL_ARTIFACT, None, None,
                f"{label} ({len(files)} file{'s' if len(files) != 1 else ''}, {human_size(size)}) "
                f"{presence(repo, first)}: "
                f"{untrack_hint(repo, first, folder)}; keep runs in a tracking server",
                path=folder,
            )

    @staticmethod
    def _classify(
        repo: RepoView, file: RepoFile, folders_with_config: set[str], max_size: int
    ) -> tuple[Rule, str, str] | None:
        """The rule a file falls under and what it is, by name first; size only for unknown kinds."""
        name = base_name(file.path)
        suffix = suffix_of(name)
        if suffix == ".dvc":
            return None
        if suffix in AMBIGUOUS_SUFFIXES:
            if MODEL_HINT.search(file.path):
                return COMMITTED_MODEL_ARTIFACT, "model file", suffix
            return COMMITTED_DATASET, "data file", suffix
        if suffix in MODEL_SUFFIXES:
            return COMMITTED_MODEL_ARTIFACT, "model file", suffix
        if suffix == ".bin" and file.path.rpartition("/")[0] in folders_with_config:
            return COMMITTED_MODEL_ARTIFACT, "model weights", ".bin next to config.json"
        if suffix in DATA_SUFFIXES:
            return COMMITTED_DATASET, "data file", suffix
        if suffix in ARCHIVE_SUFFIXES:
            return COMMITTED_DATASET, "archive", suffix
        if suffix in TEXT_SUFFIXES or (not suffix and name[:1].isupper()):  # Dockerfile, LICENSE, Makefile
            return None
        size = repo.size(file.path)
        if size is not None and size > max_size:
            return COMMITTED_DATASET, "large file", f"over max-file-size {human_size(max_size)}"
        return None

    @staticmethod
    def _reportable(repo: RepoView, path: str, size: int, options) -> bool:
        """False for allowed paths, small test fixtures and Git LFS pointers."""
        if allowed(options["allow"], path):
            return False
        if size < options["max-fixture-size"] and in_test_dir(path):
            return False
        return not is_lfs_pointer(repo, path, size)
