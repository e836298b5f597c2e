"""Wall time and peak RSS of gonogo on each hostile input, against that input's timeout.

    .venv/bin/python benchmarks/hostile.py [--only NAME] [--limit-margin S]

Each input runs in a fresh project, in a subprocess under a hard outer limit (its
timeout + 30 s by default; `hung` says it was killed there). Peak RSS is gonogo's own
(wait4), plus its waited-for children. The inputs are the ones `tests/hostile/` asserts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "hostile"))

import cases
from harness import MARGIN_S, run_gonogo
from servers import endless_server

RSS_BUDGET_MB = 300


def inputs(url: Callable[[str], str]) -> dict[str, Callable[[Path], cases.Case]]:
    return {
        "regex: catastrophic (a+)+$": cases.catastrophic_regex,
        "regex: backreference (RE2 refuses)": cases.refused_regex,
        "yaml: plan with 50,000 [": cases.deep_plan("["),
        "yaml: plan with 50,000 {": cases.deep_plan("{"),
        "yaml: compose with 50,000 [": cases.deep_compose,
        "json: coverage with 50,000 [": cases.deep_json_coverage,
        "xml: junit 50,000 deep": cases.deep_xml_junit,
        "xml: cobertura 50,000 deep": cases.deep_xml_coverage,
        "xml: junit 60 MB": cases.huge_junit,
        "http: endless body": cases.http_body(url("/endless")),
        "http: trickling body": cases.http_body(url("/trickle")),
        "load: endless body": cases.load_body(url("/endless")),
        "load: trickling body": cases.load_body(url("/trickle")),
        "command: setsid child, leader exits": cases.setsid_child,
        "command: setsid child, leader hangs": cases.setsid_child_leader_hangs,
        "command: 1 GiB stdout": cases.gigabyte_output,
        "command: endless stdout": cases.endless_output,
        "text: ANSI in plan": cases.ansi_text,
        "text: HTML in plan (md)": cases.html_text,
        "plan: waiver date 2027-02-30": cases.impossible_date,
        "plan: timeout .nan": cases.bad_duration(".nan"),
        "plan: id 'readme\\n'": cases.id_with_newline,
        "plan: -p FIFO": cases.plan_path("fifo"),
        "plan: -p /dev/zero": cases.plan_path("zero"),
        "audit: 1 MB on one line": cases.audit_one_line,
        "audit: 50,000 [ and 5,000 >": cases.audit_deep,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="run the inputs whose name contains this")
    ap.add_argument("--limit-margin", type=float, default=MARGIN_S)
    args = ap.parse_args()
    worst = 0.0
    with endless_server() as server, tempfile.TemporaryDirectory() as tmp:
        print(f"{'input':40} {'timeout':>8} {'wall':>8} {'peak RSS':>9} {'exit':>5}")
        for i, (name, build) in enumerate(inputs(server.url).items()):
            if args.only and args.only not in name:
                continue
            root = Path(tmp) / str(i)
            case = build(root)
            ran = run_gonogo(*case.args, cwd=root, limit_s=case.timeout_s + args.limit_margin)
            code = "hung" if ran.hung else str(ran.code)
            timeout = f"{case.timeout_s:g}s" if case.timeout_s else "-"
            worst = max(worst, ran.peak_rss_mb)
            print(
                f"{name:40} {timeout:>8} {ran.elapsed_s:7.2f}s {ran.peak_rss_mb:7.0f}MB {code:>5}",
                flush=True,
            )
    print(f"highest peak RSS {worst:.0f} MB (budget {RSS_BUDGET_MB} MB)")
    return 0 if worst < RSS_BUDGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
