"""File probes: exists, absent, contains, not_contains, valid, python.syntax."""

from __future__ import annotations

import stat
from typing import Literal

from pydantic import Field

from gonogo import patterns
from gonogo.fs.reader import OutsideRoot
from gonogo.models import Finding, Outcome, Status, errored, failed, passed, verdict_of
from gonogo.probes import pysyntax
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, Regex, RelPath, in_thread
from gonogo.probes.filerules import (
    FORBIDDEN_PATTERN,
    INVALID,
    MISSING_PATTERN,
    PRESENT,
    STALE,
    SYNTAX_ERROR,
)
from gonogo.probes.freshness import MaxAge, stale
from gonogo.probes.templates import template_reason, templates_note

_MAX_FINDINGS = 200
_ENOUGH = 20
_LISTED = 8


_WHY = "why the check exists: said in its fail message and findings"
_EXCLUDE = "globs of files to leave out"


class ExistsParams(Params):
    path: RelPath = Field(description="path or glob, relative to the project root")
    why: str | None = Field(None, description=_WHY)
    exclude: list[str] = Field(default_factory=list, description=_EXCLUDE)
    non_empty: bool = Field(True, description="the file must have content")
    executable: bool = Field(False, description="the file must have an executable bit")
    max_age: MaxAge | None = Field(None, description="duration, or `commit`: newer than HEAD")


class PathParams(Params):
    path: RelPath = Field(description="path or glob, relative to the project root")
    why: str | None = Field(None, description=_WHY)
    exclude: list[str] = Field(default_factory=list, description=_EXCLUDE)


class ContainsParams(Params):
    path: RelPath = Field(description="path or glob")
    pattern: Regex = Field(description="regular expression (RE2 syntax), searched per file")
    every: bool = Field(False, description="every matching file must contain it")
    why: str | None = Field(None, description=_WHY)
    exclude: list[str] = Field(default_factory=list, description=_EXCLUDE)


class NotContainsParams(Params):
    path: RelPath = Field(description="path or glob")
    pattern: Regex = Field(description="regular expression; each hit is a finding")
    allow: Regex | None = Field(
        None,
        description="regular expression searched in the line of each hit: a line it "
        "matches is allowed (e.g. your own organisation's actions)",
    )
    why: str | None = Field(None, description=_WHY)
    exclude: list[str] = Field(default_factory=list, description=_EXCLUDE)


class ValidParams(Params):
    path: RelPath = Field(description="path or glob")
    format: Literal["yaml", "json", "toml", "xml", "python"]
    why: str | None = Field(None, description=_WHY)
    exclude: list[str] = Field(default_factory=list, description=_EXCLUDE)


def _exists(p: ExistsParams, ctx: Context) -> Outcome:
    matches = ctx.files.select(p.path, p.exclude)
    if not matches:
        if ctx.files.outside(p.path):
            raise OutsideRoot(p.path)
        if ctx.files.dir_exists(p.path) and not _has_magic(p.path):
            return passed(f"directory {p.path} exists", evidence={"path": p.path})
        return failed(f"no file matches {p.path}{_because(p.why)}", evidence={"path": p.path})
    problems: list[str] = []
    good: list[str] = []
    for rel in matches:  # enough good matches settle it: a glob over 10k files stats 20
        why = _exists_problem(ctx, rel, p)
        (problems if why else good).append(why or rel)
        if len(good) >= _ENOUGH:
            break
    if not good:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        message = f"{problems[0]}{more}{_because(p.why)}"
        return failed(message, evidence={"matches": matches[:20]})
    findings = stale(ctx.root, good, p.max_age)
    unknown = [f for f in findings if f.path is None]
    if unknown:  # could not tell (no git commit to compare with): not a pass, not a fail
        return errored(unknown[0].message, evidence={"files": good[:20]})
    if findings and len(findings) == len(good):
        return failed(findings[0].message, findings=tuple(findings), evidence={"files": good[:20]})
    fresh = [f for f in good if f not in {x.path for x in findings}]
    shown = len(matches) if len(good) >= _ENOUGH else len(fresh)
    label = f"{fresh[0]} exists" if shown == 1 else f"{shown} files match {p.path}"
    if 1 < shown <= _LISTED:
        label += ": " + ", ".join(fresh)
    return passed(label, evidence={"files": (fresh if shown == len(fresh) else matches)[:100]})


