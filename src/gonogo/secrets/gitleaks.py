"""The allowlists of a gitleaks configuration, applied as gitleaks applies them.

Which file: the one `GITLEAKS_CONFIG` names when that is a file inside the scanned tree
(a relative path is taken from the tree's root), else `.gitleaks.toml` at the root. A
repository is judged by what it commits: a variable pointing outside it is not followed.

What applies (from gitleaks' documentation and source):
- `[allowlist]` (the older v8 form) or `[[allowlists]]`: `paths` (patterns searched in
  the path from the root), `regexes` searched in the secret, the detector's whole `match`
  or the `line`s it spans (`regexTarget`), `stopwords` (one is in the lowercased secret),
  `condition` OR (any part allows; the default) or AND (every part given must);
- `targetRules` and `[[rules]]` allowlists name gitleaks rules: they apply to the gonogo
  kinds that find the same (`gonogo.secrets.gitleaksrules`), others are not applied;
- `commits` name commits: a working-tree scan has none, so they never match (an AND list
  naming commits never allows);
- `[extend] path` is followed inside the tree, two levels deep as gitleaks does;
  `useDefault` and `url` are not: gitleaks' built-in rules belong to its release.
Patterns are compiled by RE2 (gitleaks' Go regexp has the same syntax); one RE2 refuses
is a problem and is left out. A file gitleaks itself refuses to load (both `[allowlist]`
and `[[allowlists]]`, an unknown `condition`, an empty list, a wrong type) is not used.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gonogo.secrets.allow import (
    Loaded,
    Patterns,
    Problem,
    Seen,
    Verdict,
    locator,
    patterns,
    read_text,
)
from gonogo.secrets.allow import text_of as _text
from gonogo.secrets.gitleaksrules import kinds_of
from gonogo.secrets.tools import GITLEAKS_CONFIG, GITLEAKS_ENV

CONFIG = GITLEAKS_CONFIG
ENV = GITLEAKS_ENV
MAX_BYTES = 2 << 20
MAX_DEPTH = 2  # extended files followed, as gitleaks
MAX_STOPWORDS = 5_000  # per list; gitleaks' own generic rule has about 1,500
_CONDITIONS = {"": False, "or": False, "||": False, "and": True, "&&": True}
_TARGETS = {"": "secret", "secret": "secret", "match": "match", "line": "line"}  # as written
_LISTED = ("paths", "regexes", "stopwords", "commits", "targetrules")
Locate = Callable[[str], int | None]


class _Refused(Exception):
    """What gitleaks refuses to load: the file is not used."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class GitleaksList:
    """One allowlist table."""

    label: str
    kinds: frozenset[str] | None  # None: every finding
    all_of: bool
    target: str
    paths: Patterns | None
    regexes: Patterns | None
    stopwords: tuple[str, ...]

    def judge(self, seen: Seen) -> Verdict | None:
        if self.kinds is not None and seen.kind not in self.kinds:
            return None
        checks: list[tuple[str, Callable[[], bool]]] = []
        if self.regexes is not None:
            regexes = self.regexes
            checks.append(("regexes", lambda: regexes.search(self._target(seen))))
        if self.stopwords:
            checks.append(("stopwords", lambda: self._stopword(seen)))
        if self.paths is not None:
            paths = self.paths
            checks.append(("paths", lambda: paths.search(seen.path)))
        if self.all_of:
            if not all(test() for _, test in checks):
                return None
            names = [name for name, _ in checks]
            return Verdict(f"{self.label} {'+'.join(names)}", by_path=names == ["paths"])
        for name, test in checks:  # what names the value first, the path last
            if test():
                return Verdict(f"{self.label} {name}", by_path=name == "paths")
        return None

    def _target(self, seen: Seen) -> str:
        if self.target == "match":
            return _text(seen.block or seen.match)
        if self.target == "line":
            return _text(b"\n".join(seen.lines))
        return _text(seen.secret)

    def _stopword(self, seen: Seen) -> bool:
        low = _text(seen.secret).lower()
        return any(word in low for word in self.stopwords)


def load(root: Path, environ: Mapping[str, str]) -> Loaded:
    rel, problems = which(root, environ)
    if rel is None:
        return Loaded(problems=tuple(problems))
    loaded = _file(root, rel, 0)
    notes = (f"{ENV}={environ.get(ENV, '')} names {rel}",) if rel != CONFIG else ()
    problems += loaded.problems
    return Loaded(loaded.sources, (), notes + loaded.notes, tuple(problems), loaded.files)


