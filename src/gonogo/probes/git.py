"""`git`: the work tree is clean, HEAD is on the expected branch, a tag points at HEAD."""

from __future__ import annotations

import re

from pydantic import Field

from gonogo.models import Finding, Outcome, errored, verdict_of
from gonogo.probes.base import Context, Params, Probe, ProbeDoc
from gonogo.probes.command import clean_env
from gonogo.proc import run_process
from gonogo.rules import Rule


class GitExpect(Params):
    clean: bool | None = Field(None, description="no uncommitted or untracked changes")
    branch: str | None = Field(None, description="branch name (a regex, fully matched)")
    tag_on_head: bool | str | None = Field(
        None, description="true: some tag points at HEAD; a string: a regex a tag must match"
    )


class GitParams(Params):
    expect: GitExpect = Field(description="the properties to check")


async def _git(ctx: Context, *args: str) -> tuple[int, str]:
    done = await run_process(["git", *args], cwd=str(ctx.root), env=clean_env(ctx, {}, []))
    return done.exit_code, done.stdout


async def _run(p: GitParams, ctx: Context) -> Outcome:
    try:
        code, _ = await _git(ctx, "rev-parse", "--show-toplevel")
    except FileNotFoundError:
        return errored("git is not installed")
    if code != 0:
        return errored(f"{ctx.root} is not a git work tree")
    findings: list[Finding] = []
    evidence: dict[str, object] = {}
    e = p.expect
    if e.clean is not None:
        _, status = await _git(ctx, "status", "--porcelain", "--untracked-files=normal")
        # gonogo's own output directory is not a change to the project
        changed = [
            line[3:]
            for line in status.splitlines()
            if line.strip() and not line[3:].startswith(".gonogo/")
        ]
        evidence["changed"] = changed[:20]
        if e.clean and changed:
            findings += [Finding("git.dirty", f"{path} is not committed", path) for path in changed]
    if e.branch is not None:
        _, branch = await _git(ctx, "branch", "--show-current")
        evidence["branch"] = branch.strip() or None
        if not re.fullmatch(e.branch, branch.strip()):
            shown = branch.strip() or "a detached HEAD"
            findings.append(Finding("git.branch", f"on {shown}; expected branch /{e.branch}/"))
    if e.tag_on_head not in (None, False):
        _, tags = await _git(ctx, "tag", "--points-at", "HEAD")
        names = tags.split()
        evidence["tags"] = names
        want = None if e.tag_on_head is True else str(e.tag_on_head)
        if not any(want is None or re.fullmatch(want, t) for t in names):
            label = "a tag" if want is None else f"a tag matching /{want}/"
            findings.append(
                Finding("git.untagged", f"HEAD has no {label} (tags: {names or 'none'})")
            )
    first = findings[0].message if findings else ""
    more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
    return verdict_of(tuple(findings[:200]), "git expectations hold", first + more, evidence)


PROBE = Probe(
    "git",
    GitParams,
    _run,
    ProbeDoc(
        summary="The work tree is clean, HEAD is on the expected branch, and a tag (or one "
        "matching a regex) points at HEAD.",
        why="A release built from uncommitted changes or an untagged commit cannot be "
        "reproduced or traced.",
        example="{id: release-tag, kind: git, expect: {clean: true, branch: main, "
        "tag_on_head: 'v\\d+\\.\\d+\\.\\d+'}}",
        remediation="Commit or stash the changes, switch to the release branch, tag HEAD.",
    ),
    rules=(
        Rule(
            "git.dirty",
            "A tracked file has uncommitted changes",
            remediation=(
                "Commit or stash the changes; the release is built from a commit,"
                " not a working tree."
            ),
        ),
        Rule(
            "git.branch",
            "HEAD is not on the expected branch",
            remediation="Switch to the release branch before running the gate.",
        ),
        Rule(
            "git.untagged",
            "HEAD carries no tag of the expected form",
            remediation="Tag the release commit (for example `git tag v1.2.3`).",
        ),
    ),
)