def _because(why: str | None) -> str:
    return f": {why}" if why else ""


def _exists_problem(ctx: Context, rel: str, p: ExistsParams) -> str:
    if ctx.files.outside(rel):
        raise OutsideRoot(rel)  # its target's existence, size and mode are not ours to tell
    st = ctx.files.stat(rel)
    if st is None:
        return f"{rel} is a broken link"
    if p.non_empty and st.st_size == 0:
        return f"{rel} is empty"
    if p.executable and not st.st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH):
        return f"{rel} is not executable"
    return ""


def _has_magic(path: str) -> bool:
    return any(c in path for c in "*?[")


def _absent(p: PathParams, ctx: Context) -> Outcome:
    matches = ctx.files.select(p.path, p.exclude)
    if not matches:
        return passed(f"nothing matches {p.path}")
    findings = tuple(
        Finding("file.present", f"{rel} should not exist{_because(p.why)}", path=rel)
        for rel in matches[:_MAX_FINDINGS]
    )
    shown = ", ".join(matches[:3]) + (", …" if len(matches) > 3 else "")
    message = f"{len(matches)} file(s) match {p.path}: {shown}{_because(p.why)}"
    return failed(message, findings=findings)


def _contains(p: ContainsParams, ctx: Context) -> Outcome:
    matches = ctx.files.select(p.path, p.exclude)
    if not matches:
        return failed(f"no file matches {p.path}{_because(p.why)}")
    regex = patterns.compiled(p.pattern, multiline=True)
    hits = [rel for rel in matches if regex.search(ctx.files.read_text(rel))]
    misses = [rel for rel in matches if rel not in hits]
    if p.every and misses:
        return failed(
            f"{len(misses)} of {len(matches)} file(s) lack /{p.pattern}/: "
            f"{', '.join(misses[:3])}{_because(p.why)}",
            findings=tuple(
                Finding("file.missing-pattern", f"/{p.pattern}/ not found", path=rel)
                for rel in misses[:_MAX_FINDINGS]
            ),
        )
    if not hits:
        where = _files_label(matches, p.path)
        return failed(f"/{p.pattern}/ not found in {where}{_because(p.why)}")
    return passed(
        f"/{p.pattern}/ found in {_files_label(hits, p.path)}", evidence={"files": hits[:20]}
    )


def _not_contains(p: NotContainsParams, ctx: Context) -> Outcome:
    regex = patterns.compiled(p.pattern, multiline=True)
    allow = patterns.compiled(p.allow) if p.allow else None
    findings: list[Finding] = []
    hits = 0
    matches = ctx.files.select(p.path, p.exclude)
    for rel in matches:
        text = ctx.files.read_text(rel)
        for m in regex.finditer(text):
            if allow is not None and allow.search(_line_of(text, m.start())):
                continue
            hits += 1
            if len(findings) < _MAX_FINDINGS:  # every hit is counted, the first ones listed
                line = text.count("\n", 0, m.start()) + 1
                message = p.why or f"/{p.pattern}/ matches here"
                findings.append(Finding("file.forbidden-pattern", message, path=rel, line=line))
    return verdict_of(
        tuple(findings),
        f"/{p.pattern}/ absent from {len(matches)} file(s)",
        f"{hits} match(es) of /{p.pattern}/ in {p.path}{_because(p.why)}",
    )


def _line_of(text: str, at: int) -> str:
    end = text.find("\n", at)
    return text[text.rfind("\n", 0, at) + 1 : None if end < 0 else end]


def _files_label(files: list[str], pattern: str) -> str:
    return files[0] if len(files) == 1 else f"{len(files)} files matching {pattern}"


