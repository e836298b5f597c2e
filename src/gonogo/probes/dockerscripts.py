"""How the repository's own scripts use its Dockerfiles: shell scripts, Makefiles and CI
workflows that call `docker build` and `docker run`.

- An image built with `--output` is exported: BuildKit writes the final stage's files to
  the host (an APK, a binary) and no container ever runs from it.
- An image the scripts only run in the foreground with `--rm` or interactively (`-it`),
  publishing no port and never pushed (`docker run --rm -v "$PWD:/build" gen-proto …`,
  `docker run -it fzf-ubuntu`), is a tool that runs to completion on the checkout or a
  session a person drives: a code generator, a linter, a test runner.

Neither is a shipped service, so what guards one (a non-root USER, a HEALTHCHECK, a lean
build context) does not apply. Variables in paths and tags (`src/$1/genproto/Dockerfile`,
`"$1-genproto"`) match any value.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field

from gonogo.fs.index import FileIndex
from gonogo.probes.images import split

SCRIPTS = (
    "**/{*.sh,*.bash,*.ps1,*.psm1,*.cmd,*.bat,Makefile,makefile,GNUmakefile,*.mk,justfile,Justfile}",
    ".github/workflows/*.{yml,yaml}",
)
_MAX_FILES = 300
_MAX_BYTES = 256 * 1024
_DOCKER = r"(?:\bdocker|\bpodman|\$[({]?(?![A-Z_]*COMPOSE)[A-Z_]*DOCKER[A-Z_]*[)}]?)"
_BUILD = re.compile(_DOCKER + r"[ \t]+(?:buildx[ \t]+)?build[ \t]+([^\n;&|]*)")
_RUN = re.compile(_DOCKER + r"[ \t]+(?:container[ \t]+)?run[ \t]+([^\n;&|]*)")
_PUSH = re.compile(_DOCKER + r"[ \t]+(?:image[ \t]+)?push[ \t]+([^\s;&|]+)")
_DOCKERFILE_NAME = re.compile(r"(?i)dockerfile|containerfile")
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$\([^)]*\)|\$\w+")
_RUN_VALUE_OPTIONS = frozenset(
    [
        "-v",
        "--volume",
        "--mount",
        "-e",
        "--env",
        "--env-file",
        "-w",
        "--workdir",
        "-u",
        "--user",
        "--name",
        "--network",
        "--entrypoint",
        "--platform",
        "-l",
        "--label",
        "--cpus",
        "-m",
        "--memory",
        "--add-host",
        "--device",
    ]
)


@dataclass
class Scripted:
    exported: str = ""  # a script that builds it with --output
    tool: str = ""  # a script that runs it as a one-off tool
    service: bool = False  # some script pushes it or runs it detached or with ports

    @property
    def not_shipped(self) -> bool:
        return bool(self.exported) or (bool(self.tool) and not self.service)


@dataclass
class _Build:
    script: str
    dockerfile: str  # a glob when it holds variables
    tags: list[str] = field(default_factory=list)
    export: bool = False
    push: bool = False


def scripted(files: FileIndex) -> dict[str, Scripted]:
    """Dockerfile path -> how the scripts of the tree use the image built from it."""
    builds: list[_Build] = []
    runs: dict[str, tuple[str, bool]] = {}  # image pattern -> (script, run as a tool)
    pushed: set[str] = set()
    for rel, text in _script_texts(files):
        builds += [b for m in _BUILD.finditer(text) if (b := _build(rel, m.group(1)))]
        for m in _RUN.finditer(text):
            image, tool = _run(m.group(1))
            if image and not (image in runs and not runs[image][1]):
                runs[image] = (rel, tool)
        pushed.update(_pattern(m.group(1)) for m in _PUSH.finditer(text))
    return _resolve(files, builds, runs, pushed)


def built_tags(files: FileIndex) -> frozenset[str]:
    """The image names the tree's scripts build with `docker build -t NAME` and never
    push: what a compose file runs under that name is the checkout's own build, not a
    release pulled from a registry. A name made of variables (`${group}/${app}`) says
    nothing of which image it is, so it is left out."""
    tags: set[str] = set()
    pushed: set[str] = set()
    for rel, text in _script_texts(files):
        for m in _BUILD.finditer(text):
            build = _build(rel, m.group(1))
            if build is not None and not build.push:
                tags.update(t for t in build.tags if "*" not in split(t)[0])
        pushed.update(_pattern(m.group(1)) for m in _PUSH.finditer(text))
    return frozenset(tags - pushed)


def _script_texts(files: FileIndex) -> Iterator[tuple[str, str]]:
    """Each script of the tree and its text, continued lines joined."""
    for rel in _scripts(files):
        yield rel, files.read_text(rel, _MAX_BYTES).replace("\\\n", " ")


def _scripts(files: FileIndex) -> list[str]:
    found: list[str] = []
    for pattern in SCRIPTS:
        found += files.glob(pattern)
    return sorted(set(found))[:_MAX_FILES]


def _words(args: str) -> list[str]:
    try:
        return shlex.split(args, comments=True)
    except ValueError:
        return args.split()


def _pattern(word: str) -> str:
    return _VARIABLE.sub("*", word.strip("\"'"))


def _build(script: str, args: str) -> _Build | None:
    words = _words(args)
    dockerfile, context, tags = "", "", []
    export = push = False
    i = 0
    while i < len(words):
        word, value = words[i], words[i + 1] if i + 1 < len(words) else ""
        flag, eq, inline = word.partition("=")
        given = inline if eq else value
        if flag in ("-f", "--file"):
            dockerfile, i = given, i + (1 if eq else 2)
        elif flag in ("-t", "--tag"):
            tags.append(_pattern(given))
            i += 1 if eq else 2
        elif flag in ("-o", "--output"):
            export, i = True, i + (1 if eq else 2)
        elif flag == "--push":
            push, i = True, i + 1
        elif word.startswith("-"):
            i += 1 if eq or not value or value.startswith("-") else 2
        else:
            context, i = word, i + 1
    if not dockerfile:
        dockerfile = posixpath.join(context or ".", "Dockerfile")
    return _Build(script, _pattern(dockerfile), tags, export, push)


def _run(args: str) -> tuple[str, bool]:
    """(image pattern, run as a one-off tool) of a `docker run` command line."""
    words = _words(args)
    rm = detached = published = False
    i = 0
    while i < len(words):
        word = words[i]
        flag = word.partition("=")[0]
        if not word.startswith("-"):
            return _pattern(word), rm and not detached and not published
        rm = rm or flag in ("--rm", "--interactive") or _short(word, "i")
        detached = detached or flag in ("-d", "--detach") or _short(word, "d")
        published = published or flag in ("-p", "--publish", "-P", "--publish-all")
        takes_value = flag in _RUN_VALUE_OPTIONS or flag in ("-p", "--publish")
        i += 2 if takes_value and "=" not in word else 1
    return "", False


def _short(word: str, letter: str) -> bool:
    """`-itd`: short flags written together."""
    return word.startswith("-") and not word.startswith("--") and letter in word[1:]


def _resolve(
    files: FileIndex,
    builds: list[_Build],
    runs: dict[str, tuple[str, bool]],
    pushed: set[str],
) -> dict[str, Scripted]:
    out: dict[str, Scripted] = {}
    for b in builds:
        for rel in _dockerfiles(files, b):
            entry = out.setdefault(rel, Scripted())
            if b.export:
                entry.exported = entry.exported or b.script
            if b.push or any(t in pushed for t in b.tags):
                entry.service = True
            for tag in b.tags:
                script, tool = runs.get(tag, ("", False))
                if script and tool:
                    entry.tool = entry.tool or script
                elif script:
                    entry.service = True
    return out


def _dockerfiles(files: FileIndex, b: _Build) -> list[str]:
    """The Dockerfiles a build names: from the repository root, or from the script's
    folder (a Makefile runs where it is)."""
    path = b.dockerfile.removeprefix("./")
    for base in ("", posixpath.dirname(b.script)):
        rel = posixpath.normpath(posixpath.join(base, path))
        if rel.startswith("../"):
            continue
        found = files.glob(rel) if "*" in rel else ([rel] if files.in_listing(rel) else [])
        found = [f for f in found if _DOCKERFILE_NAME.search(posixpath.basename(f))]
        if found:
            return found
    return []
