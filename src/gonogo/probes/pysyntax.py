"""`python.syntax`: every Python file parses, for the Python version the project targets.

The target comes from the project (`gonogo.probes.pytarget`) or the `python` param. Code
for a version up to the one gonogo runs on is parsed here, with the grammar of the target
(`ast.parse(feature_version=…)`: a `match` statement in a project that allows 3.9 is an
error). Code for a newer version is parsed by a `pythonX.Y` found on PATH, which is sent
the files' bytes on its standard input and never opens a file itself; with no such
interpreter the answer is `error`, naming the version needed, never `fail`.
"""

from __future__ import annotations

import asyncio
import json
import os
import posixpath
import shutil
import sys
from collections.abc import Iterable

from pydantic import Field

from gonogo.fs.index import FileIndex
from gonogo.models import Finding, Outcome, errored, failed
from gonogo.probes.base import Context, Params, RelPath
from gonogo.probes.outcomes import judged
from gonogo.probes.pytarget import CONFIGS, Target, Version, declared
from gonogo.probes.templates import template_reason, templates_note
from gonogo.proc import run_process
from gonogo.pyparse import parse

_RUNNING: Version = (sys.version_info[0], sys.version_info[1])
_CHECKER = r"""
import ast, json, sys
print(json.dumps(list(sys.version_info[:2])), flush=True)
data = sys.stdin.buffer
while True:
    head = data.readline()
    if not head:
        break
    rel, size = json.loads(head)
    source = data.read(size)
    try:
        ast.parse(source, rel)
    except SyntaxError as exc:
        print(json.dumps([rel, exc.lineno, exc.msg]))
    except (ValueError, RecursionError, MemoryError) as exc:
        print(json.dumps([rel, None, str(exc) or type(exc).__name__]))
"""


class SyntaxParams(Params):
    path: RelPath = Field("**/*.py", description="glob of Python files")
    exclude: list[str] = Field(default_factory=list, description="globs of files to leave out")
    python: str | None = Field(
        None,
        pattern=r"^\d+\.\d+$",
        description="X.Y the code must parse on (default: what the project declares)",
    )


def targets(files: FileIndex, rels: Iterable[str]) -> dict[Target | None, list[str]]:
    """Files grouped by the target the nearest declaring folder gives them."""
    by_dir: dict[str, Target | None] = {}
    out: dict[Target | None, list[str]] = {}
    for rel in rels:
        out.setdefault(_target_of(files, posixpath.dirname(rel), by_dir), []).append(rel)
    return out


def _target_of(files: FileIndex, folder: str, cache: dict[str, Target | None]) -> Target | None:
    if folder in cache:
        return cache[folder]
    found: Target | None = None
    for name in CONFIGS:
        rel = posixpath.join(folder, name)
        if files.in_listing(rel):
            found = declared(name, files.read_text(rel, 1024 * 1024), rel)
            if found is not None:
                break
    if found is None and folder:
        found = _target_of(files, posixpath.dirname(folder), cache)
    cache[folder] = found
    return found


def _parse_here(files: FileIndex, rels: list[str], target: Target | None) -> list[Finding]:
    feature = target.version if target and target.version >= (3, 7) else None
    out = []
    for rel in rels:
        try:
            parse(files.read_bytes(rel), rel, feature_version=feature)
        except SyntaxError as exc:
            out.append(_finding(rel, exc.lineno, exc.msg, target))
        except (ValueError, RecursionError, MemoryError) as exc:
            out.append(_finding(rel, None, str(exc) or type(exc).__name__, target))
    return out


def _finding(rel: str, line: int | None, msg: str, target: Target | None) -> Finding:
    where = f" for Python {_dotted(target.version)} ({target.source})" if target else ""
    return Finding("python.syntax-error", f"does not parse{where}: {msg}", rel, line)


def _dotted(version: Version) -> str:
    return f"{version[0]}.{version[1]}"


async def _parse_there(
    ctx: Context, exe: str, rels: list[str], target: Target
) -> tuple[list[Finding], str]:
    """Findings from another interpreter, or why it could not give them."""

    async def feed(stdin: asyncio.StreamWriter) -> None:
        for rel in rels:
            data = ctx.files.read_bytes(rel)
            stdin.write(json.dumps([rel, len(data)]).encode() + b"\n" + data)
            await stdin.drain()

    argv = [exe, "-I", "-S", "-c", _CHECKER]
    done = await run_process(argv, cwd=str(ctx.root), env={"PATH": "/usr/bin:/bin"}, feed=feed)
    lines = done.stdout.splitlines()
    want = _dotted(target.version)
    if done.exit_code != 0 or not lines:
        why = (done.stderr.strip().splitlines() or [f"exit code {done.exit_code}"])[0]
        return [], f"{exe} did not run ({why})"
    major, minor = json.loads(lines[0])
    if (major, minor) < target.version:
        return [], f"{exe} is Python {major}.{minor}, not {want}"
    return [_finding(rel, line, msg, target) for rel, line, msg in map(json.loads, lines[1:])], ""


async def run(p: SyntaxParams, ctx: Context) -> Outcome:
    rels = await asyncio.to_thread(ctx.files.select, p.path, p.exclude)
    if not rels:
        return failed(f"no file matches {p.path}")
    groups: dict[Target | None, list[str]]
    if p.python:
        major, minor = map(int, p.python.split("."))
        groups = {Target((major, minor), "the check's python param"): rels}
    else:
        groups = await asyncio.to_thread(targets, ctx.files, rels)
    findings: list[Finding] = []
    unchecked: list[str] = []
    for target, group in groups.items():
        if target is None or target.version <= _RUNNING:
            findings += await asyncio.to_thread(_parse_here, ctx.files, group, target)
            continue
        findings_there, problem = await _elsewhere(ctx, group, target)
        findings += findings_there
        if problem:
            unchecked.append(problem)
    findings, templates = await asyncio.to_thread(_templates_apart, ctx.files, findings)
    label = f"{len(rels)} Python file(s)"
    if unchecked:
        return errored("; ".join(unchecked), findings=tuple(findings[:500]))
    evidence = {"targets": _summary(groups), "templates": templates[:100]}
    return judged(findings, label, f"{label} parse{templates_note(templates)}", evidence)


def _templates_apart(files: FileIndex, found: list[Finding]) -> tuple[list[Finding], list[str]]:
    """Syntax errors of template files (Jinja in a cookiecutter project) are not errors:
    the file is Python once rendered."""
    kept, templates = [], []
    for f in found:
        rel = f.path or ""
        if template_reason(rel, files.read_bytes(rel)) is not None:
            templates.append(rel)
        else:
            kept.append(f)
    return kept, templates


async def _elsewhere(ctx: Context, group: list[str], target: Target) -> tuple[list[Finding], str]:
    want = _dotted(target.version)
    head = f"{len(group)} file(s) are for Python {want} ({target.source})"
    if target.python2:
        return [], f"{head}: Python 2 code cannot be checked by Python 3"
    exe = shutil.which(f"python{want}", path=ctx.environ.get("PATH", os.defpath))
    if exe is None:
        running = _dotted(_RUNNING)
        return [], (
            f"{head}, newer than the Python {running} gonogo runs on, and no python{want} "
            f"is on PATH: install it, or run gonogo with Python {want} or newer"
        )
    found, problem = await _parse_there(ctx, exe, group, target)
    return found, f"{head}: {problem}" if problem else ""


def _summary(groups: dict[Target | None, list[str]]) -> dict[str, int]:
    return {(t.source if t else "no declared target"): len(rels) for t, rels in groups.items()}
