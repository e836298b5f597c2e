"""FileIndex: one listing of the project (git or walk + .gitignore), globbing, safe reads."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from gonogo.fs.globs import glob_to_regex
from gonogo.fs.index import FileIndex

TREE = {
    "README.md": "# demo\n",
    "setup.cfg": "[x]\n",
    "src/app/__init__.py": "",
    "src/app/main.py": "print('hi')\n",
    "src/app/util/text.py": "x = 1\n",
    "src/cli.py": "import app\n",
    "srcx/other.py": "y = 2\n",
    "docs/a1.md": "one\n",
    "docs/b2.md": "two\n",
    "docs/guide/deep.md": "deep\n",
    "data/ü name.txt": "unicode and a space\n",
}


@pytest.fixture
def outside_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory git must not treat as part of any repository above it."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "plain"
    root.mkdir()
    return root


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


# --- listing in a git work tree -------------------------------------------------------------


def test_git_lists_tracked_and_untracked_but_not_ignored(make_repo: Callable[..., Path]) -> None:
    root = make_repo({**TREE, ".gitignore": "dist/\n*.log\n"})
    _write(root, {"new.txt": "untracked\n", "dist/bundle.js": "x\n", "debug.log": "x\n"})
    index = FileIndex(root)
    assert "new.txt" in index.files
    assert index.source == "git ls-files"
    assert "src/app/main.py" in index.files
    assert "data/ü name.txt" in index.files  # no git quoting of non-ASCII names
    assert "dist/bundle.js" not in index.files
    assert "debug.log" not in index.files
    assert index.glob("**/*.log") == []
    assert index.glob("dist/*") == []


def test_git_deleted_file_is_not_returned(make_repo: Callable[..., Path]) -> None:
    root = make_repo(TREE)
    (root / "setup.cfg").unlink()
    (root / "docs/a1.md").unlink()
    index = FileIndex(root)
    assert index.glob("setup.cfg") == []
    assert index.glob("docs/*.md") == ["docs/b2.md"]
    assert "docs/a1.md" not in index.glob("**/*.md")


def test_git_skips_gonogo_output_dir(make_repo: Callable[..., Path]) -> None:
    root = make_repo(TREE)
    _write(root, {".gonogo/last.json": "{}", ".gonogo/last.md": "#"})
    index = FileIndex(root)
    assert not [f for f in index.files if f.startswith((".gonogo/", ".git/"))]
    assert index.glob(".gonogo/*") == []


def test_git_subdirectory_root_lists_relative_paths(make_repo: Callable[..., Path]) -> None:
    root = make_repo(TREE)
    index = FileIndex(root / "src")
    assert index.files == ("app/__init__.py", "app/main.py", "app/util/text.py", "cli.py")
    assert index.source == "git ls-files"


# --- listing outside git ----------------------------------------------------------------------


def test_walk_honours_nested_gitignore_files(outside_git: Path) -> None:
    root = outside_git
    _write(
        root,
        {
            **TREE,
            ".gitignore": "build/\n/top-only.txt\n",
            "build/out.o": "x",
            "top-only.txt": "ignored at the top",
            "sub/top-only.txt": "kept: the pattern is anchored to the root",
            "sub/.gitignore": "*.log\n!keep.log\n",
            "sub/trace.log": "ignored by sub/.gitignore",
            "sub/keep.log": "re-included",
            "other/trace.log": "sub/.gitignore does not apply here",
            "sub/deeper/x.log": "nested .gitignore applies below its directory",
        },
    )
    index = FileIndex(root)
    files = set(index.files)
    assert index.source == "walk+.gitignore"
    assert {"src/app/main.py", "data/ü name.txt", "sub/top-only.txt", "sub/keep.log"} <= files
    assert "other/trace.log" in files
    assert not files & {"build/out.o", "top-only.txt", "sub/trace.log", "sub/deeper/x.log"}


def test_walk_skips_git_and_gonogo_dirs_at_any_depth(outside_git: Path) -> None:
    root = outside_git
    _write(
        root,
        {
            "a.txt": "a",
            ".git/config": "not a real repo",
            ".gonogo/last.json": "{}",
            "vendor/lib/.git/HEAD": "ref",
            "vendor/lib/.gonogo/last.md": "#",
            "vendor/lib/code.py": "",
        },
    )
    index = FileIndex(root)
    assert index.files == ("a.txt", "vendor/lib/code.py")
    assert index.source == "walk+.gitignore"


# --- glob semantics ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tree_index(tmp_path_factory: pytest.TempPathFactory) -> FileIndex:
    root = tmp_path_factory.mktemp("globs")
    _write(root, TREE)
    return FileIndex(root)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("README.md", ["README.md"]),
        ("./README.md", ["README.md"]),
        ("missing.md", []),
        ("*.md", ["README.md"]),  # `*` stays within one segment
        ("*", ["README.md", "setup.cfg"]),
        ("src/*.py", ["src/cli.py"]),  # not src/app/*.py, not srcx/
        ("src/*/*.py", ["src/app/__init__.py", "src/app/main.py"]),
        (
            "src/**/*.py",
            ["src/app/__init__.py", "src/app/main.py", "src/app/util/text.py", "src/cli.py"],
        ),
        ("**/text.py", ["src/app/util/text.py"]),
        (
            "**/*.py",
            [
                "src/app/__init__.py",
                "src/app/main.py",
                "src/app/util/text.py",
                "src/cli.py",
                "srcx/other.py",
            ],
        ),
        (
            "src/**",
            ["src/app/__init__.py", "src/app/main.py", "src/app/util/text.py", "src/cli.py"],
        ),
        ("src*/*.py", ["src/cli.py", "srcx/other.py"]),
        ("docs/??.md", ["docs/a1.md", "docs/b2.md"]),
        ("docs/?.md", []),
        ("docs/[a]1.md", ["docs/a1.md"]),
        ("docs/[a-b][0-9].md", ["docs/a1.md", "docs/b2.md"]),
        ("docs/[!a]*.md", ["docs/b2.md"]),
        ("docs/*.md", ["docs/a1.md", "docs/b2.md"]),
        ("docs/**/*.md", ["docs/a1.md", "docs/b2.md", "docs/guide/deep.md"]),
        ("docs/*/deep.md", ["docs/guide/deep.md"]),
        ("data/ü name.txt", ["data/ü name.txt"]),
        ("data/*.txt", ["data/ü name.txt"]),
        ("src", []),  # a directory is not a file; dir_exists answers for directories
        ("src/", []),
    ],
)
def test_glob(tree_index: FileIndex, pattern: str, expected: list[str]) -> None:
    assert tree_index.glob(pattern) == expected


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("*.py", "a.py", True),
        ("*.py", "d/a.py", False),
        ("a?c", "abc", True),
        ("a?c", "a/c", False),
        ("**/x", "x", True),
        ("**/x", "a/b/x", True),
        ("a/**/x", "a/x", True),
        ("a/**/x", "ab/x", False),
        ("[.]env", ".env", True),
        ("a+b(c).txt", "a+b(c).txt", True),  # regex metacharacters are literal
        ("a+b(c).txt", "aab(c)xtxt", False),
        ("[unclosed", "[unclosed", True),
        ("**/{compose,docker-compose}*.{yml,yaml}", "deploy/docker-compose.prod.yml", True),
        ("**/{compose,docker-compose}*.{yml,yaml}", "compose.yaml", True),
        ("**/{compose,docker-compose}*.{yml,yaml}", "composer.json", False),
        ("**/{{compose,docker-compose}*,*[-_.]compose}.{yml,yaml}", "x/filebeat-compose.yml", True),
        ("**/{{compose,docker-compose}*,*[-_.]compose}.{yml,yaml}", "docker-compose.yml", True),
        ("**/{{compose,docker-compose}*,*[-_.]compose}.{yml,yaml}", "decompose.yml", False),
        ("{LICENSE,COPYING}{,.md}", "COPYING.md", True),
        ("{LICENSE,COPYING}{,.md}", "LICENSE.txt", False),
        ("{a,b{c,d}}/x", "bd/x", True),  # nested alternatives
        ("{.github/workflows/*.yml,.gitlab-ci.yml}", ".github/workflows/ci.yml", True),
        ("{.github/workflows/*.yml,.gitlab-ci.yml}", ".github/workflows/a/ci.yml", False),
        ("x{y", "x{y", True),  # an unclosed brace is literal
    ],
)
def test_glob_to_regex(pattern: str, path: str, matches: bool) -> None:
    import re

    assert bool(re.fullmatch(glob_to_regex(pattern), path)) is matches


def test_dir_exists(make_repo: Callable[..., Path]) -> None:
    root = make_repo(TREE)
    (root / "empty").mkdir()
    index = FileIndex(root)
    assert index.dir_exists("src")
    assert index.dir_exists("src/app/")
    assert index.dir_exists("empty")  # on disk, even with no listed file in it
    assert not index.dir_exists("sr")  # a prefix of a name is not a directory
    assert not index.dir_exists("README.md")
    assert not index.dir_exists("nowhere")


# --- reading ----------------------------------------------------------------------------------


def test_read_bytes_refuses_symlink_escaping_root(make_repo: Callable[..., Path]) -> None:
    outside = make_repo({"secret.txt": "top secret\n"}, name="outside")
    root = make_repo(TREE)
    (root / "link.txt").symlink_to(outside / "secret.txt")
    (root / "linkdir").symlink_to(outside, target_is_directory=True)
    (root / "inner.txt").symlink_to("README.md")
    index = FileIndex(root)
    assert "link.txt" in index.files
    with pytest.raises(PermissionError, match="outside the project root"):
        index.read_bytes("link.txt")
    with pytest.raises(PermissionError, match="outside the project root"):
        index.read_text("linkdir/secret.txt")
    with pytest.raises(PermissionError, match="outside the project root"):
        index.read_bytes("../outside/secret.txt")
    assert index.read_text("inner.txt") == "# demo\n"  # a link inside the root is fine


def test_a_fifo_is_never_opened_for_reading_or_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")  # no writer: a blocking open would hang here
    (tmp_path / "sub").mkdir()
    index = FileIndex(tmp_path)
    assert index.read_regular("pipe") is None
    assert index.read_regular("sub") is None
    with pytest.raises(OSError, match="pipe is not a regular file"):
        index.read_text("pipe")


def test_read_bytes_is_bounded(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"big.txt": "x" * 10_000})
    index = FileIndex(root)
    assert index.read_bytes("big.txt", limit=100) == b"x" * 100
    assert len(index.read_bytes("big.txt")) == 10_000
    assert index.read_bytes("big.txt", limit=10) == b"x" * 10


# --- one listing for many globs ---------------------------------------------------------------


def test_tree_is_listed_once_for_many_globs(
    make_repo: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_git = shutil.which("git")
    assert real_git is not None
    root = make_repo(TREE)
    shim_dir = tmp_path / "shim"
    shim_dir.mkdir()
    log = tmp_path / "git-calls.log"
    shim = shim_dir / "git"
    shim.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real_git}" "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{shim_dir}{os.pathsep}{os.environ['PATH']}")

    index = FileIndex(root)
    first = index.files
    patterns = ["**/*.py", "src/*.py", "docs/??.md", "README.md", "*", "src/**", "x/[ab]"]
    for i in range(300):
        index.glob(patterns[i % len(patterns)])
        index.dir_exists("src")
    assert index.files is first
    (root / "late.py").write_text("added after the listing\n")
    assert "late.py" not in index.glob("*.py")  # the listing is kept, not redone
    calls = log.read_text().splitlines()
    assert sorted(calls) == [
        "ls-files -c -z",
        "ls-files -d -z",
        "ls-files -o --exclude-standard -z",
    ]


def test_ignored_file_named_literally_is_still_evidence(make_repo: Callable[..., Path]) -> None:
    root = make_repo({".gitignore": "reports/\n", "README.md": "x\n"})
    _write(root, {"reports/junit.xml": "<testsuite/>", "sub/.gonogo/last.json": "{}"})
    index = FileIndex(root)
    assert index.glob("reports/junit.xml") == ["reports/junit.xml"]
    assert index.glob("reports/*.xml") == []  # globs honour .gitignore
    assert index.glob("reports") == []  # a directory is not a file
    assert "sub/.gonogo/last.json" not in index.files
    assert index.glob("../outside.txt") == []


def test_select_leaves_out_excluded_files_and_in_listing_ignores_gitignored_ones(
    make_repo: Callable[..., Path],
) -> None:
    root = make_repo(
        {
            ".gitignore": "local/\n",
            "a/Dockerfile": "FROM x\n",
            "node_modules/pkg/Dockerfile": "FROM y\n",
            "b/x.Dockerfile": "FROM z\n",
        }
    )
    _write(root, {"local/Dockerfile": "FROM w\n"})
    index = FileIndex(root)
    pattern = "**/{Dockerfile,*.Dockerfile}"
    assert index.select(pattern) == [
        "a/Dockerfile",
        "b/x.Dockerfile",
        "node_modules/pkg/Dockerfile",
    ]
    assert index.select(pattern, ["**/node_modules/**"]) == ["a/Dockerfile", "b/x.Dockerfile"]
    assert index.in_listing("a/Dockerfile") and index.in_listing("./a/Dockerfile")
    assert not index.in_listing("local/Dockerfile")  # on disk, but gitignored
    assert index.glob("local/Dockerfile") == ["local/Dockerfile"]  # a literal path still is
