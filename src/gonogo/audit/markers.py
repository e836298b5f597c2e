"""Reading inline text: done marks, status cells, and the paths a claim cites.

Everything here is a linear scan or a google-re2 pattern (linear time by
construction), so a pathological line costs its length, never more.
"""

from __future__ import annotations

import enum
from functools import lru_cache
from typing import Any

DONE_MARKS = ("✅", "✔", "☑", "✓", "🟢", "[x]", "[X]")
PARTIAL_MARKS = ("🟡", "🔄", "⚠", "◐", "🟠", "🚧", "[~]", "[-]")
OPEN_MARKS = ("❌", "⏳", "🔲", "🔴", "⏸", "⛔", "🚫", "✗", "✘", "☐", "[ ]", "🎯", "⬜", "❓")
_WORDS_DONE = "complete completed done pass passed passing go ready yes ok finished implemented"
_WORDS_OPEN = "pending fail failed failing blocked todo no-go nogo not skipped skip missing"
DONE_WORDS = frozenset([*_WORDS_DONE.split(), "deployed", "verified", "green", "delivered"])
OPEN_WORDS = frozenset([*_WORDS_OPEN.split(), "planned", "future", "open", "waiting", "awaiting"])
PARTIAL_WORDS = frozenset(
    ("partial", "partially", "wip", "ongoing", "started", "in-progress", "doing")
)
_SCRIPT_EXTS = (".sh", ".bash", ".zsh", ".ksh")
FORMAT_BY_EXT = {
    ".yml": "yaml",
    ".yaml": "yaml",
    ".json": "json",
    ".toml": "toml",
    ".xml": "xml",
    ".py": "python",
}


MEANT_OPEN = (
    r"(?i)(next|future|roadmap|target|success|criteria|recommend|backlog|later|todo|to do|"
    r"follow[- ]?up|plan\b|planned|ideas|nice to have|out of scope|week \d|sprint \d+ targets|"
    r"before (production|starting|launch)|post-|after (deploy|release|launch))"
)


class Mark(enum.Enum):
    DONE = "done"
    PARTIAL = "partial"  # under way: counts as more than nothing and less than done
    OPEN = "open"
    NONE = "none"

    @property
    def pending(self) -> bool:
        return self in (Mark.OPEN, Mark.PARTIAL)


@lru_cache(maxsize=8192)
def plain(text: str) -> str:
    """Inline Markdown reduced to its words: emphasis marks and backticks removed (code
    spans keep their text as written: `src/__tests__/x.ts` is a path, not emphasis)."""
    if "`" not in text and "**" not in text and "__" not in text:
        return " ".join(text.split())
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: no code span
        parts = ["".join(parts)]
    words = [p if i % 2 else p.replace("**", "").replace("__", "") for i, p in enumerate(parts)]
    return " ".join("".join(words).split())


def leading_mark(text: str) -> Mark:
    """The status mark a list item or cell starts with (✅ ..., [x] ..., ❌ ...)."""
    t = text.lstrip().lstrip("*_").lstrip()
    if t.startswith(DONE_MARKS):
        return Mark.DONE
    if t.startswith(PARTIAL_MARKS):
        return Mark.PARTIAL
    if t.startswith(OPEN_MARKS):
        return Mark.OPEN
    return _bracketed(t)


def _bracketed(text: str) -> Mark:
    """`[DONE] ...`, `[TODO] ...`, `[WIP] ...`: a status word in brackets."""
    if not text.startswith("[") or "]" not in text[:14]:
        return Mark.NONE
    word = text[1 : text.index("]")].strip().lower()
    if word in DONE_WORDS:
        return Mark.DONE
    if word in PARTIAL_WORDS or word == "in progress":
        return Mark.PARTIAL
    if word in OPEN_WORDS or word in ("todo", "to do", "tbd"):
        return Mark.OPEN
    return Mark.NONE


