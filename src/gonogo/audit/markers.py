"""Reading inline text: done marks, status cells, and the paths a claim cites.

Everything here is a linear scan or a google-re2 pattern (linear time by
construction), so a pathological line costs its length, never more.
"""

from __future__ import annotations

import enum
from functools import lru_cache
from typing import Any

DONE_MARKS = ("✅", "✔", "☑", "✓", "🟢", "[x]", "[X]")
OPEN_MARKS = ("❌", "⏳", "🔲", "⚠", "🟡", "🔄", "🔴", "⏸", "⛔", "🚫", "✗", "✘", "☐", "[ ]", "🎯")
_WORDS_DONE = "complete completed done pass passed passing go ready yes ok finished implemented"
_WORDS_OPEN = "pending fail failed failing blocked partial wip todo no-go nogo not skipped skip"
DONE_WORDS = frozenset([*_WORDS_DONE.split(), "deployed", "verified", "green", "delivered"])
OPEN_WORDS = frozenset([*_WORDS_OPEN.split(), "in", "planned", "future", "open", "waiting"])
_SCRIPT_EXTS = (".sh", ".bash", ".zsh", ".ksh")
FORMAT_BY_EXT = {
    ".yml": "yaml",
    ".yaml": "yaml",
    ".json": "json",
    ".toml": "toml",
    ".xml": "xml",
    ".py": "python",
}


class Mark(enum.Enum):
    DONE = "done"
    OPEN = "open"
    NONE = "none"


def plain(text: str) -> str:
    """Inline Markdown reduced to its words: emphasis marks and backticks removed."""
    return " ".join(text.replace("**", "").replace("__", "").replace("`", "").split())


def leading_mark(text: str) -> Mark:
    """The status mark a list item or cell starts with (✅ ..., [x] ..., ❌ ...)."""
    t = text.lstrip().lstrip("*_").lstrip()
    if t.startswith(DONE_MARKS):
        return Mark.DONE
    if t.startswith(OPEN_MARKS):
        return Mark.OPEN
    return Mark.NONE


def status_cell(text: str) -> Mark:
    """Whether a status cell says done: a leading mark, else its first word."""
    mark = leading_mark(text)
    if mark is not Mark.NONE:
        return mark
    words = plain(text).lower().replace("_", " ").split()
    if not words:
        return Mark.NONE
    first = words[0].strip(".:!,()")
    if first == "100%":
        return Mark.DONE
    if first in OPEN_WORDS or (first == "in" and "progress" in words[:3]):
        return Mark.OPEN
    if first in DONE_WORDS:
        return Mark.DONE
    return Mark.NONE


@lru_cache(maxsize=1)
def _regex() -> Any:
    import re2

    opts = re2.Options()
    opts.max_mem = 8 << 20
    return re2.compile(r"`([^`\n]{1,400})`", opts)


def backticked(text: str) -> list[str]:
    """Contents of single-backtick code spans, in order."""
    return [m.group(1) for m in _regex().finditer(text)]


def cited_paths(text: str, *, bare: bool = False) -> list[str]:
    """Paths cited in inline text: backticked ones, and with `bare` path-like words too."""
    out: list[str] = []
    spans = backticked(text)
    for span in spans:
        out += [p for p in (as_path(tok, strict=False) for tok in span.split()) if p]
    if bare:
        rest = text
        for span in spans:
            rest = rest.replace(f"`{span}`", " ")
        words = rest.replace(",", " ").replace(";", " ").split()
        out += [p for p in (as_path(w.strip("*_()[]"), strict=True) for w in words) if p]
    return list(dict.fromkeys(out))


_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/*?[]@+~")


def as_path(token: str, *, strict: bool) -> str | None:
    """`token` as a repository path, or None. `./x` stays marked as invoked (kept)."""
    tok = token.strip().rstrip(".,:;)").lstrip("(")
    if not tok or len(tok) > 300 or tok.startswith("-") or "://" in tok:
        return None
    if not all(c in _PATH_CHARS for c in tok) or tok.replace("/", "").isdigit():
        return None
    body = tok[2:] if tok.startswith("./") else tok
    last = body.rstrip("/").rpartition("/")[2]
    has_ext = _has_extension(last, min_ext=2 if strict else 1)
    if strict:
        return tok if has_ext or (body.endswith("/") and "/" in body[:-1]) else None
    if "/" in body.rstrip("/") or body.endswith("/") or has_ext:
        return tok
    return None


def _has_extension(name: str, *, min_ext: int) -> bool:
    stem, dot, ext = name.rpartition(".")
    if not dot or not min_ext <= len(ext) <= 10 or not ext[0].isalpha():
        return False
    return bool(stem) or name.startswith(".")  # `.env.example`, `.gitignore`


def problem_with(path: str) -> str:
    """Why a cited path cannot be checked inside the repository, or ''."""
    body = path[2:] if path.startswith("./") else path
    if body.startswith(("/", "~")):
        return f"{path} is outside the repository"
    if ".." in body.split("/"):
        return f"{path} leaves the repository"
    return ""


def is_script(path: str) -> bool:
    """A cited script must be runnable: `./run.sh` invocations and shell-script names."""
    return path.startswith("./") or path.lower().endswith(_SCRIPT_EXTS)


def format_of(path: str) -> str | None:
    lower = path.lower()
    for ext, fmt in FORMAT_BY_EXT.items():
        if lower.endswith(ext):
            return fmt
    return None
