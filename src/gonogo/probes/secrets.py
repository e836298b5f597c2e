"""`secrets`: no hardcoded credential in the tree, except reviewed ones.

The scan (`gonogo.secrets.tree`) uses the run's shared file listing (`ctx.files`) and, for
small trees, its shared read cache; big trees go to two worker processes. Findings carry
a redacted preview only: kind, file, line, the first four characters and the length.
Findings in tests, examples and documentation are warnings: reported, not failing.
What the allowlists of gitleaks and detect-secrets at the root allow is counted, by file
and part, in the message (`gonogo.secrets.tools`); `tool_allowlists: false` reports it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Literal

from pydantic import Field

from gonogo.models import Finding, Outcome, errored, failed, passed
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, RelPath
from gonogo.rules import Rule
from gonogo.secrets import tools
from gonogo.secrets.allow import Allowlists, summary
from gonogo.secrets.baseline import DEFAULT_PATH, BaselineError, empty, load
from gonogo.secrets.detectors import DETECTORS
from gonogo.secrets.excludes import gather
from gonogo.secrets.scan import MAX_HITS, Totals
from gonogo.secrets.tree import Scan, find_secrets, finding


class SecretsParams(Params):
    path: RelPath = Field("**", description="glob of files to scan (default: the whole tree)")
    exclude: list[str] = Field(
        default_factory=list,
        description="files to skip, in gitignore syntax (`*_test.go`, `tests/fixtures/`); "
        "the lines of `.gonogoignore` are added",
    )
    baseline: RelPath = Field(DEFAULT_PATH, description="reviewed findings to accept (JSON)")
    jobs: int = Field(2, ge=1, le=16, description="worker processes for big trees")
    max_findings: int = Field(
        MAX_HITS, ge=1, description="findings listed at most; the message says when more were found"
    )
    tool_allowlists: bool = Field(
        True,
        description="honour the allowlists of gitleaks (`.gitleaks.toml`, `.gitleaksignore`) "
        "and detect-secrets (`.secrets.baseline`) at the root; the message counts what they "
        "allow",
    )
    in_tests_and_docs: Literal["warn", "count"] = Field(
        "warn",
        description="what a secret found in a test, fixture, example or documentation file, "
        "or in the test or development environment's configuration (`config/test.exs`), "
        "gives: `warn` lists it as a warning; `count` counts it in the message and the "
        "evidence without listing it (the default plan's choice: on real repositories they "
        "were fixtures, examples and sample keys)",
    )


TOOL_ALLOWLIST = "secrets.tool-allowlist"
_CONTEXT_NAMES = {
    "test": "test",
    "dev": "development configuration",
    "example": "example",
    "docs": "documentation",
}


async def _run(p: SecretsParams, ctx: Context) -> Outcome:
    try:
        review = load(ctx.root / p.baseline) if p.baseline else empty()
    except BaselineError as exc:
        return errored(str(exc))
    excludes = gather(ctx.root, {"exclude": p.exclude})
    allow = (
        await asyncio.to_thread(tools.load, ctx.root, ctx.environ) if p.tool_allowlists else None
    )
    scan = Scan(
        path=p.path,
        exclude=excludes.patterns,
        baseline=p.baseline,
        review=review,
        allow=allow,
        max_hits=p.max_findings,
        jobs=p.jobs,
    )
    hits, totals = await find_secrets(ctx.files, scan)
    counted: Counter[str] = Counter()
    if p.in_tests_and_docs == "count":
        counted.update(h.context for h in hits if h.context)
        hits = [h for h in hits if not h.context]
    return verdict(tuple(finding(h) for h in hits), totals, p.max_findings, allow, counted)


def problem_findings(allow: Allowlists | None) -> tuple[Finding, ...]:
    """A warning for each part of another scanner's file that could not be used."""
    return tuple(
        Finding(TOOL_ALLOWLIST, x.message, path=x.path, line=x.line, severity="warning")
        for x in (allow.problems if allow else ())
    )