def any_mark(text: str) -> Mark:
    """The first status mark anywhere in `text` (a cell "11/11 ✅", a heading "Track 1 ✅")."""
    best, where = Mark.NONE, len(text) + 1
    for mark, marks in (
        (Mark.DONE, DONE_MARKS),
        (Mark.PARTIAL, PARTIAL_MARKS),
        (Mark.OPEN, OPEN_MARKS),
    ):
        for m in marks:
            pos = text.find(m)
            if 0 <= pos < where and not (m.startswith("[") and pos > 0):
                best, where = mark, pos
    return best


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
    if first in PARTIAL_WORDS or (first == "in" and "progress" in words[:3]):
        return Mark.PARTIAL
    if first == "to" and words[1:2] == ["do"]:
        return Mark.OPEN
    if first in OPEN_WORDS:
        return Mark.OPEN
    if first in DONE_WORDS:
        return Mark.DONE
    return Mark.NONE


MAX_SPAN = 400


@lru_cache(maxsize=1)
def _lines_after() -> Any:
    import re2

    opts = re2.Options()
    opts.max_mem = 8 << 20
    # the line range written in prose after a code span ("`app.py` line 146-149")
    return re2.compile(
        r"^\s{0,3}\(?(?:at\s+|on\s+)?lines?\s+(\d{1,6})(?:\s{0,2}(?:-|–|to)\s{0,2}(\d{1,6}))?",
        opts,
    )


def _code_spans(text: str) -> list[tuple[str, int]]:
    """Single-backtick code spans (at most MAX_SPAN characters, on one line): their text
    and where each ends. One linear scan with str.find."""
    out: list[tuple[str, int]] = []
    at = text.find("`")
    while at >= 0:
        close = text.find("`", at + 1)
        if close < 0:
            break
        body = text[at + 1 : close]
        if body and len(body) <= MAX_SPAN and "\n" not in body:
            out.append((body, close + 1))
            at = text.find("`", close + 1)
        else:
            at = close  # not a span: the closing backtick may open the next one
    return out


def backticked(text: str) -> list[str]:
    """Contents of single-backtick code spans, in order."""
    return [body for body, _ in _code_spans(text)] if "`" in text else []


def span_only_paths(text: str) -> list[str]:
    """Code spans that hold one path and nothing else (`docs/x.md`, not `twine check
    dist/*`, which is a command)."""
    out = []
    for p in _span_paths(text):
        body = split_anchor(p)[0]
        if f"`{body}`" in text or f"`./{body}`" in text or f"`{p}`" in text:
            out.append(p)
    return out


def _span_paths(text: str, spans: list[tuple[str, int]] | None = None) -> list[str]:
    """Paths in code spans; a span holding one path takes the line range written after it
    ("`src/cache.ts` line 247-254" cites lines 247-254 of src/cache.ts)."""
    out: list[str] = []
    for body, end in _code_spans(text) if spans is None else spans:
        paths = [p for p in (as_path(tok, strict=False) for tok in body.split()) if p]
        if len(paths) == 1 and "line" in text[end : end + 12].lower():
            m = _lines_after().search(text[end : end + 40])
            if m is not None and split_anchor(paths[0])[1] is None:
                first, last = m.group(1), m.group(2) or m.group(1)
                paths = [f"{paths[0]}#L{first}-L{last}"]
        out += paths
    return out


def cited_paths(text: str, *, bare: bool = False) -> list[str]:
    """Paths cited in inline text: backticked ones, and with `bare` path-like words too.

    Anchors stay on (`docs/x.md#L10-L24`, `app.py:42`); `split_anchor` reads them."""
    spans = _code_spans(text) if "`" in text else []
    out: list[str] = _span_paths(text, spans)
    if bare:
        rest = text
        for span, _ in spans:
            rest = rest.replace(f"`{span}`", " ")
        for target in link_targets(rest):
            out += [p for p in [as_path(target, strict=False)] if p]
        rest = _LINK.sub(" ", rest) if "](" in rest else rest
        words = rest.replace(",", " ").replace(";", " ").split()
        out += [p for p in (as_path(w.strip("*_()[]"), strict=True) for w in words) if p]
    return list(dict.fromkeys(out))


