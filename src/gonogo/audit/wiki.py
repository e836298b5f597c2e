"""Confluence and Jira wiki markup, rewritten line for line into the Markdown the rest of
the auditor reads (line numbers stay those of the report):

- `h2. Title` headings, `*` / `#` bullets and numbered items (`**`, `##` nest);
- `*bold*`, `{{monospace}}` (a path in it is cited, as in a code span) and
  `[text|target]` links;
- the status icons `(/)` done, `(x)` failed, `(?)` unknown, `(!)` warning, and
  `{status:title=DONE}` lozenges as their words;
- `{code}` / `{noformat}` blocks as fences; other macros (`{warning}`, `{panel}`) dropped.

Tables (`||head||head||` over `|cell|cell|` rows) keep their pipes: `wikitables` reads
them. A report is rewritten only when it shows wiki markup: a `h1.`–`h6.` heading or a
`||`-delimited header row, which Markdown never writes."""

from __future__ import annotations

from gonogo.audit.regex import rx

_HEADING = r"^h([1-6])\.\s+(.*)$"
_HEADER_ROW = r"^\s*\|\|[^|]+\|\|[^|]+\|\|"
ICONS = {"(/)": "✅", "(x)": "❌", "(?)": "❓", "(!)": "⚠"}
_BOLD = r"(^|[\s|(\[])\*([^*\s][^*\n]{0,200}?)\*($|[\s|).,:;\]])"
_MONO = r"\{\{([^{}\n]{1,400}?)\}\}"
_LINK = r"\[([^\[\]|\n]{1,300})\|([^\[\]|\s]{1,400})\]"
_STATUS = r"\{status:[^{}\n]*?title=([^|}\n]{1,60})[^{}\n]*\}"
_MACRO = r"\{(warning|info|note|tip|panel|expand|quote|color|section|column)(:[^{}\n]*)?\}"
_BLOCK = r"^\s*\{(code|noformat)(:[^{}\n]*)?\}\s*$"
MAX_SCAN = 2000  # lines looked at to decide whether a report is wiki markup


def is_wiki(text: str) -> bool:
    """Whether the report is written in wiki markup (a heading or a header row shows it)."""
    head = text.split("\n", MAX_SCAN)[:MAX_SCAN]
    return any(_shows_wiki(line) for line in head if len(line) < 4096)


def _shows_wiki(line: str) -> bool:
    if line[:1] == "h" and rx(_HEADING).search(line):
        return True
    return line.lstrip()[:2] == "||" and rx(_HEADER_ROW).search(line) is not None


def as_markdown(text: str) -> str:
    """The report with its wiki markup rewritten to Markdown (the same lines)."""
    if not is_wiki(text):
        return text
    lines = text.split("\n")
    fenced = False
    for i, line in enumerate(lines):
        if len(line) > 4096:
            continue
        if rx(_BLOCK).search(line):
            lines[i] = "```"
            fenced = not fenced
        elif not fenced:
            lines[i] = _inline(_block(line))
    return "\n".join(lines)


def _block(line: str) -> str:
    """The line's block syntax: headings, bullets and numbered items."""
    m = rx(_HEADING).search(line)
    if m is not None:
        return "#" * int(m.group(1)) + " " + str(m.group(2))
    body = line.lstrip()
    marks = len(body) - len(body.lstrip("*#"))
    if 0 < marks <= 6 and body[marks : marks + 1] == " " and len(set(body[:marks])) == 1:
        bullet = "-" if body[0] == "*" else "1."
        return "  " * (marks - 1) * (2 if bullet == "1." else 1) + f"{bullet} {body[marks + 1 :]}"
    return line


def _inline(line: str) -> str:
    if "(" in line:
        for icon, mark in ICONS.items():
            line = line.replace(icon, mark)
    if "{" in line:
        line = rx(_STATUS).sub(r"\1", line)
        line = rx(_MONO).sub(r"`\1`", line)
        line = rx(_MACRO).sub("", line)
    if "[" in line and "|" in line:
        line = rx(_LINK).sub(r"[\1](\2)", line)
    if "*" in line:  # twice: a match takes the delimiter the next one starts with
        line = rx(_BOLD).sub(r"\1**\2**\3", rx(_BOLD).sub(r"\1**\2**\3", line))
    return line
