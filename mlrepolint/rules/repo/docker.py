"""Containers: images that float (`latest`, no tag), and `pip install` without pins in Dockerfiles."""

from __future__ import annotations

from typing import Mapping

from mlrepolint.api import Context, PARSE_ERROR, RepoChecker, RepoView, Rule, Severity
from mlrepolint.rules.repo.compose import pulled_images
from mlrepolint.rules.repo.dockerfile import (
    MAX_EXPANSION, Instruction, arg_declarations, flags_and_words, parse_dockerfile, substitute,
)
from mlrepolint.rules.repo.filenames import DOCKERFILES
from mlrepolint.rules.repo.images import floating, tag_is_literal
from mlrepolint.rules.repo.pins import IGNORED_PACKAGES, canonical
from mlrepolint.rules.repo.pipinstall import NestingError, pip_install_arguments, requested, shell_commands
from mlrepolint.rules.repo.textfiles import read_declaration

COMPOSE_FILES = ("docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml")
DOCKER_LATEST_TAG = Rule(
    code="MLR601",
    name="docker-latest-tag",
    category="containers",
    severity=Severity.ERROR,
    summary="Container image with the `latest` tag or no tag",
    description=(
        "Reports an image in `FROM` (and `COPY --from=<image>`) in `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, "
        "`Containerfile`, and in `image:` of `docker-compose*.yml` / `compose*.yaml` services, when its tag is "
        "one of `floating-tags` (`latest` by default; add `lts`, `stable`, `edge`, `nightly`...) or it has no "
        "tag and no digest (implicitly `latest`). A registry port is not a tag (`registry.local:5000/team/img` "
        "has none). The finding is on the `FROM` or `image:` line.\n\n"
        "Not reported: `scratch`; an earlier build stage (`FROM builder`, `COPY --from=builder`, "
        "`--from=0`; stage names are case-insensitive); a digest (`img@sha256:...`, also "
        "`img:latest@sha256:...`); any other tag; a compose service that builds its image (`build:`); an "
        "image the repository builds itself: one named without a registry or namespace after one of the "
        "repository's own top-level packages, in a repository with more than one Dockerfile: taken to be the "
        "image another of them builds, since what a Dockerfile is tagged as is not written in it (skorch's "
        "`examples/translation/Dockerfile` starts `FROM skorch:latest`, the image of its root `Dockerfile`). "
        "`--platform=...` is skipped, keywords are case-insensitive, and continuations and comments are "
        "handled. An image from an `ARG` is checked through the `ARG`'s default (`ARG BASE=python:3.12-slim` / "
        "`FROM ${BASE}` is fine; a default that is untagged or `latest` is reported); an `ARG` with no default "
        "cannot be checked and is reported at `info` severity, as is a compose `${VARIABLE}` without a default, "
        "unless only the registry or name is variable and the tag or digest is written out "
        "(`${REGISTRY}/app:1.4.2` is fine, `${REGISTRY}/app` is untagged)."
    ),
    rationale=(
        "`latest` is whatever was pushed last: the same Dockerfile builds a different CUDA, Python or PyTorch "
        "next week, so a training image cannot be rebuilt to reproduce a model, and a serving image can change "
        "under a deployment that did not."
    ),
    fix=(
        "Name an exact tag (`python:3.12.4-slim`, `pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime`), or better a "
        "digest (`python:3.12.4-slim@sha256:...`) that a bot such as Renovate or Dependabot keeps current."
    ),
    bad="FROM python:latest\nFROM nvidia/cuda\n",
    good="FROM python:3.12.4-slim\nFROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n",
    options={"floating-tags": ("latest",)},
)

DOCKER_UNPINNED_INSTALL = Rule(
    code="MLR602",
    name="docker-unpinned-install",
    category="containers",
    severity=Severity.WARNING,
    summary="`pip install` of a package without an exact version in a Dockerfile",
    description=(
        "Reports a package named on a `pip install`, `pip3 install`, `python -m pip install` or `uv pip "
        "install` command in a Dockerfile `RUN` instruction (shell or exec form, `&&` chains, heredocs, and "
        "`ONBUILD RUN`, which runs in every image built from this one) "
        "without an exact pin, by the same rules as `unpinned-requirement` (`==X`, `===X`, one archive URL, a "
        "VCS commit). Not reported: `-r requirements.txt` / `--requirement` (that file is checked by "
        "`unpinned-requirement`), `.`, local paths and wheels, `$VARIABLES`, packages in `ignore-packages`, "
        "and every package of a command that passes `-c constraints.txt`. Options such as `--no-cache-dir`, "
        "`--index-url URL` or `--target DIR` are skipped, never read as packages. The finding is on the line "
        "that names the package."
    ),
    rationale=(
        "An image built from `pip install torch transformers` gets different library versions on every build: "
        "the image that served a model yesterday cannot be rebuilt today, and cached layers hide the drift "
        "until the cache is cleared."
    ),
    fix=(
        "Pin each package (`pip install --no-cache-dir torch==2.3.1`), or `COPY` a pinned requirements file and "
        "`pip install -r` it."
    ),
    bad="RUN pip install --no-cache-dir torch transformers>=4.40\n",
    good="COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
    options={"ignore-packages": IGNORED_PACKAGES},
)


