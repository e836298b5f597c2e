"""The hostile inputs, one builder per class: each writes a project into `root` and
returns the gonogo command line to run there and the timeout its checks were given.

Plans are written as JSON (a subset of YAML), so control characters survive as
`\\u001b` escapes the YAML reader decodes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PY = sys.executable


@dataclass(frozen=True, slots=True)
class Case:
    args: tuple[str, ...]
    timeout_s: float  # the check's own timeout; 0 when the input is refused at load time


def plan(checks: list[dict[str, Any]], *, timeout: float = 5, **extra: Any) -> str:
    gate = {"id": "g", "checks": checks, **extra.pop("gate", {})}
    return json.dumps({"defaults": {"timeout": timeout}, "gates": [gate], **extra}, indent=1)


def project(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def check_case(
    root: Path,
    files: dict[str, str | bytes],
    checks: list[dict[str, Any]],
    *,
    timeout: float = 5,
    **extra: Any,
) -> Case:
    project(root, {**files, "gonogo.yaml": plan(checks, timeout=timeout, **extra)})
    return Case(("check", "--no-history", "-v", "."), timeout)


# --- CPU-bound matching and parsing -----------------------------------------------------

CATASTROPHIC = "^(a+)+$"


def catastrophic_regex(root: Path) -> Case:
    """Exponential backtracking for a backtracking engine: 40 a's and a `!`."""
    check = {"id": "rx", "kind": "file.contains", "path": "big.txt", "pattern": CATASTROPHIC}
    return check_case(root, {"big.txt": "a" * 40 + "!\n"}, [check], timeout=2)


def refused_regex(root: Path) -> Case:
    """A backreference: something a linear-time engine cannot run."""
    check = {"id": "rx", "kind": "file.contains", "path": "big.txt", "pattern": "(a)\\1"}
    return check_case(root, {"big.txt": "aa\n"}, [check], timeout=2)


DEEP = 50_000


def deep_plan(opener: str) -> Callable[[Path], Case]:
    def build(root: Path) -> Case:
        project(root, {"gonogo.yaml": "gates: " + opener * DEEP + "\n"})
        return Case(("check", "--no-history", "."), 0)

    return build


def deep_compose(root: Path) -> Case:
    check = {"id": "compose", "kind": "compose", "file": "compose.yaml"}
    return check_case(root, {"compose.yaml": "services: " + "[" * DEEP + "\n"}, [check])


def deep_json_coverage(root: Path) -> Case:
    check = {"id": "cov", "kind": "coverage", "file": "coverage.json", "min_percent": 50}
    body = '{"totals": ' + "[" * DEEP + "\n"
    return check_case(root, {"coverage.json": body}, [check])


def deep_xml_junit(root: Path) -> Case:
    check = {"id": "junit", "kind": "junit", "files": "junit.xml"}
    body = "<testsuites>" + "<testsuite>" * DEEP + "</testsuite>" * DEEP + "</testsuites>"
    return check_case(root, {"junit.xml": body}, [check])


def huge_junit(root: Path) -> Case:
    """60 MB of passing test records under a 3 s timeout."""
    record = '<testcase classname="pkg.module.TestThing" name="test_%07d" time="0.001"/>\n'
    count = 60_000_000 // len(record % 0)
    check = {"id": "junit", "kind": "junit", "files": "junit.xml"}
    case = check_case(root, {}, [check], timeout=3)
    with (root / "junit.xml").open("w") as fh:  # written in pieces: the harness stays small
        fh.write('<testsuites><testsuite name="big">\n')
        for start in range(0, count, 10_000):
            fh.write("".join(record % i for i in range(start, min(count, start + 10_000))))
        fh.write("</testsuite></testsuites>\n")
    return case


def deep_xml_coverage(root: Path) -> Case:
    check = {"id": "cov", "kind": "coverage", "file": "coverage.xml", "min_percent": 50}
    body = '<coverage line-rate="0.9">' + "<p>" * DEEP + "</p>" * DEEP + "</coverage>"
    return check_case(root, {"coverage.xml": body}, [check])


# --- network bodies ---------------------------------------------------------------------


def http_body(url: str) -> Callable[[Path], Case]:
    def build(root: Path) -> Case:
        check = {"id": "web", "kind": "http", "url": url, "expect": {"body": "never-there"}}
        return check_case(root, {}, [check], timeout=3)

    return build


def load_body(url: str) -> Callable[[Path], Case]:
    def build(root: Path) -> Case:
        check = {"id": "web", "kind": "load", "url": url, "concurrency": 2, "requests": 4}
        return check_case(root, {}, [check], timeout=3)

    return build


# --- processes --------------------------------------------------------------------------

# The child leaves the session, keeps stdout and stderr open and sleeps; the leader exits.
SETSID_CHILD = (
    "import os, sys, time\n"
    "if os.fork() == 0:\n"
    "    os.setsid()\n"
    "    open('escaped.pid', 'w').write(str(os.getpid()))\n"
    "    time.sleep(300)\n"
    "    sys.exit(0)\n"
    "time.sleep(0.5)\n"
    "print('leader done')\n"
)