class _Links:
    """`[text](target)` links: their targets, and the text with them removed."""

    @staticmethod
    @lru_cache(maxsize=1)
    def pattern() -> Any:
        import re2

        return re2.compile(r"\[([^\]\n]{0,300})\]\(([^)\s]{1,400})\)")

    def sub(self, repl: str, text: str) -> str:
        return str(self.pattern().sub(repl, text))

    def targets(self, text: str) -> list[str]:
        return [m.group(2) for m in self.pattern().finditer(text)] if "](" in text else []


_LINK = _Links()


def rebase_links(text: str, base: str) -> str:
    """Relative link targets read from the report's own folder `base` (a path from the
    root): `[X](./X.md)` in docs/status.md links docs/X.md, as a reader following it
    finds; `../` climbs from there, and a link above the root still leaves it."""
    if not base or "](" not in text:
        return text
    import posixpath

    def join(m: Any) -> str:
        target = m.group(2)
        if "://" in target or target.startswith(("mailto:", "#", "/", "~")):
            return str(m.group(0))
        joined = posixpath.normpath(posixpath.join(base, target))
        if target.endswith("/") and not joined.endswith("/"):
            joined += "/"
        return f"[{m.group(1)}]({joined})"

    return str(_LINK.pattern().sub(join, text))


def link_targets(text: str) -> list[str]:
    """Local targets of Markdown links, without `#section` anchors (line anchors stay)."""
    out = []
    for target in _LINK.targets(text):
        if "://" in target or target.startswith(("mailto:", "#")):
            continue
        target = target.removeprefix("./")  # a link's ./ is relative, not an invocation
        path, _, frag = target.partition("#")
        out.append(target if frag.upper().startswith("L") and frag[1:2].isdigit() else path)
    return out


def leading_path(text: str) -> str | None:
    """The path an item starts with: "`docs/x.md` (30 lines) - ...", "[X.md](./X.md) - ...",
    "**NOTES.md** - ...", "tests/test_api.py"."""
    t = text.lstrip()
    if t.startswith(("**", "__")) and t[:2] in t[2:]:
        bold = t[2 : t.index(t[:2], 2)].strip()
        return _plain_lead(bold) if " " not in bold else None
    t = t.lstrip("*_").lstrip()
    if t.startswith("`") and "`" in t[1:]:
        span = t[1 : t.index("`", 1)]
        return as_path(span, strict=False) if " " not in span.strip() else None
    if t.startswith("["):
        targets = link_targets(t[: t.find(")") + 1]) if ")" in t else []
        return as_path(targets[0], strict=False) if targets else None
    head, leader, tail = t.rpartition("....")  # "release notes ........ docs/NOTES.md"
    if leader and head.strip() and len(tail.split()) == 1:
        return as_path(tail.strip(". "), strict=True)
    words = t.split(maxsplit=1)
    if not words:
        return None
    rest = words[1].lstrip() if len(words) > 1 else ""
    lead = _plain_lead(words[0].rstrip(":,;"))
    if lead is None or not ("/" in lead or not rest or rest.startswith(_LIST_SEPARATORS)):
        return None  # "llama.cpp servers" names a project, "NOTES.md - summary" a file
    return lead


_LIST_SEPARATORS = ("-", "–", "—", "(", ":")


def _plain_lead(word: str) -> str | None:
    """A plain first word that is a file: 'tests/test_api.py', 'NOTES.md'. A product name
    written like one ('Node.js', 'Vue.js') is not."""
    path = as_path(word, strict=True)
    if path is None or path.endswith("/"):
        return None
    last = path.rpartition("/")[2]
    if "/" not in path and last[:1].isupper() and last.lower().endswith(".js"):
        return None
    return path