def _name_of(image: str) -> str:
    """The image's name when it has no registry or namespace (`skorch:latest` -> `skorch`), else ""."""
    name = image.split("@")[0].split(":")[0].lower()
    return "" if "/" in name else name


class ContainerChecker(RepoChecker):
    """Finds floating images in Dockerfiles and compose files, and unpinned `pip install` in Dockerfiles."""

    rules = (DOCKER_LATEST_TAG, DOCKER_UNPINNED_INSTALL)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Read each Dockerfile and compose file once and check it."""
        dockerfiles = list(repo.matching(DOCKERFILES))
        packages = {p.name for p in ctx.project.packages if "." not in p.name}
        # An image named after one of the repository's packages, with more than one Dockerfile: its own build.
        self.own_images = {name.lower() for name in packages} if len(dockerfiles) > 1 else set()
        for f in dockerfiles:
            text = read_declaration(repo, f.path)
            if text is not None:
                self._check_dockerfile(f.path, text, ctx)
        for f in repo.matching(COMPOSE_FILES):
            text = read_declaration(repo, f.path)
            if text is None:
                continue
            images, problem = pulled_images(text)
            if problem is not None:
                ctx.report(PARSE_ERROR, problem.line, None, problem.message, path=f.path)
            for image in images:
                self._check_image(ctx, f.path, image.line, image.image, {}, set(), f"service `{image.service}`")

    def _check_dockerfile(self, path: str, text: str, ctx: Context) -> None:
        global_args: dict[str, str | None] = {}  # ARGs before the first FROM: the only ones FROM can use
        stages: set[str] = set()
        in_stage = False
        too_long_reported = False  # one finding for a whole chain of ARGs expanding each other
        for instruction in parse_dockerfile(text):
            keyword = instruction.keyword
            if keyword == "ONBUILD":  # `ONBUILD RUN pip install ...` runs in every image built FROM this one
                inner, _, inner_args = instruction.args.partition(" ")
                keyword = inner.upper()
                instruction = Instruction(keyword, inner_args.strip(), instruction.line, instruction.lines)
            if keyword == "ARG" and not in_stage:
                for name, default in arg_declarations(instruction.args):
                    value = substitute(default, global_args)[0] if default is not None else None
                    if value is not None and len(value) > MAX_EXPANSION:
                        value = None
                        if not too_long_reported:
                            too_long_reported = True
                            ctx.report(
                                PARSE_ERROR, instruction.line, None,
                                f"`ARG {name}` expands to more than {MAX_EXPANSION:,} characters: its value is "
                                "not used",
                                path=path,
                            )
                    global_args[name] = value
            elif keyword == "FROM":
                in_stage = True
                words = flags_and_words(instruction.args)[1]
                if words:
                    self._check_image(ctx, path, instruction.line, words[0], global_args, stages, "FROM")
                if len(words) >= 3 and words[1].lower() == "as":
                    stages.add(words[2].lower())
            elif keyword in ("COPY", "ADD"):
                source = flags_and_words(instruction.args)[0].get("from")
                if source and not source.isdigit():
                    self._check_image(ctx, path, instruction.line, source, global_args, stages, "COPY --from")
            elif keyword == "RUN":
                self._check_run(ctx, path, instruction)

    def _check_image(
        self,
        ctx: Context,
        path: str,
        line: int,
        written: str,
        variables: Mapping[str, str | None],
        stages: set[str],
        where: str,
    ) -> None:
        ctx.examine(DOCKER_LATEST_TAG)
        image, missing = written, []
        for _ in range(10):  # an ARG default may itself use an earlier ARG
            if "$" not in image or missing:
                break
            image, missing = substitute(image, variables)
        if missing and not tag_is_literal(image):
            names = ", ".join(f"`{name}`" for name in dict.fromkeys(missing))
            has = "has" if len(set(missing)) == 1 else "have"
            ctx.report(
                DOCKER_LATEST_TAG, line, None,
                f"{where} image `{written}` depends on {names}, which {has} no default: its tag cannot be checked",
                path=path, severity=Severity.INFO,
            )
            return
        if image.lower() == "scratch" or image.lower() in stages or _name_of(image) in self.own_images:
            return
        why = floating(image, ctx.options(DOCKER_LATEST_TAG)["floating-tags"])
        if why is not None:
            origin = f" (from `{written}`)" if image != written else ""
            ctx.report(DOCKER_LATEST_TAG, line, None, f"{where} image `{image}`{origin} {why}", path=path)

    def _check_run(self, ctx: Context, path: str, instruction: Instruction) -> None:
        ignored = {canonical(name) for name in ctx.options(DOCKER_UNPINNED_INSTALL)["ignore-packages"]}
        try:
            commands = list(shell_commands(instruction.args))
        except NestingError as exc:
            ctx.report(PARSE_ERROR, instruction.line, None, f"unreadable `RUN`: {exc}", path=path)
            return
        for words in commands:
            found = pip_install_arguments(words)
            if found is None:
                continue
            packages, constrained = found
            for package, dep in requested(packages, instruction.line):
                ctx.examine(DOCKER_UNPINNED_INSTALL)
                if dep.problem is None or constrained or dep.name in ignored:
                    continue
                ctx.report(
                    DOCKER_UNPINNED_INSTALL, instruction.line_of(package), None,
                    f"`pip install {package}` is not pinned: {dep.problem}", path=path,
                )
