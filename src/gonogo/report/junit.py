"""JUnit XML for CI test-report importers: one testsuite per gate, one testcase per check,
and one more testcase per gate for its verdict.

fail → <failure>, error and blocked → <error>, skip → <skipped>, waived → <skipped>
with the waiver's reason, owner and expiry (a waiver is never silent). The verdict
testcase (`gate verdict`) fails whenever the gate is NO-GO, so a gate that misses its
threshold or an approval shows a failure where the importer counts them, not
`failures="0"` beside a run that exits 1.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from gonogo.models import CheckResult, GateReport, RunReport, Status
from gonogo.report import RenderOptions

MAX_TEXT = 20_000
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(report: RunReport, options: RenderOptions) -> str:
    root = ET.Element("testsuites", name=f"gonogo {report.project}")
    _set_counts(root, report.checks, verdicts=report.gates)
    root.set("time", f"{report.duration_s:.3f}")
    for gate in report.gates:
        checks = [c for c in report.checks if c.gate == gate.gate_id]
        root.append(_suite(report, gate, checks))
    _clean(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _clean(root: ET.Element) -> None:
    """Drop characters XML 1.0 cannot carry (command output may contain any byte)."""
    for el in root.iter():
        if el.text:
            el.text = _NOT_XML.sub("", el.text)
        for key, value in el.attrib.items():
            el.attrib[key] = _NOT_XML.sub("", value)


def _set_counts(
    el: ET.Element,
    checks: list[CheckResult] | tuple[CheckResult, ...],
    verdicts: tuple[GateReport, ...] = (),
) -> None:
    n = {s: sum(c.status is s for c in checks) for s in Status}
    no_go = sum(g.verdict.value != "GO" for g in verdicts)
    el.set("tests", str(len(checks) + len(verdicts)))
    el.set("failures", str(n[Status.FAIL] + no_go))
    el.set("errors", str(n[Status.ERROR] + n[Status.BLOCKED]))
    el.set("skipped", str(n[Status.SKIP] + n[Status.WAIVED]))


def _suite(report: RunReport, gate: GateReport, checks: list[CheckResult]) -> ET.Element:
    suite = ET.Element("testsuite", name=gate.gate_id)
    suite.set("time", f"{sum(c.duration_s for c in checks):.3f}")
    suite.set("timestamp", report.started_at.rstrip("Z"))
    props = ET.SubElement(suite, "properties")
    rate = "empty" if gate.pass_rate is None else f"{gate.pass_rate:g}"
    values = {
        "title": gate.title,
        "verdict": gate.verdict.value,
        "pass_rate": rate,
        "threshold": f"{gate.threshold:g}",
        "approvals.required": ", ".join(gate.approvals_required),
        "approvals.given": ", ".join(gate.approvals_given),
        "reasons": "; ".join(gate.reasons),
        "commit": report.git.commit or "",
        "run_id": report.run_id,
    }
    for name, value in values.items():
        ET.SubElement(props, "property", name=name, value=value)
    for c in checks:
        suite.append(_case(c))
    suite.append(_verdict_case(gate))
    _set_counts(suite, checks, verdicts=(gate,))
    notes = [n for n in report.notes if _mentions(n, checks)]
    if notes:
        ET.SubElement(suite, "system-out").text = "\n".join(notes)
    return suite


def _verdict_case(gate: GateReport) -> ET.Element:
    case = ET.Element("testcase", name="gate verdict", classname=gate.gate_id, time="0.000")
    if gate.verdict.value != "GO":
        why = "; ".join(gate.reasons)
        text = f"{gate.gate_id} is NO-GO" + (f": {why}" if why else "")
        ET.SubElement(case, "failure", message=text, type="gate")
    return case


def _mentions(note: str, checks: list[CheckResult]) -> bool:
    return any(f" {c.check_id} " in f" {note} " for c in checks)


def _case(c: CheckResult) -> ET.Element:
    case = ET.Element("testcase", name=c.check_id, classname=c.gate, time=f"{c.duration_s:.3f}")
    detail = _detail(c)
    if c.status is Status.FAIL:
        ET.SubElement(case, "failure", message=c.message, type=c.kind).text = detail
    elif c.status in (Status.ERROR, Status.BLOCKED):
        ET.SubElement(case, "error", message=c.message, type=c.status.value).text = detail
    elif c.status is Status.SKIP:
        ET.SubElement(case, "skipped", message=c.message)
    elif c.status is Status.WAIVED:
        w = c.waiver or {}
        why = f"waived: {w.get('reason')} (owner {w.get('owner')}, expires {w.get('expires')})"
        ET.SubElement(case, "skipped", message=why).text = detail
    out = [f"priority: {c.priority}", f"kind: {c.kind}", f"attempts: {c.attempts}"]
    if c.owner:
        out.append(f"owner: {c.owner}")
    if c.flaky:
        out.append("flaky: status flipped at least twice in the last 10 runs on this commit")
    if c.waiver and c.waiver.get("expired"):
        out.append(f"waiver expired on {c.waiver.get('expires')}: it has no effect")
    ET.SubElement(case, "system-out").text = "\n".join(out)
    return case


def _detail(c: CheckResult) -> str:
    lines = [c.message]
    for f in c.findings:
        where = f"{f.path}:{f.line}" if f.path and f.line else (f.path or "")
        lines.append(f"{where} {f.rule}: {f.message}".strip())
    text = "\n".join(lines)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "\n… (truncated)"
