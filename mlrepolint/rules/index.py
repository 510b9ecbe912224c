"""The built-in checkers' rules, generated from their declarations by `python -m mlrepolint.docs`: edit the
rules, not this. The registry reads it so that a run knows every rule without importing a checker."""

CHECKERS = {
    'mlrepolint.rules.repo.artifacts:ArtifactChecker': {
        'kind': 'repo',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR301',
                'name': 'committed-dataset',
                'category': 'data-hygiene',
                'severity': 'warning',
                'summary': 'Dataset, archive or large binary file in git',
                'description': (
                    'Reports a committed data file (.csv .tsv .parquet .feather .arrow .h5 .hdf5 .npy .npz .pkl '
                    '.pickle .xlsx .xls .avro .orc .jsonl .ndjson .tfrecord .sqlite .db .mat, or a parquet, NumPy, '
                    'Arrow or SQLite file by its first bytes whatever its name), an archive (.zip .tar .tar.gz .tgz '
                    '.7z .rar .gz .bz2 .xz), a text file that can hold data (.txt .json .xml .log .yaml .dat) larger '
                    'than `max-file-size` bytes, and any other file larger than that which is not source, '
                    'documentation or text configuration. Not data, whatever their name (see `mlrepolint explain`): '
                    'published result tables (a table under a results or benchmark path, linked from Markdown or '
                    "beside tables its folder's Markdown links), docs assets (under docs/, or linked from Markdown), "
                    'templates, and DVC outputs git does not track. Inside git, committed means tracked (even if '
                    '.gitignore now lists it); untracked files that are not ignored are reported as untracked, '
                    'because the next `git add .` commits them; ignored files are never reported. Outside git, every '
                    'file .gitignore does not ignore counts. Never reported: Git LFS pointer files, `.dvc` pointer '
                    'files, files under a test or fixtures folder smaller than `max-fixture-size` bytes, and paths '
                    'matching an `allow` glob. A `.pkl` or `.h5` whose path names a model (`model`, `weights`, '
                    '`checkpoint`, `clf`...) is left to `committed-model-artifact`.'
                ),
                'rationale': (
                    'Git keeps every version of every file forever: a 200 MB training set makes every clone, CI run '
                    'and Docker build slower for good, diffs are meaningless, and the data (often personal or '
                    'licensed) is published with the code. Data needs versioning of its own.'
                ),
                'fix': (
                    'Remove the file from the index but keep it on disk with `git rm --cached <path>`, add the path '
                    'or its folder to .gitignore, and version the data with DVC (`dvc add data/train.csv`) or Git LFS '
                    '(`git lfs track "*.csv"`). To drop it from history too, use `git filter-repo`. Small test '
                    'fixtures belong under `tests/`; list other known small files in `allow`.'
                ),
                'bad': (
                    '$ git add data/train.csv  # 40 MB, now in every clone forever\n'
                ),
                'good': (
                    "$ echo 'data/' >> .gitignore\n$ dvc add data/train.csv  # or: git lfs track '*.csv'\n"
                ),
                'options': {
                    'max-file-size': 1000000,
                    'max-fixture-size': 100000,
                    'allow': (),
                },
            },
            {
                'code': 'MLR302',
                'name': 'committed-model-artifact',
                'category': 'data-hygiene',
                'severity': 'warning',
                'summary': 'Model weights, checkpoint or experiment-run folder in git',
                'description': (
                    'Reports committed model weights and checkpoints (.pt .pth .ckpt .safetensors .onnx .pb .tflite '
                    '.keras .joblib; .h5 .hdf5 .pkl .pickle whose path names a model; .bin next to a `config.json`; a '
                    'pickle, torch zip, safetensors, HDF5, GGUF or TFLite file recognised by its first bytes whatever '
                    'its name, such as a pickled `model.bin` or `dv.bin`; a tokenizer vocabulary larger than '
                    '`max-file-size` of `committed-dataset`), and MLflow `mlruns/` and Weights & Biases `wandb/` run '
                    'folders (once per folder). Committed, untracked, Git LFS, DVC, docs, template, fixture and '
                    '`allow` handling are as for `committed-dataset`, except that `max-fixture-size` is 1 MB here: a '
                    'model a test serves is rarely tiny.'
                ),
                'rationale': (
                    'Weights are large binary blobs that change with every training run: each one stays in the '
                    'history forever, bloats clones, and ties the model to a commit rather than to a registry with '
                    'its metrics and lineage. Pickled models also execute code when loaded.'
                ),
                'fix': (
                    '`git rm --cached <path>`, add the file pattern (`*.pt`, `checkpoints/`, `mlruns/`, `wandb/`) to '
                    '.gitignore, and publish weights through Git LFS, DVC, a model registry (MLflow, the Hugging Face '
                    'Hub) or release assets.'
                ),
                'bad': '$ git add checkpoints/epoch_10.ckpt mlruns/\n',
                'good': (
                    "$ printf 'checkpoints/\\nmlruns/\\n' >> .gitignore\n$ git lfs track '*.ckpt'\n"
                ),
                'options': {
                    'max-fixture-size': 1000000,
                    'allow': (),
                },
            },
        ),
    },
    'mlrepolint.rules.repo.docker:ContainerChecker': {
        'kind': 'repo',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR601',
                'name': 'docker-latest-tag',
                'category': 'containers',
                'severity': 'error',
                'summary': 'Container image with the `latest` tag or no tag',
                'description': (
                    'Reports an image in `FROM` (and `COPY --from=<image>`) in `Dockerfile`, `Dockerfile.*`, '
                    '`*.Dockerfile`, `Containerfile`, and in `image:` of `docker-compose*.yml` / `compose*.yaml` '
                    'services, when its tag is one of `floating-tags` (`latest` by default; add `lts`, `stable`, '
                    '`edge`, `nightly`...) or it has no tag and no digest (implicitly `latest`). A registry port is '
                    'not a tag (`registry.local:5000/team/img` has none). The finding is on the `FROM` or `image:` '
                    'line.\n\nNot reported: `scratch`; an earlier build stage (`FROM builder`, `COPY --from=builder`, '
                    '`--from=0`; stage names are case-insensitive); a digest (`img@sha256:...`, also '
                    '`img:latest@sha256:...`); any other tag; a compose service that builds its image (`build:`); an '
                    'image the repository builds itself: one named without a registry or namespace after one of the '
                    "repository's own top-level packages, in a repository with more than one Dockerfile: taken to be "
                    'the image another of them builds, since what a Dockerfile is tagged as is not written in it '
                    "(skorch's `examples/translation/Dockerfile` starts `FROM skorch:latest`, the image of its root "
                    '`Dockerfile`). `--platform=...` is skipped, keywords are case-insensitive, and continuations and '
                    "comments are handled. An image from an `ARG` is checked through the `ARG`'s default (`ARG "
                    'BASE=python:3.12-slim` / `FROM ${BASE}` is fine; a default that is untagged or `latest` is '
                    'reported); an `ARG` with no default cannot be checked and is reported at `info` severity, as is '
                    'a compose `${VARIABLE}` without a default, unless only the registry or name is variable and the '
                    'tag or digest is written out (`${REGISTRY}/app:1.4.2` is fine, `${REGISTRY}/app` is untagged).'
                ),
                'rationale': (
                    '`latest` is whatever was pushed last: the same Dockerfile builds a different CUDA, Python or '
                    'PyTorch next week, so a training image cannot be rebuilt to reproduce a model, and a serving '
                    'image can change under a deployment that did not.'
                ),
                'fix': (
                    'Name an exact tag (`python:3.12.4-slim`, `pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime`), or '
                    'better a digest (`python:3.12.4-slim@sha256:...`) that a bot such as Renovate or Dependabot '
                    'keeps current.'
                ),
                'bad': 'FROM python:latest\nFROM nvidia/cuda\n',
                'good': (
                    'FROM python:3.12.4-slim\nFROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n'
                ),
                'options': {
                    'floating-tags': (
                        'latest',
                    ),
                },
            },
            {
                'code': 'MLR602',
                'name': 'docker-unpinned-install',
                'category': 'containers',
                'severity': 'warning',
                'summary': (
                    '`pip install` of a package without an exact version in a Dockerfile'
                ),
                'description': (
                    'Reports a package named on a `pip install`, `pip3 install`, `python -m pip install` or `uv pip '
                    'install` command in a Dockerfile `RUN` instruction (shell or exec form, `&&` chains, heredocs, '
                    'and `ONBUILD RUN`, which runs in every image built from this one) without an exact pin, by the '
                    'same rules as `unpinned-requirement` (`==X`, `===X`, one archive URL, a VCS commit). Not '
                    'reported: `-r requirements.txt` / `--requirement` (that file is checked by '
                    '`unpinned-requirement`), `.`, local paths and wheels, `$VARIABLES`, packages in '
                    '`ignore-packages`, and every package of a command that passes `-c constraints.txt`. Options such '
                    'as `--no-cache-dir`, `--index-url URL` or `--target DIR` are skipped, never read as packages. '
                    'The finding is on the line that names the package.'
                ),
                'rationale': (
                    'An image built from `pip install torch transformers` gets different library versions on every '
                    'build: the image that served a model yesterday cannot be rebuilt today, and cached layers hide '
                    'the drift until the cache is cleared.'
                ),
                'fix': (
                    'Pin each package (`pip install --no-cache-dir torch==2.3.1`), or `COPY` a pinned requirements '
                    'file and `pip install -r` it.'
                ),
                'bad': 'RUN pip install --no-cache-dir torch transformers>=4.40\n',
                'good': (
                    'COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n'
                ),
                'options': {
                    'ignore-packages': (
                        'pip',
                        'setuptools',
                        'wheel',
                    ),
                },
            },
        ),
    },
    'mlrepolint.rules.python.ml.leakage:LeakageChecker': {
        'kind': 'python',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR311',
                'name': 'data-leakage',
                'category': 'reproducibility',
                'severity': 'warning',
                'summary': (
                    'Test data leaks into training: preprocessing fitted before the split, or a fit on test data'
                ),
                'description': (
                    'Reports two narrow, high-confidence patterns in Python files other than tests:\n\n- A scaler, '
                    'encoder, imputer, feature selector, decomposition, vectorizer or resampler (`StandardScaler`, '
                    '`MinMaxScaler`, `OneHotEncoder`, `TargetEncoder`, `SimpleImputer`, `SelectKBest`, `PCA`, '
                    '`TfidfVectorizer`, `SMOTE`, ...), or a `ColumnTransformer` / `Pipeline` made only of such steps, '
                    'fitted (`fit`, `fit_transform`, `fit_resample`) on data that the same function (or module) '
                    'afterwards splits with `train_test_split` or cross-validates with `cross_val_score` / '
                    '`cross_validate` / `cross_val_predict`. Data counts as the same when it is the fitted variable, '
                    'the variable assigned the transformed result, or one assigned later from an expression using '
                    'either. The finding is on the split.\n- `fit`, `fit_transform` or `fit_resample` whose first '
                    "argument's name says test or validation data (`X_test`, `test_df`, `x_val`, `valid_features`, "
                    '`X_holdout`; not when the name also says train, as in `X_trainval`). Trainers '
                    '(`trainer.fit(model, ...)`) and keyword arguments (`validation_data=`) are not looked at.\n\nThe '
                    'rubric counts modules that fit something.'
                ),
                'rationale': (
                    "A scaler fitted before the split has seen the test rows' mean and variance, a feature selector "
                    'their labels, an oversampler copies of them: the test score is better than the model will ever '
                    'do on new data, and the comparison between models that the score was meant for is wrong. Fitting '
                    'on test data makes the held-out set part of training.'
                ),
                'fix': (
                    'Split first, then fit preprocessing on the training part only and `transform` the test part; or '
                    'put the preprocessing in a `Pipeline` with the model so cross-validation fits it inside each '
                    'fold.'
                ),
                'bad': (
                    'from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import '
                    'StandardScaler\n\nscaler = StandardScaler()\nX_scaled = scaler.fit_transform(X)\nX_train, '
                    'X_test, y_train, y_test = train_test_split(X_scaled, y, test_size=0.2)\n'
                ),
                'good': (
                    'from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import '
                    'StandardScaler\n\nX_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)\n'
                    'scaler = StandardScaler()\nX_train = scaler.fit_transform(X_train)\nX_test = '
                    'scaler.transform(X_test)\n'
                ),
            },
        ),
    },
    'mlrepolint.rules.repo.dependencies:DependencyChecker': {
        'kind': 'repo',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR501',
                'name': 'unpinned-requirement',
                'category': 'dependencies',
                'severity': 'warning',
                'summary': 'Dependency without an exact version',
                'description': (
                    'Reports a dependency that does not pin one version in `requirements*.txt`, `requirements/*.txt`, '
                    '`*-requirements.txt`, `*_requirements.txt`, conda `environment*.yml` / `.yaml` and `conda.yaml` '
                    '(also whatever file an MLflow `MLproject` names as `conda_env`), MLflow `python_env.yaml` '
                    '(`dependencies`; or the file an `MLproject` names as `python_env`), and a `Pipfile` that has no '
                    "`Pipfile.lock` next to it. `pip install` in CI workflows is `ci-unpinned-install`'s, in "
                    "Dockerfiles `docker-unpinned-install`'s.\n\nPinned: `==X` (not a `==X.*` wildcard), `===X`, a "
                    'direct URL to one archive or wheel, a VCS URL whose ref is a full commit SHA. Markers do not '
                    'count as specifiers (`pkg==1.2; python_version < "3.12"` is pinned). Unpinned: no version, `>=`, '
                    '`~=`, `<`, `!=`, `==1.*`, a VCS URL without a ref or with a branch or tag. `-r other.txt` is '
                    'followed relative to the including file, and a requirement pinned in a `-c constraints.txt` file '
                    'that applies to it counts as pinned (names compared after PEP 503 normalisation). `-e .` and `-e '
                    'path` (pip takes a local folder or a VCS URL after `-e`), local paths and wheels, option lines '
                    '(`--index-url`, `-f`, `--hash`) and `${VARIABLES}` are skipped; an environment marker is not a '
                    'path (`requests>=2; platform_version == "a/b"` is checked), and a line pip cannot read (an '
                    'invalid marker, a URL whose host does not parse) is a `parse-error`. `requirements*.in` files '
                    'are pip-compile inputs and are never reported.\n\nconda: `name=X.Y.Z`, `name==X` and `name X '
                    'build` are pinned; `name=1.2.*`, ranges and a bare name are not; `python` with any version is '
                    'the interpreter choice and is not reported; the `pip:` sub-list follows the pip rules. Pipfile: '
                    '`"==X"` is pinned, `"*"` and ranges are not. Packages in `ignore-packages` (installer tooling by '
                    'default, as pip-tools treats it) are never reported.'
                ),
                'rationale': (
                    '`pandas` without a version installs whatever is newest that day: a model trained last month '
                    'cannot be retrained or served with the same numbers, and a breaking release of a transitive '
                    'library fails a pipeline nobody touched.'
                ),
                'fix': (
                    'Pin each dependency with `==` (generate the file with `pip-compile` / `uv pip compile` from a '
                    '`requirements.in`), or pin it in a constraints file the requirements file includes with `-c`.'
                ),
                'bad': (
                    '# requirements.txt\npandas\nscikit-learn>=1.3\ngit+https://github.com/org/features.git@main\n'
                ),
                'good': (
                    '# requirements.txt\npandas==2.2.2\nscikit-learn==1.5.0\n'
                    'git+https://github.com/org/features.git@3f1c2a9d0b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a\n'
                ),
                'options': {
                    'ignore-packages': (
                        'pip',
                        'setuptools',
                        'wheel',
                    ),
                },
                'autofixes': (
                    {
                        'applicability': 'safe',
                        'what': (
                            'In a requirements file, when a lock file of the repository (`uv.lock`, `poetry.lock`, '
                            "`Pipfile.lock`, `pdm.lock`, `conda-lock.yml`, in the file's folder or above) locks one "
                            'version of the package that the line allows: rewrites the requirement to `==version`, '
                            'keeping its extras, marker and comment.'
                        ),
                    },
                    {
                        'applicability': 'unsafe',
                        'what': (
                            'Needs `--pin-from-env` too: pins a requirements-file line to the version installed in '
                            'the Python environment mlrepolint runs in (named in the output), when that version is '
                            'one the line allows.'
                        ),
                    },
                ),
            },
            {
                'code': 'MLR502',
                'name': 'missing-lock-file',
                'category': 'dependencies',
                'severity': 'warning',
                'summary': 'Application declares dependency ranges but has no lock file',
                'description': (
                    'Reports a `pyproject.toml` (`[project] dependencies` or `[tool.poetry.dependencies]`) or a '
                    '`Pipfile` that declares at least one dependency by a range (`>=`, `^`, `~=`, `*`, no version) in '
                    'a project that is an application and has no lock file: none of `lock-files` (`poetry.lock`, '
                    "`uv.lock`, `pdm.lock`, `Pipfile.lock`, `conda-lock.yml`, `pylock.toml`...) in the project's "
                    'folder or at the repository root, and no fully pinned requirements file (every entry `==X`, a '
                    "direct archive URL or a commit, includes followed) in the project's folder or below it. The "
                    'finding is on the `dependencies` line (the `[tool.poetry.dependencies]` or `[packages]` header '
                    "for Poetry and Pipfiles).\n\nLibraries are allowed ranges: their users' lock files pin them. "
                    'With `project-kind = "auto"` (the default) mlrepolint tells the two apart like this: a `Pipfile` '
                    'project is an application; a `pyproject.toml` project is an application when it opts out of '
                    'being a package (`[tool.poetry] package-mode = false`, `[tool.uv] package = false`, or '
                    '`[project]` without a `[build-system]` table) or when its folder (or one below it) holds one of '
                    '`application-files` (a `Dockerfile`, `Containerfile`, compose file or `Procfile`: something that '
                    'deploys it), unless it is the root project of a repository the project model takes for a library '
                    '(`mlrepolint explain`: a declared distribution with its packages and no app module), where a '
                    "Dockerfile is a development or GPU environment for the library's contributors; otherwise it is a "
                    'library and is not reported. Set `project-kind` to `"application"` or `"library"` to decide for '
                    'every project in the repository (any other value means `auto`).'
                ),
                'rationale': (
                    'Ranges resolve to whatever is newest on the day of the install: the training run you reproduce '
                    'next month gets a different numpy, torch or CUDA build than the one that produced the model, and '
                    'results drift without a single line of your code changing.'
                ),
                'fix': (
                    'Commit a lock file (`poetry lock`, `uv lock`, `pdm lock`, `pipenv lock`, `conda-lock`) or a '
                    'fully pinned `requirements.txt` (`pip-compile`, `uv pip compile`) and install from it.'
                ),
                'bad': (
                    '# pyproject.toml, next to a Dockerfile, and no lock file\n[project]\nname = "churn-service"\n'
                    'dependencies = ["scikit-learn>=1.3", "fastapi"]\n'
                ),
                'good': (
                    '# the same pyproject.toml, with uv.lock committed next to it\n[project]\nname = "churn-service"\n'
                    'dependencies = ["scikit-learn>=1.3", "fastapi"]\n'
                ),
                'options': {
                    'project-kind': 'auto',
                    'lock-files': (
                        'poetry.lock',
                        'uv.lock',
                        'pdm.lock',
                        'Pipfile.lock',
                        'conda-lock.yml',
                        '*.conda-lock.yml',
                        'pylock.toml',
                        'pylock.*.toml',
                    ),
                    'application-files': (
                        'Dockerfile',
                        'Dockerfile.*',
                        '*.Dockerfile',
                        'Containerfile',
                        'docker-compose*.yml',
                        'docker-compose*.yaml',
                        'compose*.yml',
                        'compose*.yaml',
                        'Procfile',
                    ),
                },
            },
            {
                'code': 'MLR505',
                'name': 'ci-unpinned-install',
                'category': 'dependencies',
                'severity': 'warning',
                'summary': (
                    '`pip install` of a package without an exact version in a CI workflow'
                ),
                'description': (
                    'Reports a package named on a `pip install` (also `pip3`, `python -m pip`, `uv pip install`) in '
                    'the shell commands of a CI configuration: GitHub Actions workflows (`.github/workflows/*.yml`, '
                    '`run:` steps), GitLab CI (`.gitlab-ci.yml`, `.gitlab/ci/*.yml`: `script:`, `before_script:`, '
                    '`after_script:`), CircleCI (`.circleci/config.yml`), Azure Pipelines, Bitbucket Pipelines and '
                    'Travis CI, when it is not pinned by the same rules as `unpinned-requirement` (`==X`, `===X`, one '
                    'archive URL, a VCS commit). When the project declares its dependencies (requirements files, '
                    "conda and MLflow environment files, a Pipfile, pyproject.toml's dependencies, optional "
                    "dependencies and dependency groups, Poetry's dependencies), only those packages are checked, and "
                    'only in jobs that install the project (`pip install -r ...`, `pip install -e .`, `pip install '
                    '.`, `pipenv`/`poetry`/`pdm` install or sync, `uv sync`, `conda env create`, tox, nox): that is '
                    'what the code is tested against, while a job that only runs a bot, a coverage merge or a linter '
                    'installs tools for itself. A project that declares none is checked for every package in every '
                    'job. A rule of its own rather than part of `unpinned-requirement`, so a project that pins its '
                    'requirements files but deliberately tests against the newest releases can turn just this off. '
                    'Not reported: `-r requirements.txt` (that file is checked by `unpinned-requirement`), `-e .`, '
                    '`.`, local paths and wheels, `$VARIABLES` and `${{ expressions }}`, packages in '
                    '`ignore-packages` (pip, setuptools and wheel by default, as for `unpinned-requirement` and '
                    '`docker-unpinned-install`), and every package of a command that passes `-c constraints.txt`. The '
                    'finding is on the line of the command (for a block scalar, the line within it).'
                ),
                'rationale': (
                    'CI decides what a pull request is tested against just as much as `requirements.txt` does: `pip '
                    'install pandas scikit-learn` in a workflow tests every run against whatever was released that '
                    'morning, so a green build says nothing about the versions users or the training job install, and '
                    'a release of a dependency breaks CI on a change that did not touch it.'
                ),
                'fix': (
                    'Install from the pinned requirements file (`pip install -r requirements.txt`), pin the package '
                    '(`pip install pandas==2.2.2`), or pass a constraints file (`pip install -c constraints.txt '
                    'pandas`).'
                ),
                'bad': (
                    '# .github/workflows/test.yml\n      - run: pip install pandas scikit-learn\n'
                ),
                'good': (
                    '# .github/workflows/test.yml\n      - run: pip install -r requirements.txt\n'
                ),
                'options': {
                    'ignore-packages': (
                        'pip',
                        'setuptools',
                        'wheel',
                    ),
                },
            },
        ),
    },
    'mlrepolint.rules.repo.imported:DependencyUseChecker': {
        'kind': 'repo',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR510',
                'name': 'undeclared-dependency',
                'category': 'dependencies',
                'severity': 'warning',
                'summary': (
                    'A third-party package is imported but no dependency file declares it'
                ),
                'description': (
                    "Reports each third-party top-level module that the repository's Python files (and notebooks' "
                    'code cells) import while no declaration that covers the importing file provides it. Declarations '
                    'are requirements files (`-r` includes followed, `requirements*.in` too), `pyproject.toml` '
                    '(dependencies, extras, dependency groups, Poetry / PDM / uv groups, `[build-system] requires`, '
                    "setuptools' dynamic files), `Pipfile`, conda environments with their `pip:` list, `setup.py` / "
                    "`setup.cfg` (read statically), `pip install` in Dockerfiles, and a notebook's own `!pip install` "
                    'lines. A declaration covers its folder and everything below it; one in a folder without code '
                    '(`requirements/`, `docker/`) covers the folder above. Files no declaration covers are not looked '
                    "at (a repository that declares nothing at all is another rule's finding).\n\nNot reported: the "
                    "standard library (of any Python 3 version), the repository's own modules (the project model's "
                    "first-party names: any Python file's name and any folder holding Python files), relative "
                    'imports, optional imports (inside `try:` ... `except ImportError:`, under `if TYPE_CHECKING:` or '
                    'an availability check such as `if _WANDB_AVAILABLE:` / `if find_spec(...)`, and imports inside '
                    'functions of a package module or a test, which load an optional feature), generated `*_pb2` '
                    'modules, modules the environment provides (`google.colab`, IPython in a notebook), names in '
                    '`ignore-modules`, and everything under a declaration that cannot be read statically (a '
                    '`setup.py` that computes `install_requires`). An import name is matched to distributions through '
                    'a maintained table of names that differ (`sklearn` -> scikit-learn, `cv2` -> opencv-python and '
                    'its variants, `PIL` -> Pillow, `yaml` -> PyYAML, `dotenv` -> python-dotenv, `bs4` -> '
                    'beautifulsoup4, `skimage` -> scikit-image, ...), namespace packages spelt out '
                    '(`google.cloud.storage` -> google-cloud-storage), and the metadata of the distributions '
                    'installed where mlrepolint runs (`package-map` adds entries). One finding per module and '
                    'declaring folder, at its first import; the rubric counts the third-party modules checked.'
                ),
                'rationale': (
                    "A package that works only because it happens to be installed on the author's machine breaks the "
                    'first `pip install -r requirements.txt` on a fresh machine, in CI, in the Docker image or on the '
                    'training cluster, and the version that produced the results is recorded nowhere.'
                ),
                'fix': (
                    'Add the distribution (the message names it) to the dependency file that covers the importing '
                    'code, with a version; for an optional feature, guard the import with `try:` / `except '
                    'ImportError:`.'
                ),
                'bad': (
                    '# requirements.txt\npandas==2.2.2\n\n# train.py\nimport pandas as pd\nfrom sklearn.linear_model '
                    'import LogisticRegression\n'
                ),
                'good': (
                    '# requirements.txt\npandas==2.2.2\nscikit-learn==1.5.0\n\n# train.py\nimport pandas as pd\nfrom '
                    'sklearn.linear_model import LogisticRegression\n'
                ),
                'options': {
                    'ignore-modules': (),
                    'package-map': {
                    },
                },
            },
            {
                'code': 'MLR511',
                'name': 'unused-dependency',
                'category': 'dependencies',
                'severity': 'info',
                'summary': (
                    'A declared dependency that nothing in the repository imports or runs'
                ),
                'description': (
                    'Reports a main dependency (requirements files whose name does not say development, testing, docs '
                    "or linting; `[project] dependencies`; `install_requires`; Poetry's main group; a Pipfile's "
                    "`[packages]`; a conda environment's `pip:` list) that no Python file or notebook covered by the "
                    'declaration imports (matched through the same table as `undeclared-dependency`). Not reported: '
                    'development groups and extras, build requirements, conda packages (their names are not import '
                    'names), tools and servers that run from the command line (`gunicorn`, `uvicorn`, `jupyter`, '
                    '`dvc`, `pytest`, linters), backends other libraries load by themselves (`pyarrow`, `openpyxl`, '
                    '`psycopg2`, `python-multipart`, `tensorboard`, `accelerate`, `sentencepiece`, `protobuf`, ...), '
                    "type stubs and plugins, pins of packages that are only ever another package's dependency "
                    '(`urllib3`, `certifi`, `six`), a dependency that a used one installs anyway, names in '
                    '`ignore-packages`, and a distribution whose name (or import name) appears anywhere in the '
                    "repository's code, notebooks, shell scripts, Dockerfiles, Makefiles, CI and config files or "
                    'README (`engine="openpyxl"`, `report_to="wandb"`, `CMD uvicorn app:app`). The rubric counts the '
                    'main dependencies checked.'
                ),
                'rationale': (
                    'Every dependency is installed, downloaded and scanned on every build, can conflict with the '
                    'packages you do use, and is one more thing to keep pinned and patched; a list that says more '
                    'than the code needs no longer tells anyone what the code needs.'
                ),
                'fix': (
                    'Remove the dependency, or move it to a development group or an extra if a tool or an optional '
                    'feature uses it.'
                ),
                'bad': (
                    '# requirements.txt\npandas==2.2.2\nrequests==2.32.3\n\n# train.py\nimport pandas as pd\n'
                ),
                'good': (
                    '# requirements.txt\npandas==2.2.2\n\n# train.py\nimport pandas as pd\n'
                ),
                'options': {
                    'ignore-packages': (),
                },
            },
        ),
    },
    'mlrepolint.rules.python.docstrings:DocstringChecker': {
        'kind': 'python',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR101',
                'name': 'missing-module-docstring',
                'category': 'documentation',
                'severity': 'warning',
                'summary': 'Public module without a docstring',
                'description': (
                    'Reports a public module that has code but no docstring: a file whose name does not start with '
                    '`_`, in no folder whose name does (a module of a private package such as `pkg/_internal/` is '
                    'private too, as pydocstyle decides). Empty files, test files and the module docstring of '
                    '`__init__.py` are skipped unless the options `include-tests` / `include-init` turn them on; so '
                    'are files that are not modules in the project model (`mlrepolint explain`): configuration files '
                    '(Sphinx `conf.py`, a `.py` file a script takes as its argument or runs with `exec`), templates '
                    'and generated code.'
                ),
                'rationale': (
                    'In an ML repository the module docstring is where a reader learns what a script trains, on which '
                    'data, and how to run it; without it every `train_v2.py` has to be read line by line.'
                ),
                'fix': (
                    'Add a docstring as the first statement of the module saying what it does and how to use it.'
                ),
                'bad': (
                    'import pandas as pd\n\n\ndef load(path):\n    return pd.read_csv(path)\n'
                ),
                'good': '"""Load the raw churn dataset."""\nimport pandas as pd\n',
                'options': {
                    'include-tests': False,
                    'include-init': False,
                },
                'notebooks': False,
            },
            {
                'code': 'MLR102',
                'name': 'missing-class-docstring',
                'category': 'documentation',
                'severity': 'warning',
                'summary': 'Public class without a docstring',
                'description': (
                    'Reports a public class (name not starting with `_`, not defined inside a function) without a '
                    'docstring (one its body assigns, `__doc__ = build_doc(...)`, counts). The finding is on the '
                    '`class` line, not on its decorators. Test files are skipped unless `include-tests` is on.'
                ),
                'rationale': (
                    'Model, dataset and trainer classes carry the assumptions of an experiment (input shapes, label '
                    'encoding, device); a docstring is where they are written down.'
                ),
                'fix': (
                    'Add a docstring saying what the class represents and what its constructor expects.'
                ),
                'bad': (
                    'class ChurnModel(nn.Module):\n    def forward(self, x):\n        ...\n'
                ),
                'good': (
                    'class ChurnModel(nn.Module):\n    """Two-layer MLP over the 42 churn features."""\n'
                ),
                'options': {
                    'include-tests': False,
                },
                'notebooks': False,
            },
            {
                'code': 'MLR103',
                'name': 'missing-function-docstring',
                'category': 'documentation',
                'severity': 'warning',
                'summary': 'Public function or method without a docstring',
                'description': (
                    'Reports a public function or method without a docstring. Not flagged: private names (leading '
                    '`_`), dunder methods, functions nested in functions, `@overload` stubs, property setters and '
                    'deleters, methods of private classes. The finding is on the `def` line, not on its decorators. '
                    'Test files are skipped unless `include-tests` is on.'
                ),
                'rationale': (
                    'Training and preprocessing functions hide choices (normalisation, split seeds, units) that '
                    'callers must know; an undocumented `preprocess(df)` is how train/serve skew starts.'
                ),
                'fix': (
                    'Add a docstring saying what the function does, its inputs and what it returns.'
                ),
                'bad': 'def preprocess(df):\n    return (df - df.mean()) / df.std()\n',
                'good': (
                    'def preprocess(df):\n    """Standardise every column to zero mean and unit variance."""\n'
                ),
                'options': {
                    'include-tests': False,
                },
                'notebooks': False,
            },
        ),
    },
    'mlrepolint.rules.repo.scripts:EntryScriptChecker': {
        'kind': 'repo',
        'by_file': False,
        'shares': True,
        'rules': (
            {
                'code': 'MLR310',
                'name': 'unseeded-training',
                'category': 'reproducibility',
                'severity': 'warning',
                'summary': 'A training script uses randomness and sets no seed',
                'description': (
                    'Reports an entry script (a file the project model says is run as a program: `mlrepolint explain` '
                    "shows each file's role and why; not a test, a library module, an app module a server loads, "
                    'packaging, or a notebook saved as a script: a notebook of the same name beside it, or '
                    "nbconvert's `# In[1]:` markers) that trains a model and draws random numbers from a library it "
                    'never seeds:\n\n- PyTorch: `loss.backward()` with `optimizer.step()`, or a Lightning '
                    '`trainer.fit(...)`, with no `torch.manual_seed`, `seed_everything` or `set_seed` call;\n- '
                    'TensorFlow / Keras: `model.fit(...)` with no `tf.random.set_seed`, `keras.utils.set_random_seed` '
                    'or `set_seed`;\n- scikit-learn (and NumPy-based training): `.fit(...)` where a randomised step '
                    '(`train_test_split`, `KFold(shuffle=True)`, `RandomForestClassifier`, `MLPClassifier`, `KMeans`, '
                    "...) is given no `random_state` and NumPy's global generator is not seeded "
                    '(`np.random.seed`).\n\nA seed call counts wherever the script can reach it: in the script itself '
                    '(any function) or in a repository-local module it imports, directly or through other local '
                    'modules (`from utils import setup; setup()` where `utils.py` calls `torch.manual_seed`). Any '
                    'call whose name contains `seed` counts, as does `np.random.default_rng(<seed>)`. A Hugging Face '
                    '`Trainer` seeds itself (its `TrainingArguments.seed`). The finding is on the first training call '
                    '(for scikit-learn, on the first randomised step without `random_state`); the rubric counts '
                    'training scripts.'
                ),
                'rationale': (
                    'Weight initialisation, dropout, data shuffling, augmentation and train/test splits all draw '
                    'random numbers: an unseeded run gives different metrics every time, so a change cannot be told '
                    'from noise and a reported result cannot be reproduced by anyone, including its author.'
                ),
                'fix': (
                    'Seed every library the script uses, once, at the start of `main()`: `torch.manual_seed(seed)`, '
                    '`np.random.seed(seed)`, `random.seed(seed)` (or `lightning.seed_everything(seed)`, '
                    '`transformers.set_seed(seed)`, `keras.utils.set_random_seed(seed)`), with the seed read from the '
                    "command line or config; pass `random_state=seed` to scikit-learn's randomised steps."
                ),
                'bad': (
                    'import torch\n\n\ndef main():\n    model = torch.nn.Linear(4, 1)\n    optimizer = '
                    'torch.optim.SGD(model.parameters(), lr=0.1)\n    for x, y in batches():\n        '
                    'optimizer.zero_grad()\n        loss = torch.nn.functional.mse_loss(model(x), y)\n        '
                    'loss.backward()\n        optimizer.step()\n\n\nif __name__ == "__main__":\n    main()\n'
                ),
                'good': (
                    'import torch\n\n\ndef main(seed=0):\n    torch.manual_seed(seed)\n    model = torch.nn.Linear(4, '
                    '1)\n    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n    for x, y in '
                    'batches():\n        optimizer.zero_grad()\n        loss = torch.nn.functional.mse_loss(model(x), '
                    'y)\n        loss.backward()\n        optimizer.step()\n\n\nif __name__ == "__main__":\n    '
                    'main()\n'
                ),
            },
            {
                'code': 'MLR902',
                'name': 'script-without-cli',
                'category': 'configuration',
                'severity': 'warning',
                'summary': (
                    'A training or evaluation script hard-codes its hyper-parameters and takes no arguments or config'
                ),
                'description': (
                    'Reports an entry script (as `unseeded-training` defines it) that trains or evaluates a model '
                    '(`.fit(`, `backward()` with an optimizer step, `trainer.fit`, `.evaluate(`, `.predict(`, '
                    '`model.eval()`) and writes a hyper-parameter as a number (`lr=0.01`, `epochs = 10`, '
                    '`batch_size=32`, `n_estimators=100`...) while it reads neither arguments nor a config: no '
                    '`argparse`, `click`, `typer`, `fire`, `hydra`, `omegaconf`, `jsonargparse`, absl `flags`, '
                    '`docopt`, `tyro`, `sys.argv`, environment variables, `input()`, a YAML / JSON / TOML / INI file '
                    "it loads, `wandb.config`, an Optuna trial or an `exec`'d configurator (nanoGPT's), in the script "
                    'or in a repository-local module it imports; and it imports no local module named like a config '
                    '(`config`, `settings`, `params`, `hparams`, `constants`). Scripts under `docs/` and in Sphinx '
                    'galleries are left out. The finding is on the first hard-coded hyper-parameter; the rubric '
                    'counts training and evaluation scripts.'
                ),
                'rationale': (
                    'A script whose learning rate, epochs and data paths are written in the code can only be re-run '
                    'as it is: every experiment edits the source, the values a result came from are lost with the '
                    'next edit, and a sweep or a CI run cannot pass its own values.'
                ),
                'fix': (
                    'Read the hyper-parameters from the command line (`argparse`, `typer`, `click`) or from a config '
                    "file (`yaml.safe_load`, Hydra / OmegaConf), with today's values as defaults, and log the values "
                    'each run used.'
                ),
                'bad': (
                    'from sklearn.ensemble import RandomForestClassifier\n\n\ndef main():\n    model = '
                    'RandomForestClassifier(n_estimators=200, max_depth=8, random_state=0)\n    '
                    'model.fit(*load())\n\n\nif __name__ == "__main__":\n    main()\n'
                ),
                'good': (
                    'import argparse\n\nfrom sklearn.ensemble import RandomForestClassifier\n\n\ndef main():\n    '
                    'parser = argparse.ArgumentParser()\n    parser.add_argument("--n-estimators", type=int, '
                    'default=200)\n    parser.add_argument("--max-depth", type=int, default=8)\n    args = '
                    'parser.parse_args()\n    model = RandomForestClassifier(n_estimators=args.n_estimators, '
                    'max_depth=args.max_depth, random_state=0)\n    model.fit(*load())\n\n\nif __name__ == '
                    '"__main__":\n    main()\n'
                ),
            },
        ),
    },
    'mlrepolint.rules.repo.envfiles:EnvFileChecker': {
        'kind': 'repo',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR401',
                'name': 'committed-env-file',
                'category': 'security',
                'severity': 'error',
                'summary': 'A `.env` file is in git',
                'description': (
                    'Reports a committed `.env`, `.env.<anything>` (`.env.local`, `.env.production`) or `<name>.env` '
                    'file. The file is read: one that sets a secret-looking variable (`OPENAI_API_KEY`, '
                    '`DB_PASSWORD`, `HF_TOKEN`...) to a value is an error; one that only sets other variables '
                    '(`DEBUG=1`) is a warning; a template that sets no value at all (comments, `KEY=`, placeholders '
                    'such as `KEY=<your-key>` or `KEY=${OTHER}`) is a warning to commit it as `.env.example` instead. '
                    'A file that cannot be read is an error. Template forms are allowed: `.env.example`, '
                    '`.env.sample`, `.env.template`, `.env.dist` (also `.env.local.example`, `example.env`). '
                    '`environment.yml`, `env.py` and `.envrc` are not env files. Untracked files that are not ignored '
                    'are reported as untracked; ignored files never. Paths matching an `allow` glob are skipped.'
                ),
                'rationale': (
                    'A `.env` file exists to keep API keys, database passwords and cloud credentials out of the code; '
                    'once committed they are in the history of every clone and fork, and pushing the repository leaks '
                    'them.'
                ),
                'fix': (
                    '`git rm --cached .env`, add `.env` and `.env.*` (with `!.env.example`) to .gitignore, commit a '
                    '`.env.example` with the variable names and empty values instead, and rotate every credential the '
                    'file held: removing it from the latest commit does not remove it from the history.'
                ),
                'bad': '$ git add .env  # OPENAI_API_KEY=..., DB_PASSWORD=...\n',
                'good': (
                    "$ printf '.env\\n.env.*\\n!.env.example\\n' >> .gitignore\n$ git add .env.example  # names only\n"
                ),
                'options': {
                    'allow': (),
                },
            },
        ),
    },
    'mlrepolint.rules.python.errors:ErrorHandlingChecker': {
        'kind': 'python',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR801',
                'name': 'print-in-module',
                'category': 'logging-errors',
                'severity': 'warning',
                'summary': (
                    '`print` used for reporting in an importable module instead of `logging`'
                ),
                'description': (
                    'Reports each `print(...)` call in an importable module: a library module, a package `__init__` '
                    'or an app module (a FastAPI, Flask or Gradio app, a Lambda handler...), as the project model '
                    'decides (see `mlrepolint explain`). Entry scripts and command-line tools may print, since their '
                    'output is their interface: a file something runs (a Dockerfile, Makefile, README or CI command, '
                    '`[project.scripts]`), a file with a `#!` line, a main guard or argument parsing, '
                    'click/typer/fire commands, a loose script nothing imports; so may tests, configuration files, '
                    'Streamlit pages, templates and notebooks (run by their kernel, never imported, even with the '
                    'rule turned on for notebooks). Allowed anywhere: prints inside a function whose name matches '
                    "`allowed-functions` (a script's `main`, `show_versions`, `print_summary`...), under an `if` that "
                    'tests a verbosity flag (`if verbose:`, `if self.verbose > 1:`: printing is then a documented '
                    'option, as in scikit-learn), inside the `if __name__ == "__main__":` block, `print(..., '
                    'file=handle)` writing to a file other than `sys.stdout` / `sys.stderr`, and files matching '
                    '`exempt` (`setup.py`, `__main__.py`, command-line modules named `cli.py`, `scripts/*`, '
                    '`examples/*`, ...). The rubric counts modules: the share of importable modules that report '
                    'through `logging`.'
                ),
                'rationale': (
                    'Training progress and evaluation metrics printed to stdout cannot be filtered by level, '
                    'timestamped, sent to a file or silenced when the module is imported by a serving process or a '
                    'hyper-parameter sweep; `logging` can do all of that, and experiment trackers hook into it.'
                ),
                'fix': (
                    'Create `logger = logging.getLogger(__name__)` at module level and call `logger.info(...)`; '
                    "configure logging once in the script's `main()`."
                ),
                'bad': (
                    'def evaluate(model, X, y):\n    acc = model.score(X, y)\n    print(f"accuracy: {acc:.3f}")\n'
                ),
                'good': (
                    'import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef evaluate(model, X, y):\n    acc '
                    '= model.score(X, y)\n    logger.info("accuracy: %.3f", acc)\n'
                ),
                'options': {
                    'allowed-functions': (
                        'main',
                        'show_*',
                        'print_*',
                        'display_*',
                        'pprint_*',
                    ),
                    'exempt': (
                        'setup.py',
                        '__main__.py',
                        'conftest.py',
                        'noxfile.py',
                        'conf.py',
                        'manage.py',
                        'cli.py',
                        'scripts/*',
                        'examples/*',
                        'docs/*',
                        'bin/*',
                    ),
                },
                'notebooks': False,
            },
            {
                'code': 'MLR802',
                'name': 'bare-except',
                'category': 'logging-errors',
                'severity': 'warning',
                'summary': 'Bare `except:` catches everything, including KeyboardInterrupt',
                'description': (
                    'Reports an `except:` clause without an exception type. Not flagged: a bare `except:` whose body '
                    'ends by re-raising (`raise`), the clean-up idiom. The rubric counts exception handlers: the '
                    'share that name what they catch.'
                ),
                'rationale': (
                    'A bare `except:` also catches `KeyboardInterrupt` and `SystemExit`: a training run cannot be '
                    'stopped with Ctrl-C, and CUDA out-of-memory errors or typos in a metric name turn into silently '
                    'wrong results.'
                ),
                'fix': (
                    'Catch the exceptions you expect (`except (ValueError, KeyError):`), or `except Exception:` and '
                    'log it.'
                ),
                'bad': 'try:\n    batch = next(loader)\nexcept:\n    batch = None\n',
                'good': (
                    'try:\n    batch = next(loader)\nexcept StopIteration:\n    batch = None\n'
                ),
            },
            {
                'code': 'MLR803',
                'name': 'swallowed-exception',
                'category': 'logging-errors',
                'severity': 'warning',
                'summary': (
                    'A broad exception is caught and ignored (`except Exception: pass`)'
                ),
                'description': (
                    'Reports an exception handler that catches a broad type (bare `except:`, or one of '
                    '`broad-exceptions`, alone or in a tuple) and does nothing with it: its body is only `pass`, '
                    '`...`, `continue` or a string. Also reports `contextlib.suppress(Exception)`. Not flagged: '
                    'narrow types (`except ImportError: pass`, `except KeyError: continue`), handlers that log, '
                    're-raise, return or assign, and three probes whose failure is an answer rather than an error: a '
                    '`try` with an `else:` block (the code that runs only when the attempt worked: `try: '
                    'model.set_grad_checkpointing()` / `except Exception: pass` / `else: ...`), a `try` whose one '
                    'statement calls a private member of another object (`torch._C._jit_set_nvfuser_enabled(False)`: '
                    'an internal switch not every version of the library has), and a `try` whose one statement is a '
                    'lookup with no effect but its exception (`net.history[-1, "foobar"]`). The rubric counts '
                    'exception handlers.'
                ),
                'rationale': (
                    'A swallowed exception turns a failed data load, a NaN loss or a missing checkpoint into a run '
                    'that finishes and reports wrong numbers, with nothing in the logs to say why.'
                ),
                'fix': (
                    'Catch the specific exception you expect, or log it (`logger.exception(...)`) before carrying on.'
                ),
                'bad': (
                    'try:\n    model.load_state_dict(torch.load(path))\nexcept Exception:\n    pass\n'
                ),
                'good': (
                    'try:\n    model.load_state_dict(torch.load(path))\nexcept FileNotFoundError:\n    '
                    'logger.warning("no checkpoint at %s, training from scratch", path)\n'
                ),
                'options': {
                    'broad-exceptions': (
                        'Exception',
                        'BaseException',
                    ),
                },
            },
        ),
    },
    'mlrepolint.rules.python.ml.training:ForwardCallChecker': {
        'kind': 'python',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR313',
                'name': 'direct-forward-call',
                'category': 'reproducibility',
                'severity': 'warning',
                'summary': '`module.forward(x)` called directly instead of `module(x)`',
                'description': (
                    'Reports a call of `.forward(...)` on an object (`model.forward(x)`, `self.encoder.forward(h)`) '
                    'in a file that imports PyTorch or a library built on it (`torch`, `lightning`, '
                    '`pytorch_lightning`, `transformers`, `timm`, `torchvision`, ...). Not reported: '
                    "`super().forward(x)` and `Base.forward(self, x)` (a subclass calling its parent's "
                    'implementation), `self.forward(x)` (a module calling its own forward from another of its '
                    'methods), calls inside a `__call__` method (a class implementing its own call protocol), RPC '
                    'proxies and remote modules (`rref.rpc_sync().forward(x)`, `remote_module.forward(x)`: the RPC '
                    'API names the method), a receiver built from a class the same file defines without a module '
                    'among its bases (`nmesc = NMESC(...)`, `self.clusterer = Spectral(...)`, where `class NMESC:` '
                    'derives from nothing: a plain object whose `forward` is just a method), test files (a test calls '
                    '`forward` to test it), files that use skorch (whose `NeuralNet.forward(X)` is its inference '
                    'API), and files that define their own `forward` / `backward` classes outside '
                    '`torch.autograd.Function` (hand-written networks in NumPy). The rubric counts `forward` calls.'
                ),
                'rationale': (
                    "`nn.Module.__call__` runs the module's forward pre-hooks and hooks around `forward`: what "
                    'mixed-precision wrappers, quantisation and pruning, `torch.compile` guards, activation '
                    'checkpointing, Lightning and Hugging Face callbacks and feature extractors rely on. Calling '
                    '`forward` directly skips them silently, so the model that is evaluated is not quite the model '
                    'that was trained.'
                ),
                'fix': (
                    "Call the module (`model(x)`, `self.encoder(h)`); keep `super().forward(x)` for a parent's "
                    'implementation.'
                ),
                'bad': (
                    'import torch\n\n\ndef predict(model, batch):\n    with torch.no_grad():\n        return '
                    'model.forward(batch)\n'
                ),
                'good': (
                    'import torch\n\n\ndef predict(model, batch):\n    with torch.no_grad():\n        return '
                    'model(batch)\n'
                ),
            },
        ),
    },
    'mlrepolint.rules.python.paths:HardcodedPathChecker': {
        'kind': 'python',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR901',
                'name': 'hardcoded-path',
                'category': 'configuration',
                'severity': 'warning',
                'summary': 'Absolute, machine-specific path written in code',
                'description': (
                    'Reports a string literal (or the start of an f-string) that is an absolute path under a folder '
                    'that only exists on one machine: a prefix in `prefixes` (`/home/...`, `/Users/...`, '
                    '`/content/drive`, `/mnt/...`, `/kaggle/...`) followed by at least one more path component, or a '
                    'Windows drive path (`C:\\\\Users\\\\...`, `D:/data`). Not flagged: docstrings, URLs, system '
                    'paths (`/dev/null`, `/usr/bin/env`, `/tmp`), container mount points (`/data`, `/workspace`: add '
                    'them to `prefixes` where they are machine-specific), a bare prefix such as a web route '
                    '`"/home/"`, strings in decorators (routes), paths in a branch of an `if` that switches on where '
                    'the code runs (`if ON_KAGGLE:`, `if IN_COLAB:`, `if os.path.exists(...)`, `if "X" in '
                    'os.environ:`), used only where they exist, a path whose existence is asked '
                    '(`os.path.exists("/kaggle/input")`), and test files unless `include-tests` is on. The rubric '
                    'counts modules: the share free of such paths.'
                ),
                'rationale': (
                    '`pd.read_csv("/content/drive/MyDrive/train.csv")` works in one Colab session and nowhere else: '
                    'colleagues, CI and the training cluster all fail on the first line, and the path quietly decides '
                    'which data the model is trained on.'
                ),
                'fix': (
                    'Read the location from a command-line argument, an environment variable or a config file, with a '
                    'relative default inside the repository (`Path(__file__).parent / "data"`).'
                ),
                'bad': (
                    'import pandas as pd\n\ndf = pd.read_csv("/content/drive/MyDrive/train.csv")\n'
                ),
                'good': (
                    'import os\n\nimport pandas as pd\n\nDATA_DIR = os.environ.get("DATA_DIR", "data")\ndf = '
                    'pd.read_csv(os.path.join(DATA_DIR, "train.csv"))\n'
                ),
                'options': {
                    'prefixes': (
                        '/home/',
                        '/Users/',
                        '/root/',
                        '/content/',
                        '/mnt/',
                        '/media/',
                        '/Volumes/',
                        '/scratch/',
                        '/gpfs/',
                        '/kaggle/',
                        '/dbfs/',
                    ),
                    'include-tests': False,
                },
            },
        ),
    },
    'mlrepolint.rules.python.ml.nan:NanComparisonChecker': {
        'kind': 'python',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR314',
                'name': 'nan-comparison',
                'category': 'reproducibility',
                'severity': 'warning',
                'summary': 'Comparison with NaN (`== np.nan`), which is never true',
                'description': (
                    'Reports `==`, `!=`, `is` and `is not` comparisons where one side is NaN: `np.nan` / `numpy.nan` '
                    '(`NaN`, `NAN`), `math.nan`, `torch.nan`, and `float("nan")` (any case, with a sign), and names '
                    "imported from those modules (`from numpy import nan`). Names are resolved through the file's "
                    'imports. The rubric counts modules that mention NaN.'
                ),
                'rationale': (
                    'NaN is not equal to anything, itself included: `loss == np.nan` is always False and `!=` always '
                    'True, so a divergence check never fires and a filter of missing values keeps every row. `is '
                    'np.nan` only holds for that one object, not for the NaNs pandas, NumPy or PyTorch compute.'
                ),
                'fix': (
                    'Use `math.isnan(x)`, `np.isnan(a)`, `torch.isnan(t)` or `pd.isna(value)` (`df[col].isna()` for a '
                    'column).'
                ),
                'bad': (
                    'import numpy as np\n\nif loss == np.nan:\n    raise RuntimeError("training diverged")\n'
                ),
                'good': (
                    'import numpy as np\n\nif np.isnan(loss):\n    raise RuntimeError("training diverged")\n'
                ),
            },
        ),
    },
    'mlrepolint.rules.python.notebooks:NotebookHygieneChecker': {
        'kind': 'python',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR305',
                'name': 'notebook-default-name',
                'category': 'data-hygiene',
                'severity': 'info',
                'summary': (
                    "Notebook still has Jupyter's default name (`Untitled*.ipynb`, `*-Copy*.ipynb`)"
                ),
                'description': (
                    'Reports a notebook named as Jupyter names a new notebook or a copy: `Untitled.ipynb`, '
                    '`Untitled3.ipynb`, `train-Copy1.ipynb`. Applies to notebooks only.'
                ),
                'rationale': (
                    'A committed `Untitled2.ipynb` or `eval-Copy1.ipynb` is a scratch file or a fork of another '
                    'notebook: nobody can tell which copy holds the experiment that produced the reported numbers.'
                ),
                'fix': (
                    'Give the notebook a name that says what it does (`02-train-baseline.ipynb`), or delete the copy.'
                ),
                'bad': 'notebooks/Untitled1.ipynb\nnotebooks/train-Copy1.ipynb\n',
                'good': (
                    'notebooks/01-explore-data.ipynb\nnotebooks/02-train-baseline.ipynb\n'
                ),
            },
            {
                'code': 'MLR306',
                'name': 'notebook-late-import',
                'category': 'data-hygiene',
                'severity': 'info',
                'summary': 'Notebook imports a module in a cell after the first code cell',
                'description': (
                    'Reports, once per cell, a notebook cell after the first code cell that imports at its top level, '
                    'naming the modules. Imports inside functions are not reported. Applies to notebooks only.'
                ),
                'rationale': (
                    'Imports scattered through a notebook hide its dependencies: a reader cannot see at the top what '
                    'must be installed, and a cell run on its own fails on a name a later import defines.'
                ),
                'fix': 'Move the imports to the first code cell.',
                'bad': (
                    "# In[1]:\nimport pandas as pd\n\n# In[2]:\ndf = pd.read_csv('data.csv')\n\n# In[3]:\nfrom "
                    'sklearn.linear_model import LogisticRegression\nmodel = LogisticRegression()\n'
                ),
                'good': (
                    '# In[1]:\nimport pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n\n# In[2]:\n'
                    "df = pd.read_csv('data.csv')\n\n# In[3]:\nmodel = LogisticRegression()\n"
                ),
            },
            {
                'code': 'MLR307',
                'name': 'notebook-empty-cell',
                'category': 'data-hygiene',
                'severity': 'info',
                'summary': 'Notebook has an empty code cell',
                'description': (
                    'Reports each code cell with no source (or only whitespace). Applies to notebooks only.'
                ),
                'rationale': (
                    'Empty cells are leftovers of editing: noise in the notebook and in every diff of it.'
                ),
                'fix': 'Delete the empty cells.',
                'bad': (
                    "# In[1]:\nimport pandas as pd\n\n# In[ ]:\n\n\n# In[2]:\ndf = pd.read_csv('data.csv')\n"
                ),
                'good': (
                    "# In[1]:\nimport pandas as pd\n\n# In[2]:\ndf = pd.read_csv('data.csv')\n"
                ),
            },
            {
                'code': 'MLR308',
                'name': 'notebook-use-before-define',
                'category': 'data-hygiene',
                'severity': 'warning',
                'summary': 'Notebook cell uses a name that only a cell below it defines',
                'description': (
                    "Reports a name a cell reads when it runs (at the cell's top level, not inside a function body) "
                    'that no cell above it, nor the cell itself, defines, while a cell below it does: run from top to '
                    'bottom, the notebook stops there with a NameError. A star import or a `%run`, `%load` or '
                    '`%store` above a cell, which may define anything, ends the check at that cell. Applies to '
                    'notebooks only.'
                ),
                'rationale': (
                    'The notebook only worked in the order its author happened to run it: anyone re-running it from '
                    'the top (a reviewer, CI, the author next month) gets a NameError, or worse, a stale value.'
                ),
                'fix': (
                    'Move the cell that defines the name above the cell that uses it, then restart and run all cells.'
                ),
                'bad': (
                    "# In[2]:\nprint(df.shape)\n\n# In[1]:\nimport pandas as pd\ndf = pd.read_csv('data.csv')\n"
                ),
                'good': (
                    "# In[1]:\nimport pandas as pd\ndf = pd.read_csv('data.csv')\n\n# In[2]:\nprint(df.shape)\n"
                ),
            },
            {
                'code': 'MLR309',
                'name': 'notebook-unrun-cell',
                'category': 'data-hygiene',
                'severity': 'info',
                'summary': (
                    'Notebook has a code cell that was never run among cells that were'
                ),
                'description': (
                    'Reports, in a notebook committed with execution counts, each code cell with Python code and '
                    'neither a count nor outputs (never run) while other code cells have a count. A notebook whose '
                    'outputs are stripped has no counts at all and is not reported; nor is a cell of shell commands '
                    'only (`!pip install`), often left unrun on purpose. Applies to notebooks only.'
                ),
                'rationale': (
                    'The saved outputs do not come from the code as committed: a cell added or changed later was '
                    'never run, so the results shown below it may not be what the notebook computes.'
                ),
                'fix': (
                    'Restart the kernel and run all cells, or strip the outputs (`nbstripout`).'
                ),
                'bad': (
                    "# In[1]:\nimport pandas as pd\ndf = pd.read_csv('data.csv')\n\n# In[ ]:\ndf = df.dropna()\n\n# "
                    'In[2]:\ndf.describe()\n'
                ),
                'good': (
                    "# In[1]:\nimport pandas as pd\ndf = pd.read_csv('data.csv')\n\n# In[2]:\ndf = df.dropna()\n\n# "
                    'In[3]:\ndf.describe()\n'
                ),
            },
        ),
    },
    'mlrepolint.rules.repo.notebooks:NotebookChecker': {
        'kind': 'repo',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR303',
                'name': 'notebook-with-outputs',
                'category': 'data-hygiene',
                'severity': 'warning',
                'summary': 'Notebook committed with cell outputs',
                'description': (
                    'Reports, once per file, a committed `.ipynb` notebook whose code cells hold outputs or execution '
                    'counts, with how many cells do. Untracked notebooks that are not ignored are reported as '
                    'untracked. Notebooks matching an `allow` glob (tutorials, rendered docs) may keep their outputs, '
                    'and so may the cells nbstripout keeps: `"init_cell": true`, `"keep_output": true` or a '
                    '`keep_output` tag in a cell\'s metadata, or `"keep_output": true` in the notebook\'s for every '
                    'cell that does not say otherwise. The notebooks of a course or a book (a collection repository '
                    'with lesson folders, 20 notebooks or more numbered as chapters such as `01.02-Help.ipynb`, or a '
                    'Jupyter Book, MyST or Quarto `_toc.yml`/`myst.yml`/`_quarto.yml`: see `mlrepolint explain`) are '
                    'read on GitHub with their outputs, which are the lesson, and are not reported (a set of '
                    "competition or experiment notebooks is not a book); nor are the notebooks the repository's "
                    'Markdown links through a notebook viewer (nbviewer, Colab, Binder), which are published to be '
                    'read with their outputs. A file that is not valid notebook JSON is reported as `parse-error`.'
                ),
                'rationale': (
                    'Outputs hold data samples, images, stack traces with local paths and sometimes printed '
                    'credentials; they make the file large, every re-run produces a noisy diff that hides the code '
                    'change, and merges conflict on them.'
                ),
                'fix': (
                    'Clear outputs before committing: `jupyter nbconvert --clear-output --inplace nb.ipynb`, or '
                    'install `nbstripout --install` (a git filter) or its pre-commit hook. Keep rendered results in '
                    'reports, not in the notebook; list tutorial folders in `allow`.'
                ),
                'bad': (
                    '{"cell_type": "code", "execution_count": 3, "source": ["df.head()"],\n "outputs": '
                    '[{"output_type": "execute_result", "data": {"text/plain": ["..."]}}]}\n'
                ),
                'good': (
                    '{"cell_type": "code", "execution_count": null, "source": ["df.head()"], "outputs": []}\n'
                ),
                'options': {
                    'allow': (),
                },
                'autofixes': (
                    {
                        'applicability': 'safe',
                        'what': (
                            "Strips the code cells' outputs and execution counts and the metadata nbstripout strips "
                            "(`collapsed`, `scrolled`, `execution`, `ExecuteTime`; the notebook's `signature` and "
                            '`widgets`), keeping the cells marked `keep_output` (cell metadata or tag, as nbstripout '
                            'reads it); the file keeps its own indentation and key order, so the diff is only the '
                            'outputs.'
                        ),
                    },
                ),
            },
            {
                'code': 'MLR304',
                'name': 'notebook-execution-order',
                'category': 'data-hygiene',
                'severity': 'info',
                'summary': 'Notebook cells were run out of order',
                'description': (
                    "Reports a notebook whose code cells' execution counts go down from top to bottom (a cell ran "
                    'after one below it), naming the first such cell. Cells without a count are skipped, and so is a '
                    'count equal to the one above it (a copied cell keeps the count of the cell it was copied from).'
                ),
                'rationale': (
                    'A notebook whose cells ran out of order shows results that running it top to bottom may not '
                    "reproduce: a later cell changed a variable an earlier cell's output depends on."
                ),
                'fix': (
                    'Restart the kernel and run all cells in order (or clear the outputs) before committing.'
                ),
                'bad': 'In [3]: df = load()\nIn [1]: df.describe()\n',
                'good': 'In [1]: df = load()\nIn [2]: df.describe()\n',
            },
        ),
    },
    'mlrepolint.rules.repo.project_files:ProjectFilesChecker': {
        'kind': 'repo',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR701',
                'name': 'missing-readme',
                'category': 'documentation',
                'severity': 'warning',
                'summary': 'No README, or a README without install and usage instructions',
                'description': (
                    'Reports a repository with no README at its root (`README`, `README.md`, `README.rst`, '
                    '`README.txt`, any case), or whose README has no install instructions (none of `install-words`: '
                    'install, setup, getting started, requirements, `docker build`, `docker compose`...: building the '
                    'container is how a service is installed) or no usage instructions (none of `usage-words`: usage, '
                    'how to, example, run, `python `...). The rubric counts one requirement when there is no README, '
                    'and two (install, usage) when there is one.'
                ),
                'rationale': (
                    'An ML repository without install and run instructions cannot be reproduced: which Python, which '
                    'requirements file, which script trains and with which arguments is exactly the knowledge that '
                    'leaves with its author.'
                ),
                'fix': (
                    'Add a README.md with an Installation section (`pip install -r requirements.txt`) and a Usage '
                    'section (`python -m project.train --config configs/base.yaml`).'
                ),
                'bad': '# churn-model\n\nPredicts churn.\n',
                'good': (
                    '# churn-model\n\n## Installation\n\npip install -r requirements.txt\n\n## Usage\n\npython '
                    'train.py\n'
                ),
                'options': {
                    'install-words': (
                        'install',
                        'setup',
                        'set up',
                        'getting started',
                        'requirements',
                        'dependencies',
                        'docker build',
                        'docker compose',
                        'docker-compose',
                        'docker pull',
                    ),
                    'usage-words': (
                        'usage',
                        'how to',
                        'example',
                        'quick start',
                        'quickstart',
                        'run',
                        'python ',
                        'train',
                    ),
                },
            },
            {
                'code': 'MLR702',
                'name': 'missing-tests',
                'category': 'testing',
                'severity': 'warning',
                'summary': (
                    "The project's modules have no tests, or too few, that exercise them"
                ),
                'description': (
                    "Counts the test functions that exercise the project and compares them with the project's "
                    'modules. The modules are its Python files other than tests, `__init__.py`, `setup.py`, '
                    '`conftest.py`, `noxfile.py`, `conf.py`, `manage.py`, files under `docs/`, `doc/`, `examples/` or '
                    '`example/` and files of a project template (a path with `{{`); a repository with fewer than '
                    '`min-modules` of them (a notebook-only one) is not asked for tests, nor is a notebook or course '
                    "collection (a book, lesson folders: the project model's kind, `mlrepolint explain`) whose "
                    'modules are only scripts and notebook helpers, with no app module and no package: there '
                    '`untested-notebooks` asks for the notebooks to be run. Test files are `test_*.py`, `*_test.py`, '
                    '`tests.py` and Python files under a `tests/` or `test/` folder. A test function (`def test...`, '
                    'at any depth) counts when its file asserts something (`assert`, `self.assert...`, `assert_...(`, '
                    '`pytest.raises`) and exercises the project: the file, its `conftest.py` files or the test '
                    "helpers it imports import one of the project's modules, or run it as a command (`subprocess`, "
                    "`runpy`, click's or typer's test runners). An empty test file, or one that tests nothing of the "
                    'project, earns nothing.\n\nThe rubric expects `tests-per-module` test functions per module '
                    '(default 0.25: one for every four modules, rounded up, the ratio mllint asks of test files): it '
                    'examines that many units, and the one finding fails those that are missing, so 3 test functions '
                    'where 10 are expected score 0.3.'
                ),
                'rationale': (
                    'Without even a smoke test, a refactor of the feature pipeline or a library upgrade silently '
                    'changes what the model sees; a test on a tiny synthetic batch catches shape, dtype and leakage '
                    'bugs in seconds. A test file that imports nothing of the project, or asserts nothing, catches '
                    'none of them.'
                ),
                'fix': (
                    'Add `tests/test_<module>.py` with pytest tests that import the module and assert on small '
                    'synthetic data (a few rows, one training step).'
                ),
                'bad': (
                    'src/churn/features.py\nsrc/churn/train.py\ntests/test_placeholder.py   # def test_nothing(): '
                    'pass\n'
                ),
                'good': (
                    'src/churn/features.py\nsrc/churn/train.py\ntests/test_features.py      # from churn.features '
                    'import encode; def test_encode(): assert ...\n'
                ),
                'options': {
                    'min-modules': 1,
                    'tests-per-module': 0.25,
                },
            },
            {
                'code': 'MLR707',
                'name': 'untested-notebooks',
                'category': 'testing',
                'severity': 'warning',
                'summary': "The notebooks are the project's code, and nothing runs them",
                'description': (
                    'Applies where `missing-tests` does not because the notebooks are the code: a repository with '
                    'notebooks and no Python modules of its own to test, or a notebook or course collection whose '
                    "modules are only scripts and notebook helpers (the project model's kind, `mlrepolint explain`). "
                    'Reports it when no CI configuration (the `missing-ci` files), task runner (`tox.ini`, '
                    '`noxfile.py`, a Makefile, a justfile), test file or pytest configuration (`--nbmake`, `--nbval` '
                    'in `pyproject.toml`, `setup.cfg` or `pytest.ini`) executes notebooks: nbmake, nbval, '
                    'pytest-notebook, papermill, testbook, treon, nbclient, `jupyter nbconvert --execute`, `jupyter '
                    'execute`, `jupytext --execute`, `nbdev_test`, or a book build that executes them (`jupyter-book '
                    'build`, `quarto render`). Files are read as text, nothing is run. The rubric counts one '
                    'requirement for the repository.'
                ),
                'rationale': (
                    'A notebook nobody re-runs rots: a renamed pandas argument, a moved scikit-learn import or a '
                    'deleted data file breaks it silently, and its committed outputs keep showing results it can no '
                    'longer produce. Executing the notebooks in CI is their test suite.'
                ),
                'fix': (
                    'Run the notebooks in CI: `pip install nbmake` and `pytest --nbmake notebooks/` in a workflow (or '
                    '`jupyter nbconvert --to notebook --execute`); give slow ones a small sample of the data.'
                ),
                'bad': 'analysis.ipynb\nmodel.ipynb\nrequirements.txt\n',
                'good': (
                    'analysis.ipynb\nmodel.ipynb\nrequirements.txt\n.github/workflows/notebooks.yml   # run: pytest '
                    '--nbmake *.ipynb\n'
                ),
            },
            {
                'code': 'MLR703',
                'name': 'missing-gitignore',
                'category': 'data-hygiene',
                'severity': 'warning',
                'summary': 'No .gitignore at the repository root',
                'description': (
                    'Reports a repository with files but no `.gitignore` at its root. It is a data-hygiene rule: the '
                    '.gitignore is what keeps datasets, model weights, `.env` files, virtual environments and '
                    'notebook checkpoints out of the history. The rubric counts one requirement.'
                ),
                'rationale': (
                    'Without a .gitignore the first `git add .` commits the 2 GB training set, the checkpoints folder '
                    'and the `.env` with the cloud credentials; removing them later means rewriting history.'
                ),
                'fix': (
                    "Add a `.gitignore` (start from GitHub's Python template) and add your data and model folders to "
                    'it.'
                ),
                'bad': 'data/train.csv\ntrain.py\n',
                'good': (
                    '.gitignore\ndata/train.csv   # ignored by `data/` in .gitignore\ntrain.py\n'
                ),
                'autofixes': (
                    {
                        'applicability': 'safe',
                        'what': (
                            "Creates `.gitignore` with Python's caches and the entries `gitignore-gaps` would ask for "
                            '(the data folder, `.env`, the virtual environment, `.ipynb_checkpoints/`), under a '
                            'comment.'
                        ),
                    },
                ),
            },
            {
                'code': 'MLR704',
                'name': 'gitignore-gaps',
                'category': 'data-hygiene',
                'severity': 'warning',
                'summary': (
                    'The .gitignore does not cover data, `.env`, a virtualenv or notebook checkpoints the repo has'
                ),
                'description': (
                    'When the root `.gitignore` exists, reports each kind of file the repository has that no '
                    '`.gitignore` entry covers: a data folder (a folder that holds data files: data files make up at '
                    'least half of its files, or it is named in `data-dirs` and holds files that are not code, docs '
                    'or DVC pointers), a `.env` file (`.env.example` and other templates are fine), a virtual '
                    'environment, notebook checkpoints (a repository with notebooks needs `.ipynb_checkpoints`). '
                    'Nested `.gitignore` files count. A repository without a `.gitignore` is left to '
                    '`missing-gitignore`. Never data folders: folders inside an import package (`timm/data/` is '
                    'source), test fixtures, docs assets, templates, folders of configuration or requirement files '
                    '(`configs/data/`, `requirements/data/`), and what DVC manages (`.dvc` pointers and `dvc.yaml` '
                    'outputs: DVC writes its own `.gitignore` entries, and ignoring the folder would break it), data '
                    "files the repository's Markdown links to or loads by URL, and the data of a course or book (a "
                    'collection of lessons or notebooks, see `mlrepolint explain`). The rubric counts the kinds '
                    'present.'
                ),
                'rationale': (
                    'An entry missing for a folder the repository has is a commit waiting to happen: the next `git '
                    'add .` takes the dataset, the credentials or a 500 MB virtualenv with it.'
                ),
                'fix': (
                    'Add the reported entries to `.gitignore` (`data/`, `.env`, `.venv/`, `.ipynb_checkpoints/`).'
                ),
                'bad': '# .gitignore\n__pycache__/\n',
                'good': (
                    '# .gitignore\n__pycache__/\ndata/\n.env\n.venv/\n.ipynb_checkpoints/\n'
                ),
                'options': {
                    'data-dirs': (
                        'data',
                        'datasets',
                        'dataset',
                    ),
                },
                'autofixes': (
                    {
                        'applicability': 'safe',
                        'what': (
                            'Appends the reported entries to the root `.gitignore` under a comment, leaving every '
                            'existing line as it is. Files git already tracks stay tracked (see `committed-dataset` '
                            'for `git rm --cached`).'
                        ),
                    },
                ),
            },
        ),
    },
    'mlrepolint.rules.repo.project_setup:ProjectSetupChecker': {
        'kind': 'repo',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR710',
                'name': 'missing-ci',
                'category': 'project-setup',
                'severity': 'warning',
                'summary': 'No continuous integration configured',
                'description': (
                    'Reports a repository with Python code or notebooks and none of `ci-files`: GitHub Actions '
                    'workflows (`.github/workflows/*.yml`), `.gitlab-ci.yml`, `azure-pipelines.yml`, '
                    '`.circleci/config.yml`, a `Jenkinsfile`, `.travis.yml`, `bitbucket-pipelines.yml`, Drone, '
                    'Buildkite, AppVeyor, Woodpecker or Google Cloud Build files. The rubric counts one requirement, '
                    'in the low-weight project set-up category.'
                ),
                'rationale': (
                    "Tests and linters that only run on the author's laptop stop running the day they become slow; CI "
                    'runs them on every change, so a broken feature pipeline is caught before the next training run '
                    'uses it.'
                ),
                'fix': (
                    'Add a workflow that installs the project and runs its tests and linters on every push and pull '
                    'request (`.github/workflows/ci.yml` with `pytest` and `mlrepolint .`).'
                ),
                'bad': 'train.py\ntests/test_train.py\n',
                'good': 'train.py\ntests/test_train.py\n.github/workflows/ci.yml\n',
                'options': {
                    'ci-files': (
                        '.github/workflows/*.yml',
                        '.github/workflows/*.yaml',
                        '.gitlab-ci.yml',
                        '.gitlab-ci.yaml',
                        'azure-pipelines.yml',
                        'azure-pipelines.yaml',
                        '.azure-pipelines/*.yml',
                        '.azure-pipelines/*.yaml',
                        '.circleci/config.yml',
                        '.circleci/config.yaml',
                        'Jenkinsfile',
                        '*.jenkinsfile',
                        '.travis.yml',
                        'bitbucket-pipelines.yml',
                        '.drone.yml',
                        '.buildkite/*.yml',
                        '.buildkite/*.yaml',
                        'appveyor.yml',
                        '.appveyor.yml',
                        '.woodpecker.yml',
                        '.woodpecker/*.yml',
                        'cloudbuild.yaml',
                        'cloudbuild.yml',
                    ),
                },
            },
            {
                'code': 'MLR711',
                'name': 'missing-pre-commit',
                'category': 'project-setup',
                'severity': 'info',
                'summary': 'No pre-commit configuration',
                'description': (
                    'Reports a repository with Python code or notebooks and no `.pre-commit-config.yaml` at its root. '
                    'An `info` finding in the low-weight project set-up category: it informs more than it costs.'
                ),
                'rationale': (
                    'pre-commit runs the linters, strips notebook outputs and scans for secrets before each commit, '
                    'so the things that are hard to take out of git history never get into it.'
                ),
                'fix': (
                    'Add a `.pre-commit-config.yaml` with a linter (ruff), nbstripout for notebooks and a secret scan '
                    '(detect-secrets or gitleaks), and run `pre-commit install`.'
                ),
                'bad': 'train.py\nanalysis.ipynb\n',
                'good': 'train.py\nanalysis.ipynb\n.pre-commit-config.yaml\n',
            },
            {
                'code': 'MLR712',
                'name': 'pre-commit-gaps',
                'category': 'project-setup',
                'severity': 'info',
                'summary': (
                    'The pre-commit configuration runs no linter, no nbstripout for the notebooks, or no secret scan'
                ),
                'description': (
                    'When `.pre-commit-config.yaml` exists, reports each of these it does not run (by hook id, or the '
                    "command a local hook's `entry` runs): a linter (`linter-hooks`: ruff, flake8, pylint, mypy, "
                    'mlrepolint...), a notebook output stripper when the repository has notebooks (`notebook-hooks`: '
                    'nbstripout, nb-clean...), and a secret scan (`secret-hooks`: detect-secrets, gitleaks, '
                    'trufflehog, detect-private-key, mlrepolint...). A local hook that runs a task runner (`make '
                    'style`, `tox -e lint`, a shell script) is taken to run a linter, since what it runs cannot be '
                    'read from the configuration. The rubric counts one unit per check that applies; the findings are '
                    '`info`.'
                ),
                'rationale': (
                    'A pre-commit configuration that only fixes whitespace lets through what matters in an ML '
                    'repository: notebooks with their outputs and data, credentials in config files, and code no '
                    'linter has read.'
                ),
                'fix': (
                    'Add the missing hooks: `ruff` (astral-sh/ruff-pre-commit), `nbstripout` (kynan/nbstripout), '
                    '`detect-secrets` (Yelp/detect-secrets) or `gitleaks`.'
                ),
                'bad': (
                    '# .pre-commit-config.yaml\nrepos:\n  - repo: https://github.com/psf/black\n    rev: 24.4.2\n    '
                    'hooks:\n      - id: black\n'
                ),
                'good': (
                    '# .pre-commit-config.yaml\nrepos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    '
                    'rev: v0.5.0\n    hooks:\n      - id: ruff\n  - repo: https://github.com/kynan/nbstripout\n    '
                    'rev: 0.7.1\n    hooks:\n      - id: nbstripout\n  - repo: '
                    'https://github.com/gitleaks/gitleaks\n    rev: v8.18.4\n    hooks:\n      - id: gitleaks\n'
                ),
                'options': {
                    'linter-hooks': (
                        'ruff',
                        'ruff-check',
                        'flake8',
                        'pylint',
                        'pyflakes',
                        'pycodestyle',
                        'mypy',
                        'pyright',
                        'mlrepolint',
                        'mlrepolint-repo',
                        'nbqa-ruff',
                        'nbqa-flake8',
                        'nbqa-pylint',
                        'bandit',
                    ),
                    'notebook-hooks': (
                        'nbstripout',
                        'nb-clean',
                        'nbdev_clean',
                        'nbdev-clean',
                        'jupyter-nb-clear-output',
                    ),
                    'secret-hooks': (
                        'detect-secrets',
                        'gitleaks',
                        'trufflehog',
                        'detect-private-key',
                        'detect-aws-credentials',
                        'ggshield',
                        'talisman-commit',
                        'secretlint',
                        'mlrepolint',
                        'mlrepolint-repo',
                    ),
                },
            },
            {
                'code': 'MLR713',
                'name': 'missing-license',
                'category': 'project-setup',
                'severity': 'warning',
                'summary': 'No licence file, and no licence declared in pyproject.toml',
                'description': (
                    'Reports a repository with no `LICENSE`, `LICENCE`, `COPYING` or `UNLICENSE` file (any case, any '
                    "extension) at its root, and no `license` in the root `pyproject.toml`'s `[project]` table. The "
                    'rubric counts one requirement, in the low-weight project set-up category.'
                ),
                'rationale': (
                    'Code without a licence cannot legally be reused, forked or deployed by anyone else: for a model '
                    "or a pipeline meant to be shared, the missing file is a blocker for every user's legal review."
                ),
                'fix': (
                    'Add a `LICENSE` file (choosealicense.com; MIT, BSD-3-Clause and Apache-2.0 are common for ML '
                    'code) and declare it in `pyproject.toml` (`license = "MIT"`).'
                ),
                'bad': 'README.md\ntrain.py\n',
                'good': 'LICENSE\nREADME.md\ntrain.py\n',
            },
            {
                'code': 'MLR714',
                'name': 'dvc-lock-missing',
                'category': 'project-setup',
                'severity': 'warning',
                'summary': 'A DVC pipeline (`dvc.yaml`) without its `dvc.lock`',
                'description': (
                    'Reports each `dvc.yaml` with no `dvc.lock` next to it in the repository. `dvc.lock` records the '
                    "hashes of every stage's dependencies and outputs after `dvc repro`. The rubric counts one unit "
                    'per `dvc.yaml`.'
                ),
                'rationale': (
                    'Without `dvc.lock` nobody can tell which data and code produced the committed model or metrics, '
                    'and `dvc repro` cannot say which stages are up to date: the pipeline is declared but not '
                    'reproducible.'
                ),
                'fix': (
                    'Run `dvc repro` (or `dvc commit`) and commit `dvc.lock` with `dvc.yaml`.'
                ),
                'bad': 'dvc.yaml\nsrc/train.py\n',
                'good': 'dvc.yaml\ndvc.lock\nsrc/train.py\n',
            },
            {
                'code': 'MLR715',
                'name': 'dvc-remote-missing',
                'category': 'project-setup',
                'severity': 'warning',
                'summary': 'DVC is used but no remote is configured in `.dvc/config`',
                'description': (
                    'Reports a repository that uses DVC (a `.dvc` folder, `.dvc` files or a `dvc.yaml`) whose '
                    'committed `.dvc/config` (read as text) has no `[\'remote "name"\']` section, or that has no '
                    '`.dvc/config` at all. A remote kept only in the uncommitted `.dvc/config.local` does not count: '
                    'nobody else can pull from it. The rubric counts one requirement.'
                ),
                'rationale': (
                    'DVC keeps the data out of git and its hashes in git; without a shared remote the data lives only '
                    "in the author's cache, so a clone has pointers to files nobody can fetch."
                ),
                'fix': (
                    '`dvc remote add -d storage s3://bucket/path` (or gs://, azure://, ssh://, a shared folder) and '
                    'commit `.dvc/config`; keep credentials in `.dvc/config.local`.'
                ),
                'bad': '# .dvc/config\n[core]\n    autostage = true\n',
                'good': (
                    '# .dvc/config\n[core]\n    remote = storage\n[\'remote "storage"\']\n    url = '
                    's3://ml-data/churn\n'
                ),
            },
        ),
    },
    'mlrepolint.rules.repo.python_version:PythonVersionChecker': {
        'kind': 'repo',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR503',
                'name': 'python-version-undeclared',
                'category': 'dependencies',
                'severity': 'warning',
                'summary': 'The project does not declare which Python version it needs',
                'description': (
                    'Reports a repository with Python files or notebooks that declares its Python version nowhere: '
                    "not in `pyproject.toml` (`requires-python`, or Poetry's `python` dependency), `setup.py` "
                    '(`python_requires`, passed directly, through a variable, or in a dict passed as `**kwargs`; the '
                    'file is parsed, never run), `setup.cfg` (`[options] python_requires`, where a `setup.py` that '
                    'calls a bare `setup()` delegates it), `.python-version`, `runtime.txt` (`python-3.9.7` or '
                    '`3.9`), `.tool-versions`, a conda environment file (`- python=3.11`), a `Pipfile` '
                    '(`python_version`), an MLflow `python_env.yaml` (`python: 3.10`), or a Dockerfile whose base '
                    'image is a pinned `python:3.x` tag (`python:latest` and an untagged `python` are not pins). The '
                    'rubric counts one requirement.'
                ),
                'rationale': (
                    'Pickled models, NumPy and PyTorch wheels and even `dict` ordering differ between Python '
                    'versions; a training run that cannot say which interpreter it used cannot be reproduced.'
                ),
                'fix': (
                    'Add `requires-python = ">=3.10"` to `[project]` in pyproject.toml, or a `.python-version` file.'
                ),
                'bad': '[project]\nname = "churn"\ndependencies = ["pandas==2.2.2"]\n',
                'good': (
                    '[project]\nname = "churn"\nrequires-python = ">=3.10"\ndependencies = ["pandas==2.2.2"]\n'
                ),
            },
        ),
    },
    'mlrepolint.rules.repo.secrets.checker:SecretChecker': {
        'kind': 'repo',
        'by_file': True,
        'shares': True,
        'rules': (
            {
                'code': 'MLR402',
                'name': 'hardcoded-secret',
                'category': 'security',
                'severity': 'error',
                'summary': 'Credential hardcoded in code, a notebook or a config file',
                'description': (
                    'Reports credentials by their provider-specific shape, wherever they appear: AWS access key ids '
                    'and secret access keys; GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`); '
                    'GitLab tokens (`glpat-`, `gldt-`, `glrt-`, `glcbt-`, `glptt-`, `glft-`, `glimt-`, `glagent-`, '
                    '`gloas-`, `glsoat-`, `glffct-`, runner registration `GR1348941...`, `_gitlab_session`); Slack '
                    'tokens (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxo-`, `xoxe-`, `xapp-`) and webhook, '
                    'workflow and trigger URLs; Hugging Face tokens (`hf_`, `api_org_`); OpenAI (`sk-`, '
                    '`sk-proj-`...; other `sk-` keys as OpenAI-compatible), Anthropic (`sk-ant-api03-`, '
                    '`sk-ant-admin01-`), Groq (`gsk_`), Perplexity (`pplx-`) and Databricks (`dapi`) keys; Google API '
                    'keys (`AIza...`); Stripe secret and restricted keys (`sk_live_`, `rk_live_`, `sk_test_`...); '
                    'PyPI upload tokens (`pypi-AgEI...`); npm tokens (`npm_`); SendGrid keys (`SG.`); Twilio API keys '
                    '(`SK` + 32 hex); Azure storage account keys (`AccountKey=`); JSON Web Tokens (a JSON header and '
                    'payload; a Supabase-style public `anon` key is not reported); private key blocks (`-----BEGIN '
                    '... PRIVATE KEY-----` followed by a key body, OpenSSH, PGP, SSH2 and PuTTY keys), in any file '
                    '(`id_rsa`, `*.pem`, `*.key`...); PKCS#12 key stores (`*.p12`, `*.pfx`) by name; Google '
                    'service-account JSON keys (`"type": "service_account"` with a `private_key`, one finding); '
                    'Weights & Biases keys (`wandb.login(key=...)`, `wandb login KEY`, `WANDB_API_KEY=`); Kaggle keys '
                    '(`kaggle.json`); `.netrc` passwords (`machine ... login ... password ...`); passwords in URLs '
                    '(`scheme://user:password@host`); and a random-looking literal assigned to a secret-looking name '
                    'wherever the secret word sits in it (`api_key`, `WANDB_API_KEY_PROD`, `some_api_token_123`, '
                    '`client_secret`, `db_pass`, `mySecretString`), through `=`, `:`, `:=`, `=>`, a JSON or YAML key, '
                    'or a call such as `os.environ.setdefault("API_KEY", "...")`. A bare `key` (`key=` keyword '
                    'arguments, JSON `"key"` fields) counts only for a machine-made token of 20+ characters.\n\n'
                    'Scanned: every text file of the repository, each once: Python files, notebooks (cell sources and '
                    'text outputs; image data is skipped), YAML, JSON, TOML, INI and CFG files, Dockerfiles, `.env` '
                    'files (and their templates), shell scripts, `.txt`, Markdown and extensionless files; HTML '
                    "pages, notebooks' HTML outputs and web code (`.js`, `.ts`, `.css`...) for provider-shaped keys "
                    'only (page tokens, analytics beacons and CSRF nonces are public, and `name = expression` in code '
                    'is no secret). Not read: binary files, images, archives, model weights, tabular data (`.csv`, '
                    '`.parquet`...), lockfiles, and files larger than `max-file-size` bytes (notebooks excepted).\n\n'
                    'Not flagged: values read from the environment (`os.environ[...]`, `os.getenv("X")`), empty '
                    'values, placeholders and redactions (`<your-token>`, `${VAR}`, `{{ var }}`, `ghp_xxxx...`, '
                    '`AKIAXXXXXXXXXXXXXXXX`, `...-####`, `RANDOMSTRINGHERE`, runs and ascending sequences of '
                    'characters, `changeme`, `EXAMPLE` keys, a single word such as `HuggingFace`), names that '
                    'describe a secret rather than hold it (`secret_name`, `token_url`, `max_tokens`, `public_key`, '
                    '`pad_token`, `csrf_token`), the example names of docs (`MY_KEY`, `your_token`), prose that '
                    'describes a variable (`HF_TOKEN`: the token...), code identifiers that start like a token '
                    '(`hf_hub_download`), database-image default passwords in URLs (`postgres:postgres@`) and '
                    'upper-case names standing for one (`postgresql://DB_USER:DB_PASSWORD@...`), presigned S3 and GCS '
                    'URLs (`X-Amz-Credential` with `X-Amz-Signature`, `X-Goog-Signature`: a time-limited grant, not a '
                    'leaked key), keys that SDKs and emulators publish on purpose, and lines carrying `# mlrepolint: '
                    'allow-secret` (for plainly fake test fixtures). One finding per secret per line. The secret '
                    'itself is never printed: findings show its kind and a masked form such as '
                    '`AKIA************2345`.\n\nSources: the token shapes follow the public rule lists of gitleaks '
                    "(`cmd/generate/config/rules/`) and detect-secrets (`detect_secrets/plugins/`), Nosey Parker's "
                    "Groq rule and the providers' documentation (Weights & Biases: 40-character legacy and longer new "
                    'keys; Kaggle: `kaggle.json`). `benchmarks/secrets_agreement.py` measures agreement with both '
                    "projects' published true- and false-positive samples per kind (see `benchmarks/RESULTS.md`)."
                ),
                'rationale': (
                    'A key in a repository is a key published: clones, forks, CI logs and notebook exports all carry '
                    'it, and bots scan public repositories for cloud and model-API keys within minutes. Leaked keys '
                    'run up GPU and API bills and expose training data.'
                ),
                'fix': (
                    'Rotate the key first (revoke it at the provider and issue a new one): it is in the history '
                    'already. Then read it from the environment (`os.environ["OPENAI_API_KEY"]`, a git-ignored `.env` '
                    'loaded with python-dotenv) or a secret manager, and purge it from history with `git filter-repo` '
                    'if the repository is shared. For a plainly fake test value, add `# mlrepolint: allow-secret` to '
                    'its line.'
                ),
                'bad': (
                    'client = OpenAI(api_key="sk-proj-...")  # the real key, pasted\n'
                ),
                'good': (
                    'import os\n\nclient = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n'
                ),
                'options': {
                    'max-file-size': 5000000,
                },
            },
        ),
    },
    'mlrepolint.rules.python.structure:StructureChecker': {
        'kind': 'python',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR201',
                'name': 'top-level-execution',
                'category': 'structure',
                'severity': 'warning',
                'summary': 'Module-level statement does work at import time',
                'description': (
                    'Reports a module-level statement outside the `if __name__ == "__main__":` guard that does work '
                    'when the module is imported: a call used as a statement (`main()`, `model.fit(X, y)`, '
                    '`plt.show()`), a `while` or `with` block, a `for` loop whose body (or what it loops over) does '
                    'such work, or an assignment whose value calls a data-loading, training or I/O function (option '
                    '`work-calls`, glob patterns over the dotted call name such as `*.read_*` or `torch.load`) or a '
                    'function of the repository that does: one defined in the same file whose body calls a '
                    '`work-calls` function, or one imported from a loose module of the repository (`from utils import '
                    'load_data`) that does I/O. Statements inside module-level `if` and `try` blocks count too.\n\n'
                    'Applies to entry scripts, library modules, package `__init__`s and app modules (see `mlrepolint '
                    'explain`), and test modules. Not flagged: imports, definitions, docstrings, constants, '
                    '`__all__`, `logger = logging.getLogger(...)`, `TypeVar(...)`, `re.compile(...)`, `app = '
                    'FastAPI()`, `if TYPE_CHECKING:`, `try: import x / except ImportError:`, loops that only fill '
                    'in-memory constants (`for k in NAMES: TABLE[k] = ...`), configuration and registration calls '
                    'listed in `allowed-calls` (`warnings.filterwarnings`, `np.random.seed`, `register_model(...)`, '
                    '`app.include_router(...)`, `mlflow.set_tracking_uri(...)`; `import-time-configuration` reports '
                    'configuration in importable modules). In an app module (a FastAPI, Flask, Gradio or Ray Serve '
                    'app, an AWS Lambda handler...), loading what it serves at import (`model = joblib.load(...)`, '
                    '`with open(...) as f: model = pickle.load(f)`: the cold-start pattern) is not flagged. Never '
                    'checked: Streamlit pages (Streamlit runs them top to bottom), Sphinx-Gallery examples, '
                    'configuration files (`setup.py`, Sphinx `conf.py`, `hubconf.py`...), templates and generated '
                    'code, and files in `exempt` (`setup.py`, `conftest.py`, `__main__.py`, `noxfile.py`, ...); '
                    'notebooks are not Python files here.'
                ),
                'rationale': (
                    'A notebook turned into `train.py` loads the dataset and trains the model the moment anything '
                    'imports it: tests, a serving app or `multiprocessing` workers re-run the whole pipeline, and no '
                    'function in it can be reused or tested on its own.'
                ),
                'fix': (
                    'Move the work into functions and call them from `main()` under `if __name__ == "__main__":`; '
                    'keep only imports, constants and definitions at module level.'
                ),
                'bad': (
                    'import pandas as pd\n\ndf = pd.read_csv("data/train.csv")\nmodel.fit(df[FEATURES], df["y"])\n'
                ),
                'good': (
                    'import pandas as pd\n\n\ndef main():\n    df = pd.read_csv("data/train.csv")\n    '
                    'model.fit(df[FEATURES], df["y"])\n\n\nif __name__ == "__main__":\n    main()\n'
                ),
                'options': {
                    'work-calls': (
                        'open',
                        '*.open',
                        'read_*',
                        '*.read_*',
                        '*.read',
                        '*.load',
                        '*.loads',
                        'load',
                        'np.load*',
                        '*.loadtxt',
                        '*.genfromtxt',
                        '*.from_pretrained',
                        'load_dataset',
                        '*.load_dataset',
                        '*.fit',
                        '*.fit_transform',
                        '*.fit_generator',
                        '*.partial_fit',
                        '*.train',
                        '*.predict',
                        '*.predict_proba',
                        '*.transform',
                        '*.evaluate',
                        '*.score',
                        'cross_val_score',
                        '*.cross_val_score',
                        'cross_validate',
                        'train_test_split',
                        '*.train_test_split',
                        'requests.*',
                        'httpx.*',
                        'urlopen',
                        '*.urlopen',
                        '*.download',
                        '*.urlretrieve',
                        '*.connect',
                        'create_engine',
                        '*.create_engine',
                        '*.execute',
                        '*.query',
                        '*.sql',
                        '*.parse_args',
                        'subprocess.*',
                        'os.system',
                        'os.popen',
                        '*.to_csv',
                        '*.to_parquet',
                        '*.save',
                        '*.savefig',
                        '*.dump',
                        'input',
                        '*.glob',
                        'glob',
                        '*.listdir',
                        '*.walk',
                        '*.iterdir',
                        '*.compute',
                        '*.collect',
                        '*.safe_load',
                    ),
                    'allowed-calls': (
                        'warnings.*',
                        'matplotlib.use',
                        'mpl.use',
                        'sys.path.*',
                        'os.environ.setdefault',
                        'load_dotenv',
                        'dotenv.load_dotenv',
                        '*.seed',
                        '*.manual_seed',
                        'set_seed',
                        '*.set_seed',
                        'pd.set_option',
                        'pd.options.*',
                        'np.set_printoptions',
                        'sns.set*',
                        'plt.style.use',
                        'plt.rc',
                        'plt.rcParams.update',
                        '*.setLevel',
                        '*.addHandler',
                        'logging.basicConfig',
                        '*.register',
                        'register_*',
                        '*.register_*',
                        '_register*',
                        '*._register*',
                        '*.add_argument',
                        '*.add_argument_group',
                        '*.set_defaults',
                        '*.filterwarnings',
                        '*.simplefilter',
                        '*.disable_eager_execution',
                        '*.set_verbosity*',
                        '*.set_float32_matmul_precision',
                        '*.set_num_threads',
                        '*.set_default_dtype',
                        '*.use_deterministic_algorithms',
                        '*.extend',
                        '*.append',
                        '*.update',
                        '*.insert',
                        '*.setdefault',
                        '*.add',
                        '__all__.*',
                        'nltk.download',
                        '*.importorskip',
                        'importlib.import_module',
                        'setattr',
                        '*.include_router',
                        '*.add_middleware',
                        '*.mount',
                        '*.add_url_rule',
                        '*.register_blueprint',
                        '*.add_api_route',
                        '*.add_exception_handler',
                        '*.add_event_handler',
                        'mlflow.set_*',
                        'mlflow.autolog',
                        'mlflow.*.autolog',
                        'rootutils.setup_root',
                        'pyrootutils.setup_root',
                        'torch._C._jit_set_*',
                    ),
                    'exempt': (
                        'setup.py',
                        'conftest.py',
                        'conf.py',
                        '__main__.py',
                        'noxfile.py',
                        'fabfile.py',
                        'manage.py',
                    ),
                },
                'notebooks': False,
                'autofixes': (
                    {
                        'applicability': 'unsafe',
                        'what': (
                            'In an entry script without a main guard: moves the module-level work into `def main():` '
                            'and adds `if __name__ == "__main__": main()`, keeping imports, constants, definitions '
                            'and declarations at module level and every comment (a script that defines `main` and '
                            'calls it at module level gets the guard around the call). Refused, with the reason, when '
                            'the move could change what the script does: a moved name is read by a function or class '
                            'at module level or is rebound there, a `global` statement, `__all__` naming a moved '
                            'name, a star import, `globals()`/`locals()`/`vars()`/`exec`/`eval`, or another module of '
                            'the repository importing the script.'
                        ),
                    },
                ),
            },
            {
                'code': 'MLR202',
                'name': 'missing-main-guard',
                'category': 'structure',
                'severity': 'warning',
                'summary': 'Script without an `if __name__ == "__main__":` guard',
                'description': (
                    'Reports, once per file, an entry script without a main guard that does work at its top level (as '
                    '`top-level-execution` defines it) or starts with a `#!` line. Entry scripts are what the project '
                    'model says is run (see `mlrepolint explain`): a file named as something to run by a Dockerfile, '
                    'Makefile, Procfile, shell or CI script, README code block, `MLproject` or `dvc.yaml`; a file '
                    'with a `#!` line, a main guard or command-line parsing; a loose file outside every package that '
                    'runs code at its top level and that no file imports. Never asked for a guard: library modules, '
                    'package `__init__`s, app modules (a server imports them), tests, configuration, console-script '
                    'modules (called through a function), Sphinx-Gallery examples, and files exempt from '
                    '`top-level-execution`. Either quote style and either operand order count as a guard; `!=` does '
                    'not.'
                ),
                'rationale': (
                    'Without the guard a training script cannot be imported by tests, by a serving process or by '
                    '`multiprocessing` (DataLoader workers re-import the main module) without running the whole job.'
                ),
                'fix': (
                    'Wrap the script\'s work in `main()` and call it under `if __name__ == "__main__":`.'
                ),
                'bad': (
                    '#!/usr/bin/env python\nimport train\n\ntrain.run("config.yaml")\n'
                ),
                'good': (
                    '#!/usr/bin/env python\nimport train\n\nif __name__ == "__main__":\n    train.run("config.yaml")\n'
                ),
                'notebooks': False,
                'autofixes': (
                    {
                        'applicability': 'unsafe',
                        'what': (
                            'In an entry script without a main guard: moves the module-level work into `def main():` '
                            'and adds `if __name__ == "__main__": main()`, keeping imports, constants, definitions '
                            'and declarations at module level and every comment (a script that defines `main` and '
                            'calls it at module level gets the guard around the call). Refused, with the reason, when '
                            'the move could change what the script does: a moved name is read by a function or class '
                            'at module level or is rebound there, a `global` statement, `__all__` naming a moved '
                            'name, a star import, `globals()`/`locals()`/`vars()`/`exec`/`eval`, or another module of '
                            'the repository importing the script.'
                        ),
                    },
                ),
            },
            {
                'code': 'MLR203',
                'name': 'import-time-configuration',
                'category': 'structure',
                'severity': 'warning',
                'summary': 'Library module changes global configuration when imported',
                'description': (
                    'Reports a module-level statement (outside the `if __name__ == "__main__":` guard, inside '
                    'module-level `if` and `try` blocks too) of a library module or a package `__init__` that changes '
                    'the configuration of the whole process: `logging.basicConfig(...)` and `logging.config` calls, '
                    'handlers added to or a level set on the root logger (`logging.getLogger().addHandler(...)`), '
                    "loguru's `logger.add` / `logger.remove`, `warnings.filterwarnings` / `simplefilter`, changes to "
                    '`sys.path`, `matplotlib.use(...)`, `load_dotenv()`, random seeds (`random.seed`, '
                    '`np.random.seed`, `torch.manual_seed`, `tf.random.set_seed`, `set_seed`, `seed_everything`), '
                    '`mlflow.set_tracking_uri` / `set_experiment` / `autolog`, and `pd.set_option` or assignments to '
                    "`pd.options`. Names are resolved through the module's imports (`import numpy as np`, `from "
                    'dotenv import load_dotenv`). Entry scripts, app modules, tests and configuration files may '
                    "configure their own process and are not checked; which role a file has is the project model's "
                    '(see `mlrepolint explain`).'
                ),
                'rationale': (
                    "A library module is imported by other people's programs: a `logging.basicConfig` or a warnings "
                    'filter there silently changes how every importer logs and warns, a seed resets their random '
                    'state, a `sys.path` change makes their imports depend on the working directory, and '
                    '`load_dotenv` or `mlflow.set_tracking_uri` points their runs somewhere they did not choose.'
                ),
                'fix': (
                    'Move the call into the entry script (its `main()`), or into a function the caller runs (`def '
                    'setup_logging(): ...`). A library module only creates its own `logger = '
                    'logging.getLogger(__name__)`.'
                ),
                'bad': (
                    'import logging\n\nlogging.basicConfig(level=logging.INFO)\nlogger = logging.getLogger(__name__)\n'
                ),
                'good': 'import logging\n\nlogger = logging.getLogger(__name__)\n',
                'notebooks': False,
            },
        ),
    },
    'mlrepolint.rules.python.ml.training:TrainingLoopChecker': {
        'kind': 'python',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR312',
                'name': 'missing-zero-grad',
                'category': 'reproducibility',
                'severity': 'warning',
                'summary': (
                    'Training loop steps the optimizer but never resets the gradients'
                ),
                'description': (
                    'Reports, in every Python file, a `for` / `while` loop that calls `.backward(...)` (or '
                    "`manual_backward`) and an optimizer's `.step()` (a receiver whose name says optimizer: "
                    '`optimizer`, `opt`, `self.optim`, `optimizers[i]`, or `scaler.step(optimizer)`) and resets no '
                    'gradients anywhere in the loop: no `zero_grad()` on the optimizer or the model, no `p.grad = '
                    'None`, no `p.grad.zero_()`, no call of a helper named `*zero_grad*`, `*reset_grad*` or '
                    "`*clear_grad*` (distributed autograd, `dist_autograd.backward`, keeps each iteration's gradients "
                    'in its own context and is left out). Only the innermost such loop is reported, at its optimizer '
                    'step. Not reported: gradient accumulation whose step is guarded by a step counter (`if (i + 1) % '
                    'accumulation == 0:`) in a function that resets the gradients elsewhere; a step inside an '
                    'LBFGS-style closure (the loop itself calls no `backward`). The rubric counts training loops.'
                ),
                'rationale': (
                    'PyTorch adds each `backward()` into `.grad`; without `zero_grad()` every step applies the sum of '
                    'all gradients so far. Training still runs and the loss may even fall for a while, so the bug '
                    'shows up only as a model that is worse than it should be, and results that no one can match with '
                    'a correct loop.'
                ),
                'fix': (
                    'Call `optimizer.zero_grad(set_to_none=True)` once per step, before `loss.backward()` or right '
                    'after `optimizer.step()`; with gradient accumulation, reset after each guarded step.'
                ),
                'bad': (
                    'for inputs, targets in loader:\n    loss = criterion(model(inputs), targets)\n    '
                    'loss.backward()\n    optimizer.step()\n'
                ),
                'good': (
                    'for inputs, targets in loader:\n    optimizer.zero_grad()\n    loss = criterion(model(inputs), '
                    'targets)\n    loss.backward()\n    optimizer.step()\n'
                ),
            },
        ),
    },
    'mlrepolint.rules.repo.undeclared:UndeclaredDependencyChecker': {
        'kind': 'repo',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR504',
                'name': 'dependencies-undeclared',
                'category': 'dependencies',
                'severity': 'warning',
                'summary': (
                    'Code imports third-party packages, but the repository declares no dependencies'
                ),
                'description': (
                    'Reports a repository whose Python files or notebooks import a third-party package while nothing '
                    'in it declares dependencies: no requirements file (`*requirements*.txt`, `*requirements*.in`, '
                    '`requirements/`), no `pyproject.toml` with `[project] dependencies` (or dynamic ones), '
                    '`[tool.poetry.dependencies]` or `[tool.pixi.dependencies]`, no `setup.py` or `setup.cfg` with '
                    '`install_requires` (read as text, never run), no `Pipfile`, no conda environment '
                    '(`environment*.yml`, `conda*.yml`) and no lock file (`poetry.lock`, `uv.lock`, `pdm.lock`, '
                    '`Pipfile.lock`, `pixi.lock`...), at any depth. Third-party means neither the standard library '
                    "nor the repository's own modules (the project model's first-party names: any `name.py` or folder "
                    'of Python files in it); the imports of `setup.py`, `noxfile.py` and `fabfile.py` and installer '
                    'tooling (`setuptools`, `pip`...) are not counted, and folders whose names are Jinja templates '
                    '(`{{ cookiecutter.name }}`) are left out. The rubric counts one requirement for every repository '
                    'with Python code or notebooks; it fails only when code imports a package that no file declares.'
                ),
                'rationale': (
                    'Without a dependency file nobody can install what the training script needs, let alone the '
                    'versions it was run with: the model cannot be retrained, served or reviewed. Deleting '
                    '`requirements.txt` must never look like an improvement.'
                ),
                'fix': (
                    'Declare what the code imports: `pip freeze > requirements.txt` in the environment that works '
                    '(then trim it to the direct dependencies, pinned), or `[project] dependencies` in '
                    '`pyproject.toml`, or a conda `environment.yml`.'
                ),
                'bad': (
                    '# train.py, in a repository with no requirements.txt, pyproject.toml or environment.yml\nimport '
                    'pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n'
                ),
                'good': '# requirements.txt\npandas==2.2.2\nscikit-learn==1.5.0\n',
            },
        ),
    },
    'mlrepolint.rules.python.ml.deserialization:UnsafeDeserializationChecker': {
        'kind': 'python',
        'by_file': False,
        'shares': False,
        'rules': (
            {
                'code': 'MLR410',
                'name': 'unsafe-deserialization',
                'category': 'security',
                'severity': 'warning',
                'summary': (
                    'Loading a pickle, checkpoint, YAML file or Hub model in a way that can run code'
                ),
                'description': (
                    'Reports, in Python files other than tests, calls that can execute code hidden in the data they '
                    'load:\n\n- `torch.load(...)` without `weights_only=True`, or with `weights_only=False`. When the '
                    'project declares a torch requirement whose every allowed version is 2.6 or later (`torch>=2.6`, '
                    '`torch==2.7.1`), `weights_only=True` is already the default and only an explicit `False` is '
                    'reported.\n- `pickle`, `cPickle`, `_pickle`, `cloudpickle`, `dill` and `joblib` `load` / `loads` '
                    '(and `pickle.Unpickler`), `pandas.read_pickle` (reported at `info`: the format itself runs code, '
                    'and the fix is another format), `numpy.load(..., allow_pickle=True)`.\n- `yaml.load` / '
                    '`yaml.load_all` without a safe loader (`Loader=yaml.SafeLoader`, `CSafeLoader`, `BaseLoader` or '
                    '`FullLoader` are safe; none, `Loader`, `UnsafeLoader`, `CLoader` are not), and '
                    '`yaml.unsafe_load`.\n- `trust_remote_code=True` passed to Hugging Face `from_pretrained`, '
                    "`pipeline` or `load_dataset`.\n\nNames are resolved through the file's imports (`import torch as "
                    'T`, `from joblib import load`, `from yaml import load, SafeLoader`). An argument that is not a '
                    "literal (`weights_only=args.safe`, `Loader=loader`, `torch.load(f, **kwargs)`) is the author's "
                    'decision and is not reported, nor is `pickle.loads(pickle.dumps(x))` (a deep copy), nor a '
                    '`torch.load` in a function that handles `weights_only` itself (a fallback for old torch builds). '
                    'Test files are left out: they load fixtures they wrote, or round-trip a pickle to test it. The '
                    'rubric counts the loading calls: the share that are safe.'
                ),
                'rationale': (
                    'Checkpoints, pickled models and datasets travel: downloaded from a model hub, a shared drive, a '
                    'bucket or a colleague. Unpickling runs whatever code the file says (`__reduce__`), so loading '
                    'one is running a program from whoever could write it; `trust_remote_code=True` runs the Python '
                    'files of a Hub repository on your machine. Safe formats and safe loaders exist for every case.'
                ),
                'fix': (
                    'Pass `weights_only=True` to `torch.load` (or require `torch>=2.6`), save weights with '
                    '`safetensors`, use `yaml.safe_load`, keep `allow_pickle=False` for NumPy, store tables as '
                    'Parquet or CSV instead of pickles, and load Hub models whose code you have reviewed at a pinned '
                    '`revision` instead of `trust_remote_code=True`. A pickle only your own program writes and reads '
                    'takes `# noqa: MLR410`.'
                ),
                'bad': (
                    'import pickle\n\nimport torch as T\nimport yaml\n\nstate = T.load("checkpoint.pt")\nencoder = '
                    'pickle.load(open("encoder.pkl", "rb"))\nconfig = yaml.load(open("config.yaml"))\n'
                ),
                'good': (
                    'import torch as T\nimport yaml\nfrom safetensors.torch import load_file\n\nstate = '
                    'T.load("checkpoint.pt", weights_only=True)\nweights = load_file("model.safetensors")\nconfig = '
                    'yaml.load(open("config.yaml"), Loader=yaml.SafeLoader)\n'
                ),
            },
        ),
    },
}
