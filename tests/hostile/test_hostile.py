"""Hostile inputs, one test per class: each asserts the verdict or error, the exit code,
and that gonogo ended before a generous outer limit (the check's timeout + 30 s), killed
from outside otherwise. Nothing here times a run tightly: the limit catches a hang."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cases
import pytest
from harness import MARGIN_S, Ran, alive, run_gonogo
from servers import EndlessServer, endless_server

pytestmark = pytest.mark.slow


def _run(build: Callable[[Path], cases.Case], tmp_path: Path) -> tuple[Ran, Path]:
    root = tmp_path / "project"
    case = build(root)
    ran = run_gonogo(*case.args, cwd=root, limit_s=case.timeout_s + MARGIN_S)
    assert not ran.hung, f"still running after {ran.elapsed_s:.0f}s: {ran.stderr[-2000:]}"
    assert "Traceback" not in ran.stderr and "Exception ignored" not in ran.stderr, ran.stderr
    return ran, root


def _check(root: Path) -> dict[str, Any]:
    report = json.loads((root / ".gonogo/last.json").read_text())
    (check,) = report["checks"]
    return dict(check)


@pytest.fixture(scope="module")
def server() -> Iterator[EndlessServer]:
    with endless_server() as srv:
        yield srv


# --- a timeout stops the work -----------------------------------------------------------


def test_catastrophic_regex_is_matched_in_linear_time(tmp_path: Path) -> None:
    ran, root = _run(cases.catastrophic_regex, tmp_path)
    assert ran.code == 1, ran.stderr
    check = _check(root)
    assert (check["status"], check["message"]) == ("fail", "/^(a+)+$/ not found in big.txt")


def test_a_pattern_re2_cannot_run_is_a_plan_error(tmp_path: Path) -> None:
    ran, _ = _run(cases.refused_regex, tmp_path)
    assert ran.code == 2, ran.stdout
    assert "gonogo.yaml:13:6: gates[0].checks[0].pattern: " in ran.stderr, ran.stderr
    assert "'(a)\\\\1'" in ran.stderr and "backreference" in ran.stderr


def test_huge_junit_report_stops_at_its_timeout(tmp_path: Path) -> None:
    ran, root = _run(cases.huge_junit, tmp_path)
    assert ran.code == 1, ran.stderr
    check = _check(root)
    assert check["status"] == "error"
    assert check["message"] == "timed out after 3.0s"


def test_endless_http_body_is_read_up_to_the_cap(tmp_path: Path, server: EndlessServer) -> None:
    ran, root = _run(cases.http_body(server.url("/endless")), tmp_path)
    assert ran.code == 1, ran.stderr
    check = _check(root)
    assert check["status"] == "fail"
    assert check["message"] == f"GET {server.url('/endless')}: body does not match /never-there/"
    assert check["evidence"]["truncated"] == "body read up to 1048576 bytes"


def test_trickling_http_body_ends_at_the_timeout(tmp_path: Path, server: EndlessServer) -> None:
    ran, root = _run(cases.http_body(server.url("/trickle")), tmp_path)
    assert ran.code == 1, ran.stderr
    check = _check(root)
    assert check["status"] == "error"
    assert check["message"].startswith(f"GET {server.url('/trickle')}: no answer within")


def test_load_refuses_an_endless_body(tmp_path: Path, server: EndlessServer) -> None:
    ran, root = _run(cases.load_body(server.url("/endless")), tmp_path)
    assert ran.code == 1, ran.stderr
    check = _check(root)
    assert check["status"] == "error"
    assert check["message"] == (
        f"GET {server.url('/endless')}: the response body is larger than 1 MiB; "
        "`load` measures requests with small answers: point it at one"
    )


def test_load_against_a_trickling_body_ends_at_the_timeout(
    tmp_path: Path, server: EndlessServer
) -> None:
    ran, root = _run(cases.load_body(server.url("/trickle")), tmp_path)
    assert ran.code == 1, ran.stderr
    check = _check(root)
    assert check["status"] == "error"
    assert check["message"] == f"GET {server.url('/trickle')}: no request finished within 3s"


def _escaped_pid(root: Path) -> int:
    return int((root / "escaped.pid").read_text())


def test_a_child_that_leaves_the_session_is_killed(tmp_path: Path) -> None:
    ran, root = _run(cases.setsid_child, tmp_path)
    pid = _escaped_pid(root)
    assert not alive(pid), f"the setsid child {pid} outlived the run"
    assert ran.code == 0, ran.stdout
    check = _check(root)
    assert check["status"] == "pass"
    assert check["evidence"]["stdout_tail"] == "leader done"


def test_a_hung_leader_and_its_escaped_child_die_at_the_timeout(tmp_path: Path) -> None:
    ran, root = _run(cases.setsid_child_leader_hangs, tmp_path)
    pid = _escaped_pid(root)
    assert not alive(pid), f"the setsid child {pid} outlived the run"
    assert ran.code == 1, ran.stdout
    assert _check(root)["message"] == "timed out after 3.0s"


def test_a_gigabyte_of_output_is_cut_once_the_answer_is_settled(tmp_path: Path) -> None:
    ran, root = _run(cases.gigabyte_output, tmp_path)
    assert ran.code == 1, ran.stderr
    check = _check(root)
    assert check["status"] == "fail"
    assert check["message"] == (
        f"`{cases.PY} flood.py` stdout does not match /^DONE$/ in its first 1 MiB "
        "(the program was stopped there: the answer could not change)"
    )
    assert check["evidence"]["truncated"] == "output capped at 1048576 bytes per stream"


def test_endless_output_ends_at_the_timeout(tmp_path: Path) -> None:
    ran, root = _run(cases.endless_output, tmp_path)
    assert ran.code == 1, ran.stderr
    assert _check(root)["message"] == "timed out after 2.0s"


# --- no crash on depth or size ------------------------------------------------------------


@pytest.mark.parametrize("opener", ["[", "{"])
def test_deeply_nested_plan_is_a_plan_error(tmp_path: Path, opener: str) -> None:
    ran, _ = _run(cases.deep_plan(opener), tmp_path)
    assert ran.code == 2, ran.stderr
    assert "gonogo.yaml:1:" in ran.stderr
    assert "nesting is deeper than 64 levels" in ran.stderr


def test_deeply_nested_compose_file_is_an_error_of_its_check(tmp_path: Path) -> None:
    ran, root = _run(cases.deep_compose, tmp_path)
    assert ran.code == 1, ran.stderr
    check = _check(root)
    assert check["status"] == "error"
    assert check["message"].startswith("compose.yaml:1: nesting is deeper than 64 levels")


def test_deeply_nested_json_coverage_is_an_error(tmp_path: Path) -> None:
    ran, root = _run(cases.deep_json_coverage, tmp_path)
    assert ran.code == 1, ran.stderr
    check = _check(root)
    assert check["status"] == "error"
    assert check["message"] == "coverage.json: invalid JSON: nesting is too deep"


@pytest.mark.parametrize(
    ("build", "name"),
    [(cases.deep_xml_junit, "junit.xml"), (cases.deep_xml_coverage, "coverage.xml")],
)
def test_deeply_nested_xml_is_an_error(tmp_path: Path, build: Any, name: str) -> None:
    ran, root = _run(build, tmp_path)
    assert ran.code == 1, ran.stderr
    check = _check(root)
    assert check["status"] == "error"
    assert check["message"] == f"{name}: malformed XML: nesting is deeper than 256 elements"


def test_impossible_waiver_date_is_a_plan_error(tmp_path: Path) -> None:
    ran, _ = _run(cases.impossible_date, tmp_path)
    assert ran.code == 2, ran.stderr
    assert "gonogo.yaml:9:14" in ran.stderr, ran.stderr
    assert "waivers[0].expires" in ran.stderr
    assert "'2027-02-30'" in ran.stderr and "day is out of range for month" in ran.stderr


@pytest.mark.parametrize("value", [".nan", ".inf", "1.0e+999"])
def test_a_duration_that_is_no_number_of_seconds_is_a_plan_error(
    tmp_path: Path, value: str
) -> None:
    ran, _ = _run(cases.bad_duration(value), tmp_path)
    assert ran.code == 2, ran.stderr
    assert "gonogo.yaml:4:" in ran.stderr and "gates[0].checks[0].timeout" in ran.stderr
    assert "is not a finite number of seconds" in ran.stderr, ran.stderr


def test_id_with_a_trailing_newline_is_refused(tmp_path: Path) -> None:
    ran, _ = _run(cases.id_with_newline, tmp_path)
    assert ran.code == 2, ran.stderr
    assert "gates[0].checks[0].id" in ran.stderr
    assert "'readme\\n' is not a valid id" in ran.stderr


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("fifo", "is a FIFO (named pipe), not a plan file"),
        ("dir", "is a directory, not a plan file"),
        ("zero", "is a character device, not a plan file"),
    ],
)
def test_plan_path_that_is_no_regular_file(tmp_path: Path, kind: str, said: str) -> None:
    ran, _ = _run(cases.plan_path(kind), tmp_path)
    assert ran.code == 2, ran.stderr
    assert said in ran.stderr, ran.stderr


# --- safe text ----------------------------------------------------------------------------


def test_control_characters_from_the_plan_are_escaped_in_the_terminal(tmp_path: Path) -> None:
    ran, _ = _run(cases.ansi_text, tmp_path)
    assert ran.code == 1, ran.stderr
    assert "\x1b" not in ran.stdout and "\x07" not in ran.stdout
    assert "\x1b" not in ran.stderr
    assert "docs/\\x1b[1mx.md" in ran.stdout, ran.stdout
    assert "doc [\\x1b[31mroot\\x1b[0m]: no file matches docs/\\x1b[1mx.md" in ran.stdout


def test_markdown_report_escapes_html_from_the_plan(tmp_path: Path) -> None:
    ran, _ = _run(cases.html_text, tmp_path)
    assert ran.code == 1, ran.stderr
    assert re.search(r"<(script|img|b>|!--)", ran.stdout) is None, ran.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ran.stdout
    assert "&lt;img src=x onerror=alert(1)&gt;" in ran.stdout


# --- audit --------------------------------------------------------------------------------


def test_audit_of_a_one_line_megabyte_ends(tmp_path: Path) -> None:
    ran, _ = _run(cases.audit_one_line, tmp_path)
    assert ran.code == 0, ran.stderr
    assert "longer than 20,000 characters not audited" in ran.stdout + ran.stderr


def test_audit_of_deep_nesting_ends(tmp_path: Path) -> None:
    ran, _ = _run(cases.audit_deep, tmp_path)
    assert ran.code == 0, ran.stdout + ran.stderr
    assert ran.stdout.startswith("report.md: 0 hold, 0 broken, 0 open, 1 unverifiable\n")
    assert "line 9: [x] done: a.sh" in ran.stdout
