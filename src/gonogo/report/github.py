"""GitHub Actions: the Markdown dashboard appended to the step summary, and workflow
commands (`::error file=…,line=…::`) that put findings on the lines they are about.

Annotation levels follow the check's priority (P0/P1 error, P2 warning, P3 notice;
waived checks notice), and files are named from the repository root, as GitHub wants
them, whichever folder gonogo was pointed at."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from gonogo.models import CheckResult, Finding, RunReport, Status
from gonogo.report import Provenance

SUMMARY_VAR = "GITHUB_STEP_SUMMARY"
MAX_PER_CHECK = 50
_BY_PRIORITY = {"P0": "error", "P1": "error", "P2": "warning", "P3": "notice"}
_SHOWN = (Status.FAIL, Status.ERROR, Status.BLOCKED, Status.WAIVED)


def level(check: CheckResult) -> str | None:
    """The annotation level for CHECK, or None when it needs no annotation."""
    if check.status not in _SHOWN:
        return None
    if check.status is Status.WAIVED:
        return "notice"
    return _BY_PRIORITY.get(check.priority, "warning")


def append_step_summary(report: RunReport, environ: Mapping[str, str]) -> bool:
    """Append the Markdown dashboard to $GITHUB_STEP_SUMMARY; False when it is not set."""
    from gonogo.report import render

    target = environ.get(SUMMARY_VAR)
    if not target:
        return False
    with Path(target).open("a", encoding="utf-8") as fh:
        fh.write(render(report, "md") + "\n")
    return True


def workflow_commands(report: RunReport, prov: Provenance | None = None) -> str:
    """One workflow command per finding of each non-passing (or waived) check; a check
    without findings points at its line in the plan file (when there is one)."""
    prov = prov or Provenance()
    lines: list[str] = []
    for c in report.checks:
        lvl = level(c)
        if lvl is None:
            continue
        title = f"gonogo {c.check_id} ({c.status.value} {c.priority})"
        if not c.findings:
            lines.append(_command(lvl, _plan_props(c, prov, title), c.message))
            continue
        for f in c.findings[:MAX_PER_CHECK]:
            lines.append(_command(lvl, _props(f, title, prov), _message(c, f)))
        if len(c.findings) > MAX_PER_CHECK:
            extra = len(c.findings) - MAX_PER_CHECK
            lines.append(_command(lvl, {"title": title}, f"… and {extra} more finding(s)"))
    return "".join(line + "\n" for line in lines)


def _props(f: Finding, title: str, prov: Provenance) -> dict[str, str]:
    props: dict[str, str] = {}
    if f.path:
        props["file"] = prov.path(f.path)
        if f.line:
            props["line"] = str(f.line)
    props["title"] = title
    return props


def _plan_props(c: CheckResult, prov: Provenance, title: str) -> dict[str, str]:
    props: dict[str, str] = {}
    if prov.plan:
        props["file"] = prov.plan
        line = prov.check_lines.get(c.check_id)
        if line:
            props["line"] = str(line)
    props["title"] = title
    return props


def _message(c: CheckResult, f: Finding) -> str:
    text = f"{f.rule}: {f.message}"
    if c.status is Status.WAIVED and c.waiver:
        text += f" (waived: {c.waiver.get('reason')}; owner {c.waiver.get('owner')})"
    return text


def _command(level: str, props: Mapping[str, str], message: str) -> str:
    joined = ",".join(f"{k}={_escape_prop(v)}" for k, v in props.items())
    return f"::{level} {joined}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