def which(root: Path, environ: Mapping[str, str]) -> tuple[str | None, list[Problem]]:
    """The configuration to read, relative to `root`: `GITLEAKS_CONFIG`'s file when it is
    inside the tree, else `.gitleaks.toml` when there is one."""
    named = environ.get(ENV, "").strip()
    problems = []
    if named:
        rel = _inside(root, named)
        if rel is not None and (root / rel).is_file():
            return rel, []
        why = "no such file" if rel is not None else "outside the scanned tree"
        problems.append(Problem(ENV, None, f"{named!r}: {why}; gonogo reads {CONFIG} instead"))
    return (CONFIG if (root / CONFIG).is_file() else None), problems


def _inside(root: Path, named: str) -> str | None:
    base = root.resolve()
    full = (base / named).resolve()
    return full.relative_to(base).as_posix() if full.is_relative_to(base) else None


def _file(root: Path, rel: str, depth: int) -> Loaded:
    text, problem = read_text(root, rel, MAX_BYTES)
    if problem is not None:
        return Loaded(problems=(problem,))
    if text is None:
        return Loaded()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"at line (\d+)", str(exc))
        why = f"invalid TOML ({exc}); gonogo goes on without its allowlists"
        return Loaded(problems=(Problem(rel, int(at.group(1)) if at else None, why),), files=(rel,))
    try:
        done = _config(root, rel, text, _keys(data), depth)
    except _Refused as exc:
        why = f"{exc}: gitleaks refuses this configuration too; gonogo goes on without it"
        return Loaded(problems=(Problem(rel, exc.line, why),), files=(rel,))
    return Loaded(done.sources, (), done.notes, done.problems, (rel, *done.files))


@dataclass(frozen=True)
class _Table:
    name: str  # `[allowlist]`, `[[allowlists]] #2`, `[[rules]] gcp-api-key allowlist`
    raw: Any
    rule: str | None = None  # the gitleaks rule it is scoped to


def _config(root: Path, rel: str, text: str, doc: dict[str, Any], depth: int) -> Loaded:
    locate = locator(text)
    if "allowlist" in doc and "allowlists" in doc:
        raise _Refused(locate("[allowlist]"), "[allowlist] cannot be used beside [[allowlists]]")
    tables = [_Table("[allowlist]", doc["allowlist"])] if "allowlist" in doc else []
    for i, raw in enumerate(_array(doc, "allowlists", locate), 1):
        tables.append(_Table(f"[[allowlists]] #{i}", raw))
    for rule in _array(doc, "rules", locate):
        tables += _rule_tables(_keys(_table(rule, "[[rules]]", locate)), locate)
    parts = [_one(rel, table, locate) for table in tables]
    parts.append(_extend(root, rel, doc, depth, locate))
    return Loaded(
        tuple(s for p in parts for s in p.sources),
        (),
        tuple(n for p in parts for n in p.notes),
        tuple(x for p in parts for x in p.problems),
        tuple(f for p in parts for f in p.files),
    )


def _rule_tables(rule: dict[str, Any], locate: Locate) -> list[_Table]:
    rule_id = rule.get("id")
    if not isinstance(rule_id, str):
        raise _Refused(locate("[[rules]]"), f"[[rules]] id: a string expected, got {rule_id!r}")
    if "allowlist" in rule and "allowlists" in rule:
        why = f"{rule_id}: [rules.allowlist] cannot be used beside [[rules.allowlists]]"
        raise _Refused(locate(rule_id), why)
    found = [rule["allowlist"]] if "allowlist" in rule else _array(rule, "allowlists", locate)
    name = f"[[rules]] {rule_id} allowlist"
    if len(found) == 1:
        return [_Table(name, found[0], rule_id)]
    return [_Table(f"{name} #{i}", raw, rule_id) for i, raw in enumerate(found, 1)]


