"""Evidence claims: done rows, ticked checklist items, done bullets, `File:` labels.

A claim that cites paths becomes `file.exists` checks (non-empty; executable for
scripts) plus `file.valid` for YAML/JSON/TOML/XML/Python files. A claim that
cites nothing checkable is kept, as unverifiable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from gonogo.audit import markers as mk
from gonogo.audit.blocks import Block, Heading, Item, ListBlock, Para, Table
from gonogo.audit.model import Claim, FileCheck, Source
from gonogo.audit.regex import rx

STATUS_HEADERS = ("status", "state", "result", "done", "complete", "passed", "✓", "✅")
EVIDENCE_HEADERS = ("evidence", "file", "location", "path", "artifact", "deliverable", "proof")
LABELS = frozenset(
    (
        "file", "files", "evidence", "location", "path", "artifact", "script", "document",
        "runbook", "guide", "report", "config", "changelog", "release notes", "playbook",
    )
)  # fmt: skip
TEXT_LIMIT = 160


def sections(blocks: Sequence[Block]) -> Iterator[tuple[str, Block]]:
    """Each block with the title of the level-1/2 heading it sits under."""
    title = ""
    for block in blocks:
        if isinstance(block, Heading) and block.level <= 2:
            title = mk.plain(block.text)
        yield title, block


def headed(blocks: Sequence[Block]) -> Iterator[tuple[str, str, Block]]:
    """Each block with its level-1/2 section title and the title of the nearest heading."""
    title = ""
    for section, block in sections(blocks):
        if isinstance(block, Heading):
            title = mk.plain(block.text)
        yield section, title, block


def evidence_claims(blocks: Sequence[Block], limit: int | None = None) -> list[Claim]:
    """Evidence claims in report order; reading stops once more than `limit` are found."""
    out: list[Claim] = []
    # under a heading of next steps, a roadmap, targets, work remaining (and the headings
    # below it, but for a document's title): nothing is claimed
    planned = False
    scope = 0  # the level of that heading while its subheadings stay planned, else 0
    for section, block in sections(blocks):
        if limit is not None and len(out) > limit:
            break
        if isinstance(block, Heading) and not 0 < scope < block.level:
            title = mk.plain(block.text)
            planned = bool(rx(mk.MEANT_OPEN).search(title) or rx(_NOT_BUILT).search(title))
            scope = block.level if planned and block.level > 1 else 0
        if isinstance(block, Table):
            out += _table_claims(block, section, limit)
        elif isinstance(block, ListBlock):
            for item in walk_items(block.items):
                out += _item_claims(item, section, planned=planned)
        elif isinstance(block, Para):
            for i, line in enumerate(block.lines):
                number = block.line + i
                claim = _label_claim(line, number, section) or _link_claim(line, number, section)
                if claim is not None:
                    out.append(claim)
    return out


# a heading over work still to do: the paths it names are where that work will go
_NOT_BUILT = r"(?i)\bremaining\b|to be (built|done|implemented)|not yet (built|implemented)"


def walk_items(items: Sequence[Item]) -> Iterator[Item]:
    """Every item of a list, nested ones included (iteratively: no recursion limit)."""
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        yield item
        stack.extend(reversed(item.children))


def column(header: Sequence[str], names: Sequence[str]) -> int | None:
    for i, cell in enumerate(header):
        text = mk.plain(cell).lower()
        if any(text.startswith(n) or text == n for n in names):
            return i
    return None


def is_total(row: Sequence[str]) -> bool:
    return bool(row) and mk.plain(row[0]).lower().startswith(("total", "sum", "overall"))


def _table_claims(table: Table, section: str, limit: int | None = None) -> list[Claim]:
    from gonogo.audit.outline import row_mark, status_column

    status = status_column(table)
    if status is None:
        return []
    evidence = column(table.header, EVIDENCE_HEADERS)
    out: list[Claim] = []
    for row in table.rows:
        if limit is not None and len(out) > limit:
            break
        cells = row.cells
        if status >= len(cells) or is_total(cells):
            continue
        if row_mark(table, cells[status]) is not mk.Mark.DONE:
            continue
        if evidence is not None and evidence < len(cells):
            paths = mk.cited_paths(cells[evidence], bare=True)
        else:
            paths = [p for c in cells for p in mk.cited_paths(c)]
        words = [c for i, c in enumerate(table.texts(row)) if i != status and c]
        text = " | ".join(words[:3])
        out.append(make_claim(row.line, Source.TABLE, text, section, paths))
    return out


def _item_claims(item: Item, section: str, *, planned: bool = False) -> list[Claim]:
    lines = item.text.split("\n")
    first = lines[0].lstrip()
    if first.startswith(("[x]", "[X]")):
        paths = mk.cited_paths(item.text, bare=True)
        return [_named(make_claim(item.line, Source.CHECKLIST, first, section, paths), item.text)]
    if mk.leading_mark(first) is mk.Mark.DONE and not _legend(first):
        paths = mk.cited_paths(item.text, bare=True)
        return [_named(make_claim(item.line, Source.LIST, first, section, paths), item.text)]
    claims = [_label_claim(line, item.line + i, section) for i, line in enumerate(lines)]
    found = [c for c in claims if c is not None]
    lead = mk.leading_path(first) if not found and not first.startswith("[ ]") else None
    if lead is not None:  # "- `vitest.config.ts` (30 lines) - runner": the file is the claim
        claim = make_claim(item.line, Source.LIST, first, section, [lead])
        linked = first.lstrip().lstrip("*_").lstrip().startswith("[")
        return [dataclasses.replace(claim, named=() if linked else (lead,), listed=True)]
    if not found and not first.startswith("[ ]"):
        link = _link_claim(first, item.line, section)
        if link is None and not planned and not _imperative(first):
            link = _spans_claim(first, item.line, section)
        return [link] if link is not None else []
    return found


IMPERATIVE = frozenset(
    (
        "add", "create", "update", "run", "fix", "implement", "use", "check", "set",
        "configure", "install", "edit", "write", "move", "delete", "remove", "rename",
        "review", "test", "verify", "ensure", "deploy", "document", "migrate", "apply",
        "replace", "consider", "investigate", "follow", "read", "open", "see", "build",
        "start", "stop", "enable", "disable",
    )
)  # fmt: skip


def _imperative(text: str) -> bool:
    """'Add `config/x.yaml` before deploying': a step to take, not a claim about a file."""
    words = mk.plain(text).split()
    return bool(words) and words[0].lower().strip("*_:") in IMPERATIVE


def _spans_claim(line: str, number: int, section: str) -> Claim | None:
    """A list item that names files in code spans ("Removed a duplicate marker from
    `tests/test_rabbit.py`", "Created `scripts/check.sh` automation script") says they
    are there. Dotted words that only look like files (`.meta`) are not cited."""
    paths = [p for p in mk.span_only_paths(line) if _file_like(p)] + _folder_words(line)
    if not paths:
        return None
    claim = make_claim(number, Source.LIST, line.strip(), section, list(dict.fromkeys(paths)))
    return dataclasses.replace(claim, listed=True, mentioned=True)


def _folder_words(text: str) -> list[str]:
    """Plain words that are paths with a folder and a file extension ("see
    deploy/dualwrite.yaml", "(logs/backfill.log)"), as plain-text reports write them, and
    file names with a known extension ("Fixed an f-string in credential_manager.py")."""
    spans = set(mk.cited_paths(text))
    spans |= {p for t in mk.link_targets(text) for p in [mk.as_path(t, strict=False)] if p}
    words = [p for p in mk.cited_paths(text, bare=True) if p not in spans and "](" not in p]
    return [p for p in words if "/" in mk.split_anchor(p)[0].strip("/") or _file_name(p)]


# Project names written like files: Node.js, Vue.js, llama.cpp, whisper.cpp
_PROJECT_SUFFIXES = (".js", ".cpp")


def _file_name(word: str) -> bool:
    """A plain word that is a file name (`executor.py`), not a project's name (llama.cpp)."""
    return _file_like(word) and not word.lower().endswith(_PROJECT_SUFFIXES)


def _file_like(path: str) -> bool:
    body = mk.split_anchor(path)[0].removeprefix("./")
    last = body.rstrip("/").rpartition("/")[2]
    if "/" in body.rstrip("/"):
        return True
    stem, dot, ext = last.rpartition(".")
    return bool(stem) and bool(dot) and ext.lower() in mk.FILE_EXTS


def _link_claim(line: str, number: int, section: str) -> Claim | None:
    """A line that links a file of the repository ("see [CHECKLIST.md](./CHECKLIST.md)")
    claims the file is there."""
    if "](" not in line:
        return None
    paths = [p for p in (mk.as_path(t, strict=False) for t in mk.link_targets(line)) if p]
    if not paths:
        return None
    claim = make_claim(number, Source.LIST, line.strip(), section, paths)
    return dataclasses.replace(claim, listed=True)  # a dead link is broken, not a name


def _named(claim: Claim, text: str) -> Claim:
    """Mark the paths written as bare words ("in cursor.json"), not as `code`."""
    coded = set(mk.cited_paths(text))
    coded |= {p for t in mk.link_targets(text) for p in [mk.as_path(t, strict=False)] if p}
    named = tuple(p for p in claim.cited if p not in coded)
    return dataclasses.replace(claim, named=named) if named else claim


def _legend(text: str) -> bool:
    """'✅ Complete' alone explains a mark; it claims nothing."""
    words = mk.plain(text).split()
    return len(words) == 2 and words[1].lower() in mk.DONE_WORDS


NOT_EVIDENCE = frozenset(
    (
        "run", "command", "commands", "cmd", "usage", "example", "examples", "install",
        "syntax", "branch", "commit", "tag", "pattern", "patterns", "regex", "format", "key",
        "keys", "variable", "variables", "flag", "flags", "option", "options",
    )
)  # fmt: skip


def _label_claim(line: str, number: int, section: str) -> Claim | None:
    """`**File**: path` names its file whatever the wording; any short label ("Details:
    See `VIRIAL_STATUS.md`", "**Benchmark**: `test/bench.jl`") names the files it writes
    in code spans or links."""
    text = line.strip().lstrip("-*+ ").replace("**", "").replace("__", "")
    head, sep, rest = text.partition(":")
    label = head.strip().lower()
    if not sep:
        return None
    if label in LABELS:
        paths = mk.cited_paths(rest, bare=True)
    elif _short_label(label) and label not in NOT_EVIDENCE:
        paths = [p for p in mk.span_only_paths(rest) if _file_like(p)]
        links = [p for t in mk.link_targets(rest) for p in [mk.as_path(t, strict=False)] if p]
        paths += [p for p in [*links, *_folder_words(rest)] if p not in paths]
        if not paths:
            return None
        claim = make_claim(number, Source.LABEL, line.strip(), section, paths)
        if mk.plain(rest).strip(" .,`*_") in paths:
            return claim  # "Contributions: CONTRIBUTING.md": the label's value is the file
        return dataclasses.replace(claim, mentioned=True)
    else:
        return None
    if not paths:
        return None
    return make_claim(number, Source.LABEL, line.strip(), section, paths)


def _short_label(label: str) -> bool:
    words = label.split()
    return 0 < len(words) <= 4 and len(label) <= 40 and not label[:1].isdigit()


NEGATIVE = (
    r"(?i)\b(excluded|excludes|exclusions?|removed|deleted|ignored|ignores|gitignored|"
    r"not committed|no longer|untracked)\b"
)


def make_claim(line: int, source: Source, text: str, section: str, paths: list[str]) -> Claim:
    """A claim citing `paths`; one that says a file is gone or excluded checks none."""
    checks: list[FileCheck] = []
    if paths and rx(NEGATIVE).search(text):
        paths, gone = [], paths
        return Claim(line, source, _short(mk.plain(text)), section, (), tuple(gone))
    for path in paths:
        if mk.problem_with(path) or mk.escapes(path):
            continue
        checks += file_checks(mk.split_anchor(path)[0])
    return Claim(line, source, _short(mk.plain(text)), section, tuple(checks), tuple(paths))


def file_checks(cited: str) -> list[FileCheck]:
    path = cited.removeprefix("./").rstrip("/")
    if cited.rstrip("/") != cited:
        return [FileCheck("file.exists", {"path": path})]
    exists = FileCheck(
        "file.exists", {"path": path, "non_empty": True, "executable": mk.is_script(cited)}
    )
    fmt = mk.format_of(path)
    if fmt is None:
        return [exists]
    return [exists, FileCheck("file.valid", {"path": path, "format": fmt})]


def _short(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"
