"""Fuzz targets, one per parser of untrusted input: plans, compose files, JUnit XML,
coverage reports and the audit's reports. Each input is built from the pieces hostile
inputs are made of (deep brackets, entities, impossible dates, control characters,
patterns RE2 refuses) and must end in a value or the parser's own clear error: never
another exception, a crash or a hang.

`make test` runs GONOGO_FUZZ_EXAMPLES examples per target (default 40); `make fuzz`
runs many more (see the Makefile)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonogo.audit.core import audit
from gonogo.errors import GonogoError
from gonogo.fs.index import FileIndex
from gonogo.models import Outcome
from gonogo.plan.loader import parse_plan
from gonogo.plan.model import Plan
from gonogo.probes import compose
from gonogo.probes.base import Context
from gonogo.probes.coverage import ReportError, percent_of
from gonogo.probes.junitread import JunitError, Report, read_junit
from gonogo.probes.registry import BUILTIN
from gonogo.yamlread import YamlError, load, load_all

FUZZ = settings(
    max_examples=int(os.environ.get("GONOGO_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _attempt(fn: Callable[[], Any], errors: type[Exception]) -> tuple[Any, str]:
    """(value, "") or (None, the error's message): any other exception fails the test."""
    try:
        return fn(), ""
    except errors as exc:
        return None, str(exc) or "<empty message>"


def _joined(pieces: list[str]) -> st.SearchStrategy[str]:
    piece = st.one_of(
        st.sampled_from(pieces),
        st.text(max_size=6),
        st.builds(lambda p, n: p * n, st.sampled_from(pieces), st.integers(1, 400)),
    )
    return st.lists(piece, max_size=40).map("".join)


YAML_PIECES = [
    "gates:",
    "\n",
    "  ",
    "- ",
    "id: g",
    "checks:",
    "kind: file.exists",
    "kind: file.contains",
    "kind: command",
    "path: x",
    "pattern: '(a)\\1'",
    "pattern: '^(a+)+$'",
    "run: [true]",
    "timeout: .nan",
    "timeout: .inf",
    "timeout: 1.0e+999",
    "expires: 2027-02-30",
    "waivers:",
    "check: g",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    "&a ",
    "*a",
    "<<: *a",
    "!!python/object:os.system",
    "\x1b[2J",
    "\u202e",
    "'",
    '"',
    "#",
    "---\n",
    'id: "a\\n"',
    "tasks:",
    "services:",
    "image: nginx:latest",
    "environment:",
    "PASSWORD: hunter22",
]


@FUZZ
@given(_joined(YAML_PIECES))
def test_plan(text: str) -> None:
    plan, message = _attempt(lambda: parse_plan(text, BUILTIN, source="fuzz.yaml"), GonogoError)
    assert isinstance(plan, Plan) or message.startswith("fuzz.yaml"), message


@FUZZ
@given(_joined(YAML_PIECES))
def test_yaml_reader(text: str) -> None:
    for read in (load, load_all):
        value, message = _attempt(functools.partial(read, text), YamlError)
        assert value is not None or message


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(_joined(YAML_PIECES))
def test_compose(project: Path, text: str) -> None:
    (project / "compose.yaml").write_text(text, errors="surrogatepass")
    ctx = Context(project, FileIndex(project))
    params = compose.ComposeParams(file="compose.yaml")
    outcome = compose._check(params, ctx)
    assert isinstance(outcome, Outcome)


XML_PIECES = [
    "<testsuites>",
    "</testsuites>",
    "<testsuite name='s' errors='1' failures='x'>",
    "</testsuite>",
    "<testcase classname='a' name='b'>",
    "<testcase name='b'/>",
    "</testcase>",
    "<failure message='m'>boom</failure>",
    "<error/>",
    "<skipped/>",
    "<flakyFailure/>",
    "<rerunFailure/>",
    "<rerunError/>",
    "<?xml version='1.0'?>",
    "<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'>]>",
    "&a;",
    "&lt;",
    "<![CDATA[x]]>",
    "<coverage",
    " line-rate='0.5'",
    " lines-valid='10' lines-covered='x'",
    ">",
    "</coverage>",
    "<p>",
    "</p>",
    '{"totals": ',
    '{"num_statements": 10, "covered_lines": 5}',
    '"percent_covered": 1e999',
    "[",
    "]",
    "{",
    "}",
    "\x00",
    "\xff",
]


@FUZZ
@given(_joined(XML_PIECES))
def test_junit(text: str) -> None:
    data = text.encode(errors="surrogatepass")
    report, message = _attempt(lambda: read_junit(data, "fuzz.xml"), JunitError)
    if report is None:
        assert message.startswith("fuzz.xml"), message
    else:
        assert isinstance(report, Report)
        assert report.counts.total == len(report.cases)


@FUZZ
@given(_joined(XML_PIECES))
def test_coverage(text: str) -> None:
    data = text.encode(errors="surrogatepass")
    percent, message = _attempt(lambda: percent_of(data, "fuzz.cov"), ReportError)
    assert isinstance(percent, float) or message.startswith("fuzz.cov"), message


MD_PIECES = [
    "# Report\n",
    "## ",
    "\n",
    "| ",
    " |",
    "|---|---|\n",
    "- [x] ",
    "- [ ] ",
    "* ",
    "> ",
    "`scripts/run.sh`",
    "`",
    "✅",
    "❌",
    "**",
    "done",
    "12 tests pass",
    "100%",
    "3/4",
    "Blockers: None",
    "READY",
    "GO",
    "Total: 7",
    "[",
    "]",
    "(",
    ")",
    "<!--",
    "<script>",
    "File: a.txt",
    "Evidence: junit.xml",
    "Signed off by: ops",
    "âœ…",
    "\x1b",
    "    ",
]


@FUZZ
@given(_joined(MD_PIECES))
def test_audit(project: Path, text: str) -> None:
    report = project / "report.md"
    report.write_text(text, errors="surrogatepass")
    result, message = _attempt(lambda: audit(report, project), GonogoError)
    assert (result is not None and result.report == str(report)) or message.startswith(
        str(report)
    ), message