def _one(rel: str, at: _Table, locate: Locate) -> Loaded:
    """One allowlist table: its usable parts, what `-v` says of it, its refused patterns."""
    table = _keys(_table(at.raw, at.name, locate))
    where = f"{rel} {at.name}"
    values = {key: _strings(table, key, at.name, locate) for key in _LISTED}
    if not any(values[k] for k in ("paths", "regexes", "stopwords", "commits")):
        why = f"{at.name}: an allowlist needs paths, regexes, stopwords or commits"
        raise _Refused(locate(at.name.split(" #")[0]), why)
    all_of = _choice(table, "condition", _CONDITIONS, at.name, locate, fold=True)
    target = _choice(table, "regextarget", _TARGETS, at.name, locate, fold=False)
    about = _about(where, table, values, all_of, target)
    rules = [at.rule] if at.rule else values["targetrules"]
    kinds, unknown = kinds_of(rules) if rules else (None, [])
    if rules and not kinds:
        missing = ", ".join(unknown)
        return Loaded(notes=(f"{about}: not applied (gitleaks rule {missing}: no gonogo kind)",))
    if values["commits"] and (
        all_of or not (values["paths"] or values["regexes"] or values["stopwords"])
    ):
        return Loaded(notes=(f"{about}: not applied (its commits never match a working tree)",))
    problems: list[Problem] = []
    compiled: dict[str, Patterns | None] = {"paths": None, "regexes": None}
    for key in compiled:
        if values[key]:
            compiled[key], refused = patterns(values[key], rel, f"{at.name}.{key}", locate)
            problems += refused
    notes = [about + (f"; applied to {', '.join(sorted(kinds))} findings" if kinds else "")]
    if unknown:
        notes.append(f"{where}: gitleaks rule {', '.join(unknown)}: no gonogo kind")
    if values["commits"]:
        notes.append(f"{where}: commits not applied (a working-tree scan has no commit)")
    stopwords = tuple(dict.fromkeys(w.lower() for w in values["stopwords"][:MAX_STOPWORDS] if w))
    if len(values["stopwords"]) > MAX_STOPWORDS:
        why = f"{at.name}.stopwords: more than the {MAX_STOPWORDS} read; the rest skipped"
        problems.append(Problem(rel, None, why))
    source = GitleaksList(
        where, kinds, all_of, target, compiled["paths"], compiled["regexes"], stopwords
    )
    return Loaded((source,), (), tuple(notes), tuple(problems))


def _about(
    where: str, table: dict[str, Any], values: dict[str, list[str]], all_of: bool, target: str
) -> str:
    counts = []
    if values["paths"]:
        counts.append(f"{len(values['paths'])} paths")
    if values["regexes"]:
        counts.append(f"{len(values['regexes'])} regexes (on the {target})")
    if values["stopwords"]:
        counts.append(f"{len(values['stopwords'])} stopwords")
    if values["commits"]:
        counts.append(f"{len(values['commits'])} commits")
    described = table.get("description")
    label = ""
    if isinstance(described, str) and described:
        label = f" ({described if len(described) <= 60 else described[:59] + '…'!r})"
    return f"{where}{label}: {', '.join(counts)}, condition {'AND' if all_of else 'OR'}"


def _extend(root: Path, rel: str, doc: dict[str, Any], depth: int, locate: Locate) -> Loaded:
    ext = _keys(_table(doc.get("extend", {}), "[extend]", locate))
    path = ext.get("path")
    if ext.get("usedefault") is True and path:
        raise _Refused(locate("[extend]"), "[extend] cannot set both useDefault and path")
    notes = []
    if ext.get("usedefault") is True:
        notes.append(
            f"{rel} [extend] useDefault: not followed (gitleaks' built-in rules and "
            "allowlists belong to its release; gonogo has its own)"
        )
    if ext.get("url"):
        notes.append(f"{rel} [extend] url: not followed")
    if not isinstance(path, str) or not path:
        return Loaded(notes=tuple(notes))
    target = _inside(root, path)
    if target is None:
        why = f"[extend] path {path!r}: outside the scanned tree; not followed"
        return Loaded(notes=tuple(notes), problems=(Problem(rel, locate(path), why),))
    if depth >= MAX_DEPTH:
        notes.append(f"{rel} [extend] path {target}: not followed (deeper than gitleaks goes)")
        return Loaded(notes=tuple(notes))
    extended = _file(root, target, depth + 1)
    notes.append(f"{rel} [extend] path: {target} followed")
    return Loaded(
        extended.sources, (), (*notes, *extended.notes), extended.problems, extended.files
    )


def _keys(table: Any) -> dict[str, Any]:
    """The table with its keys in lower case: gitleaks reads them in any case."""
    return {str(k).lower(): v for k, v in table.items()} if isinstance(table, dict) else {}


def _table(value: Any, name: str, locate: Locate) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Refused(locate(name), f"{name}: a table expected, got {type(value).__name__}")
    return value


def _array(doc: dict[str, Any], key: str, locate: Locate) -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise _Refused(locate(key), f"{key}: an array of tables expected")
    return value


def _strings(table: dict[str, Any], key: str, name: str, locate: Locate) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Refused(locate(key), f"{name}.{key}: a list of strings expected, got {value!r:.80}")
    return value


def _choice(
    table: dict[str, Any],
    key: str,
    allowed: Mapping[str, Any],
    name: str,
    locate: Locate,
    *,
    fold: bool,
) -> Any:
    value = table.get(key, "")
    word = value.lower() if isinstance(value, str) and fold else value
    if not isinstance(word, str) or word not in allowed:
        shown = ", ".join(repr(k) for k in allowed if k)
        raise _Refused(locate(key), f"{name}.{key}: {value!r:.40} is not one of {shown}")
    return allowed[word]