def setsid_child(root: Path) -> Case:
    check = {"id": "cmd", "kind": "command", "run": [PY, "escape.py"]}
    return check_case(root, {"escape.py": SETSID_CHILD}, [check], timeout=5)


def setsid_child_leader_hangs(root: Path) -> Case:
    script = SETSID_CHILD.replace("time.sleep(0.5)\n", "time.sleep(300)\n")
    check = {"id": "cmd", "kind": "command", "run": [PY, "escape.py"]}
    return check_case(root, {"escape.py": script}, [check], timeout=3)


GIGABYTE = (
    "import sys\n"
    "chunk = b'x' * (1 << 20)\n"
    "for _ in range(1024):\n"
    "    sys.stdout.buffer.write(chunk)\n"
    "print('DONE')\n"
)


def gigabyte_output(root: Path) -> Case:
    """1 GiB on stdout, and a pattern the first MiB cannot match: the answer is settled."""
    check = {
        "id": "cmd",
        "kind": "command",
        "run": [PY, "flood.py"],
        "expect": {"stdout": "^DONE$"},
    }
    return check_case(root, {"flood.py": GIGABYTE}, [check], timeout=30)


def endless_output(root: Path) -> Case:
    script = (
        "import sys\nchunk = b'x' * (1 << 20)\nwhile True:\n    sys.stdout.buffer.write(chunk)\n"
    )
    check = {"id": "cmd", "kind": "command", "run": [PY, "flood.py"]}
    return check_case(root, {"flood.py": script}, [check], timeout=2)


# --- text that reaches terminals and pages ----------------------------------------------

ESC = "\x1b"


def ansi_text(root: Path) -> Case:
    check = {
        "id": "doc",
        "kind": "file.exists",
        "path": f"docs/{ESC}[1mx.md",
        "owner": f"{ESC}[31mroot{ESC}[0m",
    }
    return check_case(root, {}, [check], gate={"title": f"Deploy {ESC}[2J{ESC}]0;owned\x07 now"})


def html_text(root: Path) -> Case:
    check = {
        "id": "doc",
        "kind": "file.exists",
        "path": "docs/<img src=x onerror=alert(1)>.md",
        "description": "<!-- hides the rest",
    }
    case = check_case(
        root, {}, [check], gate={"title": "<script>alert(1)</script>"}, project="<b>shop</b>"
    )
    return Case(("check", "--no-history", "--format", "md", "."), case.timeout_s)


# --- plan values --------------------------------------------------------------------------


def impossible_date(root: Path) -> Case:
    text = (
        "gates:\n"
        "  - id: g\n"
        "    checks:\n"
        "      - {id: readme, kind: file.exists, path: README.md}\n"
        "waivers:\n"
        "  - check: readme\n"
        "    reason: docs later\n"
        "    owner: ops\n"
        "    expires: 2027-02-30\n"
    )
    project(root, {"gonogo.yaml": text})
    return Case(("check", "--no-history", "."), 0)


def bad_duration(value: str) -> Callable[[Path], Case]:
    def build(root: Path) -> Case:
        text = (
            "gates:\n"
            "  - id: g\n"
            "    checks:\n"
            f"      - {{id: readme, kind: file.exists, path: README.md, timeout: {value}}}\n"
        )
        project(root, {"gonogo.yaml": text})
        return Case(("check", "--no-history", "."), 0)

    return build


def id_with_newline(root: Path) -> Case:
    checks = [{"id": "readme\n", "kind": "file.exists", "path": "README.md"}]
    project(root, {"gonogo.yaml": plan(checks), "README.md": "# hi\n"})
    return Case(("check", "--no-history", "."), 0)


def plan_path(kind: str) -> Callable[[Path], Case]:
    def build(root: Path) -> Case:
        project(root, {"README.md": "# hi\n"})
        if kind == "fifo":
            target = root / "plan.fifo"
            os.mkfifo(target)
        elif kind == "dir":
            target = root / "plan.d"
            target.mkdir()
        else:
            target = Path("/dev/zero")
        return Case(("check", "--no-history", "-p", str(target), "."), 0)

    return build


# --- audit ------------------------------------------------------------------------------


def audit_one_line(root: Path) -> Case:
    """A 1 MB report on one line: claims, paths and numbers with no newline between."""
    piece = "| done | `scripts/run.sh` | 12 tests pass ✅ | "
    project(root, {"report.md": "# Report\n\n" + piece * (1_000_000 // len(piece)) + "\n"})
    return Case(("audit", "report.md"), 0)


def audit_deep(root: Path) -> Case:
    """Deep nesting on lines the auditor reads (each under its 20,000-character cap)."""
    deep = "> " * 5000 + "x\n\n" + "[" * 19_000 + "\n\n" + "  " * 5000 + "- y\n\n"
    text = "# Report\n\n" + deep + "- [x] done: `a.sh`\n"
    project(root, {"report.md": text})
    return Case(("audit", "report.md"), 0)
