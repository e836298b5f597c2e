"""examples/live-signals.yaml, the seeds' KPI tables as checks, run by the real CLI against
a real Prometheus scraping an exporter that plays the orders-api.

The exporter's counters grow by the same amounts at every scrape, so every ratio of
rates the plan asks for is exact whatever Prometheus extrapolates: 1 request in 200
fails (0.5%), and each latency histogram puts its 95th percentile where the plan's
verdicts below say.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import prom_helpers
from gonogo.plan.loader import load_plan, parse_plan
from gonogo.probes.registry import BUILTIN
from prom_helpers import Prom

pytestmark = pytest.mark.services
prometheus = prom_helpers.prometheus
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PLAN = EXAMPLES / "live-signals.yaml"
JOB = "gonogo-tests"  # the test Prometheus's scrape job

# per scrape: (bucket upper bound, cumulative count); p95 = the 95th of 100 observations
HISTOGRAMS = {
    "http_request_duration_seconds": [("0.1", 50), ("0.25", 80), ("0.5", 97), ("1", 100)],
    "rag_retrieval_duration_seconds": [("0.1", 60), ("0.2", 90), ("0.5", 100)],
    "roi_calculation_duration_seconds": [("0.005", 90), ("0.01", 100)],
    "ocr_processing_duration_seconds": [("10", 50), ("30", 97), ("60", 100)],
}


def test_the_example_plan_loads_with_its_kpis() -> None:
    plan = load_plan(PLAN, BUILTIN)
    assert [(c.id, c.kind, c.priority, c.weight) for c in plan.checks] == [
        ("response-time", "prometheus", "P0", 3),
        ("error-rate", "prometheus", "P0", 3),
        ("availability", "slo", "P1", 2),
        ("rag-latency", "prometheus", "P2", None),
        ("roi-latency", "prometheus", "P2", None),
        ("ocr-p95", "prometheus", "P2", None),
    ]


def test_the_example_against_a_live_prometheus(prometheus: Prom, tmp_path: Path, cli) -> None:
    ex = prometheus.exporter
    with ex.batch():
        ex.counter("http_requests_total", 199, {"code": "200"})
        ex.counter("http_requests_total", 1, {"code": "500"})
        for name, buckets in HISTOGRAMS.items():
            for le, count in [*buckets, ("+Inf", buckets[-1][1])]:
                ex.counter(f"{name}_bucket", count, {"le": le})
    wanted = {"http_requests_total": 2} | {f"{n}_bucket": len(b) + 1 for n, b in HISTOGRAMS.items()}
    for name, series in wanted.items():  # 5 samples (2 s): rate() answers, a second ago too
        query = f'count(count_over_time({name}{{job="{JOB}"}}[5m]) >= 5)'
        prometheus.wait(query, lambda r, n=series: bool(r) and int(r[0]["value"][1]) == n)
    env = {"PROMETHEUS_URL": prometheus.url, "APP_JOB": JOB}
    out = cli("check", str(tmp_path), "-p", str(PLAN), "--format", "json", "--no-history", env=env)
    assert out.code == 1, out.stderr
    report = json.loads(out.stdout)
    checks = {c["id"]: c for c in report["checks"]}
    assert {k: c["status"] for k, c in checks.items()} == {
        "response-time": "pass",
        "error-rate": "pass",
        "availability": "fail",
        "rag-latency": "fail",
        "roi-latency": "pass",
        "ocr-p95": "pass",
    }
    assert checks["response-time"]["message"].startswith(
        "`histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket…` "
        "is 0.470588 s (< 0.5 s); no baseline (no history store to read): judged by its "
        "absolute threshold only"
    )
    assert checks["error-rate"]["message"].endswith(
        " is 0.005 (< 0.01) (0 of 3 sample(s) failed; failure_limit 0, count 3)"
    )
    assert checks["rag-latency"]["message"].endswith(" is 0.35 s; expected < 0.2 s")
    assert checks["roi-latency"]["message"].endswith(" is 0.0075 s (< 0.01 s)")
    assert checks["ocr-p95"]["message"].endswith("(max over 1h) is 29.1489 s (< 30 s)")
    assert checks["availability"]["message"] == (
        "SLO 99.9% over 30d: -400% of the error budget left, below the 0% minimum"
    )
    assert checks["availability"]["evidence"]["burn_rate"]["5m"] == pytest.approx(5.0)
    [gate] = report["gates"]
    # weights 3 + 3 + 1 + 1 passed of 3 + 3 + 2 + 1 + 1 + 1 = 8 of 11
    assert gate["score"] == {"value": 72.7, "pass": 90.0, "warn": 75.0, "status": "fail"}
    assert gate["pass_rate"] == 66.7
    assert gate["reasons"] == ["score 72.7 is below the warn level 75 (pass 90)"]


def test_the_readme_live_signals_plan_is_a_valid_plan() -> None:
    readme = (EXAMPLES.parent / "README.md").read_text()
    section = readme.split("## Live signals", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    plan = parse_plan(block, BUILTIN, source="README.md")
    assert [(c.id, c.kind) for c in plan.checks] == [
        ("error-rate", "prometheus"),
        ("ocr-p95", "prometheus"),
        ("availability", "slo"),
    ]
    assert plan.gates[0].score is not None and plan.gates[0].score.warn_at == 75
