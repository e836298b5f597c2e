"""What a repository is, read from its file listing: which languages are really its own,
whether it is published, where its vendored code and test data live.

A language is the project's when it declares it (a manifest such as `pyproject.toml` or
`requirements.txt` outside docs, vendored code and test data) or when a good share of
its source files are in it; one stray script is neither, and neither is a file under a
configuration folder (`configs/config.php` mounted into a container is configuration
written in PHP's syntax, not a source a toolchain builds). It is the *primary* language
when the root declares it or most source files are in it: only then do checks about the
project as a whole in that language ("there are tests") apply.
"""

from __future__ import annotations

import json
import posixpath
import re
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from gonogo.fs.globs import keeper
from gonogo.fs.index import FileIndex

VENDORED = (
    "**/node_modules/**",
    "**/vendor/**",
    "**/third_party/**",
    "**/third-party/**",
    "**/.venv/**",
    "**/venv/**",
    "**/site-packages/**",
    "**/static/lib/**",  # a web app's bundled libraries (Odoo's and Django's convention)
    "**/static/src/lib/**",
    "**/*.min.js",  # minified third-party code
    "**/*.min.css",
)
TEST_DATA = (
    "**/testdata/**",
    "**/test-data/**",
    "**/test_data/**",
    "**/fixtures/**",
    "**/__fixtures__/**",
    "**/__snapshots__/**",
)
TEST_DIRS = (
    "**/test/**",
    "**/tests/**",
    "**/e2e/**",
    "**/{cypress,playwright}/**",  # end-to-end test frameworks' folders: their test stacks
    "**/integration-tests/**",
    "**/{test,tests,testing}[-_]*/**",  # test-images/, tests_utils/, testing-tools/
    "**/*[-_]{test,tests,testing}/**",  # load-tests/, e2e_test/
)
_NOT_THE_PRODUCT = ("docs/", "doc/", ".github/", "examples/docs/")
_CONFIG_DIRS = frozenset(("config", "configs", "conf", "etc"))
# Folders of maintenance scripts (a charts repository's `hack/sync_dashboards.py`): what
# they are written in is not the project's language.
_TOOLING_DIRS = frozenset(("hack", "scripts", "script", "tools", "ci", "contrib", "devtools"))
_EXTENSIONS = {
    ".py": "python",
    ".go": "go",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "javascript",
    ".tsx": "javascript",
    ".java": "java",
    ".kt": "java",
    ".rb": "ruby",
    ".rs": "rust",
    ".php": "php",
    ".cs": "csharp",
    ".c": "c",
    ".cc": "c",
    ".cpp": "c",
    ".h": "c",
    ".swift": "swift",
    ".scala": "java",
}
_MANIFESTS = {
    "python": ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "__manifest__.py"),
    "go": ("go.mod",),
    "javascript": ("package.json",),
    "java": ("pom.xml", "build.gradle", "build.gradle.kts"),
    "rust": ("Cargo.toml",),
    "ruby": ("Gemfile",),
}
_MAX_MANIFESTS = 500
_NONROOT = re.compile(rb"\brunAsNonRoot:\s*true\b|\brunAsUser:\s*[1-9]")
_WORKLOAD = re.compile(
    rb"(?m)^kind:\s*['\"]?(?:Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob|Pod)"
    rb"['\"]?\s*$"
)
_SHARE = 0.2
_PRIMARY_SHARE = 0.5


@dataclass
class Repository:
    sources: Counter[str] = field(default_factory=Counter)  # language -> source files
    declared: dict[str, list[str]] = field(default_factory=dict)  # language -> manifests
    public: list[str] = field(default_factory=list)  # what says it is published
    git: bool = False
    kubernetes_probes: str = ""  # a manifest with liveness/readiness probes, if any
    kubernetes_nonroot: str = ""  # a manifest that runs containers as non-root, if any
    kubernetes_workloads: str = ""  # a manifest that runs containers (a Deployment, …)

    def share(self, language: str) -> float:
        total = sum(self.sources.values())
        return self.sources[language] / total if total else 0.0

    def uses(self, language: str) -> bool:
        """Declared, a good share of several source files, or most of them."""
        if self.declared.get(language) or self.share(language) >= _PRIMARY_SHARE:
            return True
        return self.sources[language] >= 3 and self.share(language) >= _SHARE

    def primary(self, language: str) -> bool:
        """Declared at the root, or most source files."""
        at_root = any("/" not in m for m in self.declared.get(language, []))
        return at_root or self.share(language) >= _PRIMARY_SHARE


