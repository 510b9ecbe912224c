"""Data and model artifacts in git: datasets, archives, large binaries, weights, checkpoints and run folders.

Decided by name, by content and by size, and by what the project model says a file is for: a docs asset (under
docs/, or linked from Markdown), a published result table, a template or an untracked DVC output is never an
artifact. The only content ever read is the first bytes of a file: a Git LFS pointer's first line, or the magic
bytes of a pickle, a torch zip, safetensors, HDF5, parquet, NumPy or SQLite file whose name does not say what it
is (`model.bin`, `dv.bin`). Each file is reported by at most one rule: `.pkl` and `.h5` files are model
artifacts when their path says so (`model`, `weights`, `checkpoint`, a `models/` folder...), datasets otherwise.
"""

from __future__ import annotations

import re
import shlex
import struct
from collections import defaultdict

from mlrepolint.api import (
    DOCS_ASSET, DVC_MANAGED, RESULT_TABLE, TEMPLATE, Context, Project, RepoChecker, RepoFile, RepoView, Rule,
    Severity, lazy,
)
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
#: Text files that can hold data: large ones are data (a large `.py` or `.md` never is).
TEXT_DATA_SUFFIXES = frozenset(".txt .json .xml .log .yaml .yml .dat".split())
#: Large text files that belong to a model (a tokenizer's vocabulary).
TOKENIZER_HINT = lazy(r"vocab|merges|tokenizer|spiece|sentencepiece|bpe", re.I)
#: Names of data rather than models, for a pickle whose suffix says nothing.
DATA_HINT = lazy(r"data|dataset|frame|table|features|train|test|valid|sample|records|embeddings?", re.I)
#: Files whose suffix decides that they are not data (images, media, fonts, documents...): never sniffed.
MEDIA_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .bmp .ico .webp .tif .tiff .mp4 .mov .avi .webm .mp3 .wav .ogg .flac .pdf .ttf .otf "
    ".woff .woff2 .eot .psd .ai .drawio .pptx .docx .key".split()
)
#: How many first bytes are read to recognise a file by content.
MAGIC_BYTES = 64
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
        ".xls .avro .orc .jsonl .ndjson .tfrecord .sqlite .db .mat, or a parquet, NumPy, Arrow or SQLite file by "
        "its first bytes whatever its name), an archive (.zip .tar .tar.gz .tgz .7z .rar .gz .bz2 .xz), a text "
        "file that can hold data (.txt .json .xml .log .yaml .dat) larger than `max-file-size` bytes, and any "
        "other file larger than that which is not source, documentation or text configuration. Not data, "
        "whatever their name (see `mlrepolint explain`): published result tables (a table under a results or "
        "benchmark path, linked from Markdown or beside tables its folder's Markdown links), docs assets "
        "(under docs/, or linked from Markdown), templates, and DVC outputs git does not track. Inside git, "
        "committed means tracked (even if .gitignore now lists it); untracked files "
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
        ".joblib; .h5 .hdf5 .pkl .pickle whose path names a model; .bin next to a `config.json`; a pickle, torch "
        "zip, safetensors, HDF5, GGUF or TFLite file recognised by its first bytes whatever its name, such as a "
        "pickled `model.bin` or `dv.bin`; a tokenizer vocabulary larger than `max-file-size` of "
        "`committed-dataset`), and MLflow `mlruns/` and Weights & Biases `wandb/` run folders (once per folder). "
        "Committed, untracked, Git LFS, DVC, docs, template, fixture and `allow` handling are as for "
        "`committed-dataset`, except that `max-fixture-size` is 1 MB here: a model a test serves is rarely tiny."
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
    options={**_SIZE_OPTIONS, "max-fixture-size": 1_000_000},  # a model a test serves is rarely tiny
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
            if self._not_artifact(ctx.project, file):
                continue
            found = classify(repo, ctx.project, file, folders_with_config, data_opts["max-file-size"])
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
                f"store it with Git LFS (`git lfs track -- {shlex.quote(file.path)}`) or DVC (`dvc add "
                f"{shlex.quote(file.path)}`)",
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
    def _not_artifact(project: Project, file: RepoFile) -> bool:
        """What the project model says is not an artifact: docs assets, result tables, templates, and DVC
        outputs git does not track (DVC keeps them out of git itself)."""
        kind = project.kind_of(file.path)
        return kind in (DOCS_ASSET, RESULT_TABLE, TEMPLATE) or (kind == DVC_MANAGED and not file.tracked)

    @staticmethod
    def _reportable(repo: RepoView, path: str, size: int, options) -> bool:
        """False for allowed paths, small test fixtures and Git LFS pointers."""
        if allowed(options["allow"], path):
            return False
        if size < options["max-fixture-size"] and in_test_dir(path):
            return False
        return not is_lfs_pointer(repo, path, size)