def _valid(p: ValidParams, ctx: Context) -> Outcome:
    from gonogo.probes.formats import PARSERS

    matches = ctx.files.select(p.path, p.exclude)
    if not matches:
        return failed(f"no file matches {p.path}{_because(p.why)}")
    parse = PARSERS[p.format]
    findings = []
    templates: list[str] = []
    for rel in matches:
        data = ctx.files.read_bytes(rel)
        problem = parse(data)
        if problem is not None and template_reason(rel, data) is not None:
            templates.append(rel)  # valid once rendered: nothing to say yet
        elif problem is not None:
            line, msg = problem
            findings.append(
                Finding(
                    f"file.invalid-{p.format}", f"invalid {p.format}: {msg}", path=rel, line=line
                )
            )
    evidence = {"templates": templates[:100]} if templates else None
    if len(templates) == len(matches):
        return Outcome(
            Status.SKIP,
            f"{_files_label(matches, p.path)}: only templates, {p.format} once rendered "
            f"({', '.join(templates[:3])})",
            evidence or {},
        )
    parsed = [rel for rel in matches if rel not in templates]
    return verdict_of(
        tuple(findings),
        f"{_files_label(parsed, p.path)}: valid {p.format}{templates_note(templates)}",
        f"{len(findings)} of {len(parsed)} file(s) are not valid {p.format}: "
        f"{findings[0].path}:{findings[0].line or 1} {findings[0].message}{_because(p.why)}"
        if findings
        else "",
        evidence,
    )


def _exists_fast(p: ExistsParams, ctx: Context) -> Outcome | None:
    return None if p.max_age == "commit" else _exists(p, ctx)  # `commit` asks git: a thread


EXISTS = Probe(
    "file.exists",
    ExistsParams,
    in_thread(_exists),
    ProbeDoc(
        summary="A file (or a glob's match) exists, optionally non-empty, executable and fresh.",
        why="Reports cite evidence files that were never committed, are empty, or are stale.",
        example="{id: backup-script, kind: file.exists, path: scripts/backup.sh, executable: true}",
        remediation="Create the file, give it content, or `chmod +x` it.",
    ),
    fast=_exists_fast,
    rules=STALE,
)
ABSENT = Probe(
    "file.absent",
    PathParams,
    in_thread(_absent),
    ProbeDoc(
        summary="No file matches the path or glob.",
        why="Committed `.env` files, dumps and keys leak secrets.",
        example="{id: no-dotenv, kind: file.absent, path: .env}",
        remediation="Remove the file from the repository and add it to .gitignore.",
    ),
    fast=_absent,
    rules=PRESENT,
)
CONTAINS = Probe(
    "file.contains",
    ContainsParams,
    in_thread(_contains),
    ProbeDoc(
        summary="A regular expression is found in the file(s) (in every file with `every`).",
        why="Turns 'the runbook documents rollback' into a re-checkable fact.",
        example="{id: rollback-doc, kind: file.contains, path: docs/runbook.md, "
        "pattern: '(?i)rollback'}",
        remediation="Add the missing content.",
    ),
    rules=MISSING_PATTERN,
)
NOT_CONTAINS = Probe(
    "file.not_contains",
    NotContainsParams,
    in_thread(_not_contains),
    ProbeDoc(
        summary="A regular expression occurs nowhere in the file(s); each hit is a finding.",
        why="Debug flags, `TODO` in release notes, `latest` tags.",
        example="{id: no-debug, kind: file.not_contains, path: 'src/**/*.py', "
        "pattern: 'pdb\\.set_trace'}",
        remediation="Remove each reported occurrence.",
    ),
    rules=FORBIDDEN_PATTERN,
)
VALID = Probe(
    "file.valid",
    ValidParams,
    in_thread(_valid),
    ProbeDoc(
        summary="Every matching file parses as yaml, json, toml, xml or python.",
        why="A broken config file fails at deploy time, not at review time.",
        example="{id: ci-yaml, kind: file.valid, path: '.github/workflows/*.yml', format: yaml}",
        remediation="Fix the syntax error at the reported line.",
    ),
    rules=INVALID,
)
SYNTAX = Probe(
    "python.syntax",
    pysyntax.SyntaxParams,
    pysyntax.run,
    ProbeDoc(
        summary="Every Python file parses for the Python version the project targets "
        "(requires-python, classifiers, .python-version); nothing is imported or run.",
        why="A syntax error in a rarely imported module surfaces in production, and code "
        "newer than the oldest Python the project claims breaks its users there.",
        example="{id: py-syntax, kind: python.syntax, path: 'src/**/*.py'}",
        remediation="Fix the syntax error at the reported line, or raise the declared "
        "minimum Python version.",
    ),
    rules=SYNTAX_ERROR,
)
