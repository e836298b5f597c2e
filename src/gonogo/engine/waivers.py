"""Waivers: a non-passing check covered by an unexpired waiver becomes `waived`; an
expired waiver changes nothing but says so. A waiver is never silent."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from gonogo.models import CheckResult, Status
from gonogo.plan.model import Plan


def apply_waivers(
    plan: Plan, results: dict[str, CheckResult], today: dt.date
) -> tuple[dict[str, CheckResult], list[str]]:
    """Waived non-passing checks become `waived`; expired waivers change nothing but a note."""
    notes = []
    out = dict(results)
    for w in plan.waivers:
        r = out.get(w.check)
        if r is None:
            continue
        info = w.to_dict()
        if not w.active(today):
            info["expired"] = True
            notes.append(
                f"waiver for {w.check} expired on {w.expires.isoformat()}; it has no effect"
            )
            out[w.check] = replace(r, waiver=info)
        elif r.status in (Status.FAIL, Status.ERROR, Status.BLOCKED):
            out[w.check] = replace(
                r,
                status=Status.WAIVED,
                waiver=info,
                message=f"waived ({w.reason}; {w.owner}, until "
                f"{w.expires.isoformat()}): {r.status.value}: "
                f"{r.message}",
            )
        else:
            notes.append(
                f"waiver for {w.check} is not needed: the check's status is {r.status.value}"
            )
            out[w.check] = replace(r, waiver=info)
    return out, notes
