"""Every detector in the order they claim a value (a vendor's format before a secret-named
assignment holding it), and what a file's path says about its findings.

The modules: `providers` (vendors' token formats), `formats` (private keys, JWTs,
connection strings, registry logins), `assign` (secret-named assignments); `values`
judges what is not a secret.
"""

from __future__ import annotations

import re

from gonogo.secrets.assign import ASSIGNMENTS, is_config
from gonogo.secrets.formats import FORMATS
from gonogo.secrets.providers import PROVIDERS
from gonogo.secrets.rule import Detector, plain_pattern, words
from gonogo.secrets.values import entropy, is_placeholder

__all__ = [
    "DETECTORS",
    "TITLES",
    "Detector",
    "context_of",
    "entropy",
    "in_rust_test",
    "is_config",
    "is_lock_file",
    "is_placeholder",
    "plain_pattern",
]

DETECTORS: tuple[Detector, ...] = PROVIDERS + FORMATS + ASSIGNMENTS

TITLES: dict[str, str] = {}
for _det in DETECTORS:
    TITLES.setdefault(_det.kind, _det.title)

LOCK_FILES = frozenset(
    words(
        """
        package-lock.json yarn.lock pnpm-lock.yaml poetry.lock uv.lock pipfile.lock
        cargo.lock go.sum composer.lock gemfile.lock npm-shrinkwrap.json
        """
    )
)
_TEST_DIRS = frozenset(
    words(
        """
        test tests testing testdata test-data fixtures fixture __fixtures__ __tests__ spec
        specs mocks __mocks__ testutil testutils
        """
    )
)
_TEST_NAME_PARTS = frozenset(("test", "testing", "e2e"))  # `.env.test`, `app.test.yml`
_DOC_DIRS = frozenset(["docs", "doc", "documentation", "examples", "example", "samples", "sample"])
_EXAMPLE_MARKS = (
    ".example",
    ".sample",
    ".template",
    ".dist",
    "-example",
    "_example",
)
_CONFIG_DIRS = frozenset(words("config configs conf settings environments"))
_CONFIG_STEMS = frozenset(words("application appsettings config settings"))
_ENVIRONMENTS = {"test": "test", "testing": "test", "dev": "dev", "development": "dev"}
_DOC_SUFFIXES = (".md", ".rst", ".adoc", ".txt", ".markdown", ".mdx", ".ipynb", ".html")


def is_lock_file(rel: str) -> bool:
    name = rel.rpartition("/")[2].lower()
    return name.endswith(".lock") or name in LOCK_FILES


def context_of(rel: str) -> str:
    """What the path says of a secret found in it: `test` (a test, a fixture, the test
    environment's configuration), `dev` (the development environment's configuration),
    `example` (`.env.example`, `*.template`), `docs` (documentation), or `` (anything
    else)."""
    low = rel.lower()
    parts = low.split("/")
    name = parts[-1]
    stem = name.rsplit(".", 1)[0]
    original = rel.rpartition("/")[2].rsplit(".", 1)[0]
    if any(_folder_of(p, _TEST_DIRS, _TEST_NAME_PARTS) for p in parts[:-1]) or _is_test_file(
        name, stem, original
    ):
        return "test"
    environment = _environment(parts[:-1], stem)
    if environment:
        return environment
    if any(m in name for m in _EXAMPLE_MARKS):
        return "example"
    if name.endswith(_DOC_SUFFIXES) or any(_folder_of(p, _DOC_DIRS, _DOC_DIRS) for p in parts[:-1]):
        return "docs"
    return ""


def _environment(folders: list[str], stem: str) -> str:
    """`config/test.exs`, `config/dev.exs`, `config/environments/development.rb`,
    `application-dev.yml`, `appsettings.Development.json`: the configuration of the test
    or development environment (Phoenix generates their `secret_key_base`), not of the
    one deployed."""
    stem_words = _words(stem)
    if stem_words[-1] not in _ENVIRONMENTS:
        return ""
    if _CONFIG_DIRS.isdisjoint(folders) and stem_words[0] not in _CONFIG_STEMS:
        return ""
    return _ENVIRONMENTS[stem_words[-1]]


_RUST_TEST = re.compile(rb"(?m)^([ \t]*)#\[(?:cfg\(test\)|(?:[\w:]+::)?test)\]")


def in_rust_test(data: bytes, at: int) -> bool:
    """Whether offset `at` of a Rust file is in a test: inside the item after a `#[test]`
    (`#[tokio::test]`, …) or after `#[cfg(test)]`, until that item's closing brace at
    the attribute's indentation."""
    attributes = list(_RUST_TEST.finditer(data, 0, at))
    if not attributes:
        return False
    last = attributes[-1]
    close = re.compile(rb"(?m)^" + re.escape(last.group(1)) + rb"\}")
    return close.search(data, last.end(), at) is None


def _folder_of(folder: str, names: frozenset[str], words: frozenset[str]) -> bool:
    """A folder named one of `names`, or a compound holding one of `words`: `tests` and
    `test-environments`, `docs` and `api-docs`."""
    return folder in names or not words.isdisjoint(_words(folder))


def _words(name: str) -> list[str]:
    return re.split(r"[-_.]", name)


def _is_test_file(name: str, stem: str, original: str) -> bool:
    """`test_x.py`, `x_test.go`, `x.spec.ts`, `UserTest.java`, `conftest.py`, `.env.test`."""
    return (
        stem.startswith(("test_", "tests_"))
        or not _TEST_NAME_PARTS.isdisjoint(name.split(".")[1:])
        or stem.endswith(("_test", "_tests", ".test", ".spec", "_spec"))
        or original.endswith(("Test", "Tests", "Spec"))
        or name.startswith("conftest")
    )
