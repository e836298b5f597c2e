"""Path patterns: the globs plans and `exclude:` lists are written in, and the paths
gonogo never reads (git's internals, its own output). Only `re` and `functools`, so a
secrets worker can filter paths without importing the listing machinery."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

ALWAYS_IGNORED = (".git", ".gonogo")
ALWAYS_IGNORED_PREFIXES = tuple(f"{d}/" for d in ALWAYS_IGNORED)
_NESTED_IGNORED = tuple(f"/{d}/" for d in ALWAYS_IGNORED)


def unignored(rels: list[str]) -> list[str]:
    """`rels` less gonogo's output and git's internals: first a substring search of the
    joined names, as most listings hold neither."""
    joined = "\0" + "\0".join(rels)
    if not any(m in joined for d in ALWAYS_IGNORED for m in (f"\0{d}/", f"/{d}/")):
        return rels
    return [rel for rel in rels if not ignored(rel)]


def ignored(rel: str) -> bool:
    """gonogo's own output and git's internals, at any depth."""
    return rel.startswith(ALWAYS_IGNORED_PREFIXES) or any(d in rel for d in _NESTED_IGNORED)


@lru_cache(maxsize=4096)
def compile_glob(pattern: str) -> re.Pattern[str]:
    return re.compile(glob_to_regex(pattern))


def glob_to_regex(pattern: str) -> str:
    """Translate a path glob: `**/` any directories, `*` and `?` within a segment, `[...]`,
    and `{a,b}` alternatives (which may hold any of these, and nest)."""
    out, _ = _translate(pattern, 0, nested=False)
    return out


def _translate(pattern: str, i: int, *, nested: bool) -> tuple[str, int]:
    """The regex for `pattern[i:]` up to the end, or inside braces up to `,` or `}`."""
    out: list[str] = []
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if nested and c in ",}":
            break
        if c == "{" and _closes(pattern, i):
            alternatives = []
            while pattern[i] != "}":
                part, i = _translate(pattern, i + 1, nested=True)
                alternatives.append(part)
            out.append(f"(?:{'|'.join(alternatives)})")
            i += 1
        elif pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and pattern.find("]", i + 1) != -1:
            end = pattern.find("]", i + 1)
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append(f"[{body}]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out), i


def _closes(pattern: str, start: int) -> bool:
    """Whether the `{` at `start` has its matching `}` (an unmatched one is literal)."""
    depth = 0
    for c in pattern[start:]:
        depth += (c == "{") - (c == "}")
        if depth == 0:
            return True
    return False


def keeper(exclude: Iterable[str], skip: Iterable[str] = ()) -> Callable[[str], bool]:
    """The test a path passes when it is none of `skip` and no `exclude` entry names it:
    a glob matching the whole path, or a plain directory name matching a prefix."""
    globs = [g.strip().removeprefix("./") for g in exclude]
    skipped = frozenset(skip)
    if not globs:
        return lambda rel: rel not in skipped
    patterns = [compile_glob(g) for g in globs]
    dirs = tuple(g.rstrip("/") + "/" for g in globs if not any(c in g for c in "*?["))

    def keep(rel: str) -> bool:
        return (
            rel not in skipped
            and not rel.startswith(dirs)
            and not any(p.fullmatch(rel) for p in patterns)
        )

    return keep