def read(files: FileIndex) -> Repository:
    repo = Repository(git=(files.root / ".git").exists())
    own = keeper((*VENDORED, *TEST_DATA))
    for rel in files.files:
        if not own(rel) or rel.startswith(_NOT_THE_PRODUCT):
            continue
        name = posixpath.basename(rel)
        language = _EXTENSIONS.get(posixpath.splitext(name)[1])
        folders = rel.split("/")[:-1]
        if language and _CONFIG_DIRS.isdisjoint(folders) and _TOOLING_DIRS.isdisjoint(folders):
            repo.sources[language] += 1
        for lang, names in _MANIFESTS.items():
            if name in names or (lang == "python" and _is_requirements(name)):
                repo.declared.setdefault(lang, []).append(rel)
    repo.public = _published(files)
    _kubernetes(files, own, repo)
    return repo


def _kubernetes(files: FileIndex, own: Callable[[str], bool], repo: Repository) -> None:
    """Kubernetes manifests (or Helm templates) that run containers, which Kubernetes
    checks with its own probes and never with an image's HEALTHCHECK; those that give
    them probes, or a non-root security context."""
    candidates = [r for r in files.glob("**/*.{yaml,yml}") if own(r)][:_MAX_MANIFESTS]
    for rel in candidates:
        head = files.read_regular(rel, 256 * 1024) or b""
        if b"kind:" not in head:
            continue
        if not repo.kubernetes_workloads and _WORKLOAD.search(head):
            repo.kubernetes_workloads = rel
        if not repo.kubernetes_probes and re.search(rb"\b(liveness|readiness)Probe:", head):
            repo.kubernetes_probes = rel
        if not repo.kubernetes_nonroot and _NONROOT.search(head):
            repo.kubernetes_nonroot = rel


def _is_requirements(name: str) -> bool:
    return name.startswith("requirements") and name.endswith((".txt", ".in"))


def _published(files: FileIndex) -> list[str]:
    """Signs that the project is public: community files, or a package manifest at the
    root that a registry would take."""
    found = [
        rel
        for rel in (
            "CONTRIBUTING.md",
            "CONTRIBUTING.rst",
            ".github/CONTRIBUTING.md",
            "CODE_OF_CONDUCT.md",
            ".github/CODE_OF_CONDUCT.md",
            "SECURITY.md",
            ".github/SECURITY.md",
            ".github/FUNDING.yml",
        )
        if files.in_listing(rel)
    ]
    if files.glob(".github/ISSUE_TEMPLATE/*"):
        found.append(".github/ISSUE_TEMPLATE")
    for rel, publishable in (
        ("package.json", _npm_public),
        ("pyproject.toml", _pypi_public),
        ("Cargo.toml", _crate_public),
        ("go.mod", _go_public),
    ):
        if files.in_listing(rel) and publishable(files.read_text(rel, 1024 * 1024)):
            found.append(rel)
    return found


def _npm_public(text: str) -> bool:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):  # RecursionError: nesting too deep
        return False
    return isinstance(data, dict) and bool(data.get("name")) and data.get("private") is not True


def _pypi_public(text: str) -> bool:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    project = data.get("project")
    classifiers = project.get("classifiers", []) if isinstance(project, dict) else []
    private = any("Private :: Do Not Upload" in str(c) for c in classifiers)
    return isinstance(project, dict) and bool(project.get("name")) and not private


def _crate_public(text: str) -> bool:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    package = data.get("package")
    return isinstance(package, dict) and package.get("publish", True) is not False


def _go_public(text: str) -> bool:
    module = next((line.split()[1] for line in text.splitlines() if line.startswith("module ")), "")
    return module.startswith(
        ("github.com/", "gitlab.com/", "bitbucket.org/", "gopkg.in/", "golang.org/")
    )