_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/*?[]@+~")
# Extensions that make a slash-less dotted word a file name rather than a config key
# (`server.port`), a module (`gonogo.audit`) or a method (`obj.run`).
_EXT_WORDS = (
    "md markdown rst txt adoc py pyi ipynb sh bash zsh ps1 bat yml yaml json jsonc toml ini "
    "cfg conf env example sample xml html htm css scss js mjs cjs ts tsx jsx vue svelte go rs "
    "java kt rb php c h cc cpp hpp cs swift sql csv tsv log lock pdf png jpg jpeg svg gif "
    "dockerfile tf tfvars hcl j2 jinja tmpl tpl properties gradle mod sum proto graphql gql "
    "service timer pem crt key pub zip gz tgz tar whl in mk makefile"
)
FILE_EXTS = frozenset(_EXT_WORDS.split())


def split_anchor(cited: str) -> tuple[str, tuple[int, int] | None]:
    """`docs/x.md#L10-L24` → ('docs/x.md', (10, 24)); `app.py:42` → ('app.py', (42, 42))."""
    path, hash_, frag = cited.partition("#")
    if hash_:
        return path, _line_range(frag.replace("L", "").replace("l", ""))
    head, colon, tail = cited.rpartition(":")
    if colon and head and _line_range(tail) is not None:
        return head, _line_range(tail)
    return cited, None


def _line_range(text: str) -> tuple[int, int] | None:
    first, dash, last = text.partition("-")
    if not first.isdigit() or (dash and not last.isdigit()) or len(text) > 20:
        return None
    a = int(first)
    return a, int(last) if dash else a


def as_path(token: str, *, strict: bool) -> str | None:
    """`token` as a repository path (anchor kept), or None. `./x` stays marked as invoked."""
    tok = token.strip().rstrip(".,:;)").lstrip("(")
    if not tok or len(tok) > 300 or tok.startswith(("-", "$", "@")) or "://" in tok:
        return None
    body, anchor = split_anchor(tok)
    if not body or not all(c in _PATH_CHARS for c in body) or body.replace("/", "").isdigit():
        return None
    if body.startswith("@") or body.count("*") > 4:
        return None
    bare = body[2:] if body.startswith("./") else body
    last = bare.rstrip("/").rpartition("/")[2]
    has_ext = _has_extension(last, known=strict or "/" not in bare.rstrip("/"))
    if strict:
        ok = has_ext or (bare.endswith("/") and "/" in bare[:-1])
        return tok if ok else None
    if "/" in bare.rstrip("/") or bare.endswith("/") or has_ext:
        return tok if anchor is not None or body == tok else body
    return None


# Files named without an extension, written as the repository names them
_BARE_FILES = frozenset(
    ("LICENSE", "LICENCE", "NOTICE", "COPYING", "AUTHORS", "CODEOWNERS", "Gemfile", "Jenkinsfile")
)


def _has_extension(name: str, *, known: bool) -> bool:
    stem, dot, ext = name.rpartition(".")
    if name.lower() in ("dockerfile", "makefile", "procfile", "justfile") or name in _BARE_FILES:
        return True
    if not dot or not 1 <= len(ext) <= 10 or not ext[0].isalpha():
        return False
    if known and ext.lower() not in FILE_EXTS and not (name.startswith(".") and stem == ""):
        return False
    return bool(stem) or name.startswith(".")  # `.env.example`, `.gitignore`


def problem_with(path: str) -> str:
    """Why a cited path cannot be checked inside the repository, or ''."""
    body = path[2:] if path.startswith("./") else path
    if body.startswith("~"):
        return f"{path} is in a home directory, outside the repository"
    if body.startswith("/"):
        return f"{path} is an absolute path, outside the repository"
    return ""


def escapes(path: str) -> bool:
    """`../x` and `a/../../x` leave the repository root."""
    depth = 0
    for part in split_anchor(path)[0].split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return True
        elif part not in ("", "."):
            depth += 1
    return False


def is_script(path: str) -> bool:
    """A cited script must be runnable: `./run.sh` invocations and shell-script names."""
    return path.startswith("./") or path.lower().endswith(_SCRIPT_EXTS)


def format_of(path: str) -> str | None:
    lower = path.lower()
    for ext, fmt in FORMAT_BY_EXT.items():
        if lower.endswith(ext):
            return fmt
    return None
