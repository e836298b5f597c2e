"""Finding rules as data: every code a probe can emit, with its title, severity,
remediation and docs, the way ruff, Scorecard and gitleaks catalogue theirs.

Each probe declares its rules (`Probe.rules`); `catalogue(probes)` gathers them. SARIF
rules, `docs/rules.md` and `gonogo explain CODE` / `--rules` are generated from the
catalogue, and a test fails when a probe emits a code it did not declare. Codes are
stable contracts: renaming one breaks users' baselines, `--ignore` lists and SARIF
alert history, so a rename keeps the old code in `aliases`.

Depends on nothing of gonogo but the result types, so reports can read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gonogo.models import finding_fingerprint as fingerprint

__all__ = [
    "ENGINE_RULES",
    "OUTSIDE_ROOT",
    "REGRESSION",
    "SEVERITIES",
    "Rule",
    "catalogue",
    "fingerprint",
    "outcome_rule",
    "undeclared",
]

SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True, slots=True)
class Rule:
    code: str  # family.rule-name, e.g. compose.hardcoded-secret
    title: str  # one line: what was found
    severity: str = "error"  # error | warning | note
    remediation: str = ""  # what to do about it
    docs: str = ""  # why it matters, a paragraph
    aliases: tuple[str, ...] = ()  # earlier codes of this rule

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9]+(\.[a-z0-9]+)*\.[a-z0-9][a-z0-9-]*", self.code):
            raise ValueError(f"rule code {self.code!r} is not family.rule-name")
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.code}: severity {self.severity!r} not in {SEVERITIES}")

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "title": self.title,
            "severity": self.severity,
            "remediation": self.remediation,
        }


REGRESSION = Rule(
    "compare.regression",
    "A figure regressed past `max_regression` against the run it is compared with",
    remediation="Find the change since the baseline run (gonogo diff shows it); fix it, or "
    "compare with a later run if the new figure is intended.",
    docs="`compare:` judges any numeric check against the history store, so a slow drift "
    "fails the gate long before an absolute threshold would.",
)
OUTSIDE_ROOT = Rule(
    "fs.outside-root",
    "A path in the repository is a symlink leading outside it",
    remediation="Replace the link with the file itself, or point it at a file inside the "
    "repository.",
    docs="gonogo reads only inside the project: a link out (to /etc, a home directory, "
    "another checkout) is never followed, so the check cannot be judged on it and fails. "
    "A repository nobody vetted must not make gonogo report on, or read, the machine it "
    "runs on.",
)
# Codes the engine itself emits, whatever the probe (relative thresholds, containment).
ENGINE_RULES = (REGRESSION, OUTSIDE_ROOT)


def outcome_rule(kind: str, status: str) -> str:
    """The code of a result that has no located finding: `<kind>.<status>`."""
    return f"{kind}.{status}"


def catalogue(probes: Mapping[str, object]) -> dict[str, Rule]:
    """Code -> rule over every probe's `rules`, aliases included; a code claimed by two
    probes is an error (codes are global)."""
    out: dict[str, Rule] = {r.code: r for r in ENGINE_RULES}
    owner: dict[str, str] = {r.code: "(engine)" for r in ENGINE_RULES}
    for kind, probe in probes.items():
        for rule in getattr(probe, "rules", ()):
            for code in (rule.code, *rule.aliases):
                if code in owner and owner[code] != kind:
                    raise ValueError(f"rule {code} is declared by both {owner[code]} and {kind}")
                out[code], owner[code] = rule, kind
    return out


def undeclared(codes: Iterable[str], rules: Mapping[str, Rule], kind: str) -> list[str]:
    """Codes a result used that the catalogue lacks (`<kind>.<status>` is implicit)."""
    implicit = {outcome_rule(kind, s) for s in ("fail", "error", "blocked", "waived")}
    return sorted({c for c in codes if c not in rules and c not in implicit})