def verdict(
    findings: tuple[Finding, ...],
    totals: Totals,
    limit: int,
    allow: Allowlists | None = None,
    counted: Counter[str] | None = None,
) -> Outcome:
    """`fail` when a finding is an error; warnings alone pass. Counts are exact even past
    the limit of findings listed; what other scanners' allowlists allowed is counted by
    list; `counted`: found in test, example or documentation files, by context, and not
    listed."""
    evidence: dict[str, object] = {
        "files": totals.files,
        "megabytes": round(totals.bytes / 1e6, 2),
        "baselined": totals.baselined,
        "found": len(findings) + totals.dropped_hits,
    }
    aside = ""
    if counted:
        evidence["in_tests_and_docs"] = dict(sorted(counted.items()))
        files = " or ".join(_CONTEXT_NAMES[c] for c in sorted(counted) if c in _CONTEXT_NAMES)
        where = [f"{files} files"] if files else []
        where += ["comments"] if "comment" in counted else []
        aside = f"; {sum(counted.values())} more in {' or '.join(where)}, counted, not listed"
    if allow is not None:
        evidence |= {
            "allowed": dict(sorted(totals.allowed.items())),
            "allowlists": list(allow.notes),
        }
    findings += problem_findings(allow)
    if totals.n_unreadable:
        evidence |= {"unreadable": totals.unreadable[:20], "unreadable_count": totals.n_unreadable}
    if totals.n_truncated:  # read up to READ_CAP bytes only
        evidence |= {"truncated": totals.truncated[:20], "truncated_count": totals.n_truncated}
    errors = [f for f in findings if f.severity == "error"]
    tail = f"; {len(findings) - len(errors)} warning(s)" if len(errors) < len(findings) else ""
    tail += aside
    if totals.allowed:
        tail += f"; {summary(totals.allowed)}"
    if totals.dropped_hits:
        tail += f"; {totals.dropped_hits} more not listed (max_findings: {limit})"
        evidence["not_listed"] = totals.dropped_hits
    ordered = tuple(
        sorted(findings, key=lambda f: (f.severity != "error", f.path or "", f.line or 0))
    )
    if not errors and not totals.dropped_hits:
        return passed(
            f"no unreviewed secret in {totals.files} file(s){tail}",
            evidence=evidence,
            findings=ordered,
        )
    if not errors:
        return failed(f"{len(findings)} listed{tail}", evidence=evidence, findings=ordered)
    first = errors[0]
    return failed(
        f"{len(errors)} secret(s) found{tail}; first {first.path}:{first.line} {first.message}",
        evidence=evidence,
        findings=ordered,
    )


def _rules() -> tuple[Rule, ...]:
    seen: dict[str, Rule] = {
        TOOL_ALLOWLIST: Rule(
            TOOL_ALLOWLIST,
            "An allowlist of gitleaks or detect-secrets that gonogo cannot use",
            severity="warning",
            remediation="Fix the part the message names (invalid TOML or JSON, a pattern RE2 "
            "cannot run, a table gitleaks refuses); until then gonogo reports what it would "
            "have allowed.",
            docs="gonogo honours `.gitleaks.toml`, `.gitleaksignore` and `.secrets.baseline`, "
            "so a team's reviewed findings are not reported twice. A part it cannot read is "
            "left out, never guessed: the scan goes on and reports more, never less.",
        )
    }
    for det in DETECTORS:
        if f"secrets.{det.kind}" not in seen:
            seen[f"secrets.{det.kind}"] = Rule(
                f"secrets.{det.kind}",
                f"{det.title[0].upper()}{det.title[1:]} written in a file",
                severity=det.severity,
                remediation="Revoke and rotate it, then read it from the environment or a "
                "secret store; a reviewed false positive goes in the baseline "
                "(`gonogo secrets --update-baseline`) or gets `# gonogo: allow` on its line.",
                docs="A credential committed once stays in the history and in every clone. "
                "Found in a test, example or documentation file, it is a warning.",
            )
    return tuple(seen.values())


PROBE = Probe(
    "secrets",
    SecretsParams,
    _run,
    ProbeDoc(
        summary="No hardcoded credential (cloud keys, tokens, private keys, passwords) in "
        "the files, except reviewed ones: in the baseline, marked `gonogo: allow`, or allowed "
        "by the gitleaks and detect-secrets files the team already has.",
        why="A key committed once stays in the history; the seeds found passwords inline in "
        "docker-compose.yml weeks after 'security review complete'.",
        example="{id: no-secrets, kind: secrets, exclude: ['tests/fixtures/']}",
        remediation="Revoke and rotate the credential, move it to the environment or a secret "
        "store, then remove it from the file. A reviewed false positive: run "
        "`gonogo secrets --update-baseline`, or add `# gonogo: allow` on the line.",
    ),
    rules=_rules(),
)