def classify(
    repo: RepoView, project: Project, file: RepoFile, folders_with_config: set[str] | frozenset[str], max_size: int
) -> tuple[Rule, str, str] | None:
    """The rule a file falls under and what it is: by name, by its first bytes when the name does not say,
    and by size for files of unknown kinds."""
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
    if suffix in TEXT_DATA_SUFFIXES and not name.lower().endswith("lock.json"):
        if project.package_of(file.path) is not None:  # a package's own lookup tables, read at run time
            return None
        size = repo.size(file.path)
        if size is not None and size > max_size:
            if TOKENIZER_HINT.search(name):
                return COMMITTED_MODEL_ARTIFACT, "tokenizer file", f"{suffix}, over max-file-size"
            return COMMITTED_DATASET, "large text file", f"{suffix}, over max-file-size {human_size(max_size)}"
        return None
    if suffix in TEXT_SUFFIXES or (not suffix and name[:1].isupper()):  # Dockerfile, LICENSE, Makefile
        return None
    if suffix not in MEDIA_SUFFIXES:
        found = _by_content(repo, file.path, name)
        if found is not None:
            return found
    size = repo.size(file.path)
    if size is not None and size > max_size:
        return COMMITTED_DATASET, "large file", f"over max-file-size {human_size(max_size)}"
    return None


def is_data_file(repo: RepoView, project: Project, file: RepoFile, max_size: int) -> bool:
    """Whether `committed-dataset` would call the file data (before its `allow`, fixture and LFS exceptions), and
    the project model does not say it is something else; test fixtures are not data here."""
    if ArtifactChecker._not_artifact(project, file) or in_test_dir(file.path):
        return False
    found = classify(repo, project, file, frozenset(), max_size)
    if found is None or found[0] is not COMMITTED_DATASET:
        return False
    return not is_lfs_pointer(repo, file.path, repo.size(file.path))


def _by_content(repo: RepoView, path: str, name: str) -> tuple[Rule, str, str] | None:
    """The rule and description of a file recognised by its first bytes (a size-limited read), or None."""
    size = repo.size(path)
    if size is None or size < 8:
        return None
    head = repo.read_bytes(path, limit=MAGIC_BYTES) or b""
    what = _magic(head)
    if what is None:
        return None
    kind, label = what
    suffix = suffix_of(name) or "no suffix"
    if kind == "pickle":
        if DATA_HINT.search(name) and not MODEL_HINT.search(name):
            return COMMITTED_DATASET, "pickled data", f"a pickle, named {suffix}"
        return COMMITTED_MODEL_ARTIFACT, "pickled model", f"a pickle, named {suffix}"
    if label == "HDF5" and MODEL_HINT.search(name):  # Keras weights are HDF5 too
        kind = "model"
    rule = COMMITTED_MODEL_ARTIFACT if kind == "model" else COMMITTED_DATASET
    return rule, "model file" if kind == "model" else "data file", f"{label}, named {suffix}"


def _magic(head: bytes) -> tuple[str, str] | None:
    """("pickle" | "model" | "data", what the bytes say) for a recognised format, else None."""
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return "pickle", "a pickle"
    if head.startswith(b"PK\x03\x04") and len(head) >= 30:
        length = struct.unpack("<H", head[26:28])[0]
        first = head[30:30 + length]
        if first.endswith((b"data.pkl", b"/version", b"/byteorder", b".data/version")) or first.startswith(b"archive/"):
            return "model", "a torch zip"
        return None
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        return "data", "HDF5"
    if head.startswith(b"PAR1"):
        return "data", "parquet"
    if head.startswith(b"\x93NUMPY"):
        return "data", "a NumPy array"
    if head.startswith(b"ARROW1"):
        return "data", "Arrow"
    if head.startswith(b"SQLite format 3\x00"):
        return "data", "SQLite"
    if head.startswith(b"GGUF"):
        return "model", "GGUF"
    if head[4:8] == b"TFL3":
        return "model", "TFLite"
    if len(head) >= 10:
        header = struct.unpack("<Q", head[:8])[0]
        if 2 <= header < 100_000_000 and head[8:10] in (b'{"', b"{'"):
            return "model", "safetensors"
    return None
