"""Planted secrets, for the leak test and `benchmarks/security.py`: fresh random tokens go
in through an environment variable (passed with `pass_env`, interpolated with `${VAR}`),
a command's output, a JUnit failure message, a file the secrets probe scans and a
hand-written report; `run_everything` runs every command and output format and gathers
every stream, file and store they produced, to be searched raw, base64- and URL-encoded."""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import os
import random
import secrets
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gonogo.secrets.scan import scan_data
from repo_helpers import GIT_ENV
from secret_corpus import crc_token

PY = sys.executable
FORMATS = ("term", "json", "md", "junit", "sarif", "html")


def _vendor_token() -> str:
    """A fresh GitHub-format token with a valid checksum, which the detectors recognise."""
    token = crc_token("ghp_")(random.Random(secrets.randbits(64)))
    assert scan_data(f"t = {token}\n".encode(), "x.txt")
    return token


@dataclass(frozen=True)
class Tokens:
    env: str = field(default_factory=lambda: f"lk{secrets.token_hex(8)}/{secrets.token_hex(6)}+x=")
    vendor: str = field(default_factory=_vendor_token)
    hook: str = field(default_factory=lambda: "hk" + secrets.token_hex(12))

    def forms(self) -> dict[str, str]:
        """Every planted value and its encoded forms, by name."""
        out: dict[str, str] = {}
        for name, value in (("env", self.env), ("vendor", self.vendor), ("hook", self.hook)):
            out[name] = value
            out[f"{name}-url"] = urllib.parse.quote(value, safe="")
            for i, core in enumerate(_base64_cores(value)):
                out[f"{name}-b64-{i}"] = core
        return out


def _base64_cores(value: str) -> list[str]:
    """The base64 of `value` at each of the three alignments inside a longer text, less
    the characters its neighbours share (standard and URL-safe alphabets)."""
    raw = value.encode()
    cores = []
    for shift in range(3):
        text = base64.b64encode(b"\0" * shift + raw).decode().rstrip("=")
        head = (shift * 8 + 5) // 6  # characters touched by the padding bytes
        core = text[head : len(text) - 2]
        cores += [core, core.replace("+", "-").replace("/", "_")]
    return sorted(set(cores))


class _Capture(http.server.BaseHTTPRequestHandler):
    bodies: list[bytes]

    def do_POST(self) -> None:
        self.bodies.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        self.send_response(204)
        self.end_headers()

    def do_GET(self) -> None:  # /echo: the request's headers back, as a careless API would
        body = json.dumps(dict(self.headers.items())).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def capture() -> Iterator[tuple[str, list[bytes]]]:
    """A local HTTP server: POST bodies kept (the webhook), GET /echo answered."""
    bodies: list[bytes] = []
    handler = type("H", (_Capture,), {"bodies": bodies})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", bodies
    server.shutdown()
    server.server_close()


_ECHO = (
    "import os,sys,base64,urllib.parse as u; t=os.environ['{var}']; "
    "print('token', t, u.quote(t, safe=''), base64.b64encode(t.encode()).decode()); "
    "print('basic', base64.b64encode(b'user:' + t.encode()).decode(), file=sys.stderr); "
    "sys.exit(3)"
)


def _plan(base: str) -> str:
    return f"""\
version: 1
project: leaky
gates:
  - id: build
    checks:
      - {{id: echo-env, kind: command, pass_env: [LEAK_TOKEN],
         run: [{PY}, -c, "{_ECHO.format(var="LEAK_TOKEN")}"]}}
      - {{id: echo-interp, kind: command, env: {{T: "${{LEAK_TOKEN}}"}},
         run: [{PY}, -c, "{_ECHO.format(var="T")}"]}}
      - {{id: cat-config, kind: command, run: [cat, config/deploy.txt], expect: {{exit: 9}}}}
      - {{id: tests, kind: junit, files: "reports/*.xml"}}
      - {{id: no-secrets, kind: secrets}}
      - {{id: api, kind: http, url: "{base}/echo",
         headers: {{Authorization: "Bearer ${{LEAK_TOKEN}}"}}, expect: {{status: 201}}}}
tasks:
  - {{id: rotate, retries: 0, env: {{T: "${{LEAK_TOKEN}}"}}, acceptance: [echo-env],
     run: [{PY}, -c, "{_ECHO.format(var="T")}"]}}
  - {{id: redeploy, retries: 0, run: [cat, config/deploy.txt, /nonexistent]}}
escalation: {{webhook: "{base}/hook", secret_env: HOOK_SECRET, timeout: 2s}}
"""


def _junit(token: str) -> str:
    return f"""\
<testsuite name="api" tests="2">
  <testcase classname="api" name="test_login"/>
  <testcase classname="api" name="test_deploy">
    <failure message="401 for token={token}">POST /deploy Authorization: token {token}</failure>
  </testcase>
</testsuite>
"""


def _report(token: str) -> str:
    return f"""\
# Release status

- [x] Tests pass: 2/2 passed (reports/junit.xml)
- [x] Deploy token rotated: {token}
- Evidence: `config/deploy.txt`
"""


@dataclass
class Outputs:
    """Every stream and file gonogo produced, by a name saying where it came from."""

    texts: dict[str, bytes] = field(default_factory=dict)

    def add(self, name: str, data: bytes | str) -> None:
        self.texts[name] = data.encode() if isinstance(data, str) else data

    def add_tree(self, root: Path, label: str) -> None:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            self.add(f"{label}/{path.relative_to(root)}", path.read_bytes())

    def hits(self, forms: dict[str, str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for name, data in self.texts.items():
            names = [f for f, value in forms.items() if value.encode() in data]
            if names:
                found[name] = names
        return found


Cli = Callable[..., tuple[str, str]]  # cli(*args, env=...) -> (stdout, stderr)


def make_project(root: Path, base: str, tokens: Tokens) -> None:
    """The project the tokens are planted in (a git repository, committed)."""
    files = {
        "gonogo.yaml": _plan(base),
        "config/deploy.txt": f"deploy_token: {tokens.vendor}\n",
        ".env": f"GITHUB_TOKEN={tokens.vendor}\n",
        "reports/junit.xml": _junit(tokens.vendor),
        "docs/status.md": _report(tokens.vendor),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    env = {**GIT_ENV, "HOME": str(root), "PATH": os.environ.get("PATH", "")}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def run_everything(root: Path, tmp: Path, cli: Cli, tokens: Tokens, bodies: list[bytes]) -> Outputs:
    out = Outputs()
    env = {"LEAK_TOKEN": tokens.env, "HOOK_SECRET": tokens.hook}
    summary = tmp / "step-summary.md"
    files = tmp / "reports"
    files.mkdir()

    def record(label: str, *args: str, extra: dict[str, str] | None = None) -> None:
        stdout, stderr = cli(*args, env={**env, **(extra or {})})
        out.add(f"{label} stdout", stdout)
        out.add(f"{label} stderr", stderr)

    also = [f"--also={fmt}={files / ('also.' + fmt)}" for fmt in FORMATS if fmt != "term"]
    record("check -o", "check", str(root), "--format", "sarif", "-o", str(files / "out.sarif"))
    record(
        "check term",
        *("check", str(root), "--annotations", "github", *also),
        extra={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    for fmt in FORMATS:
        record(f"check {fmt}", "check", str(root), "--format", fmt)
    record("history", "history", str(root))
    record("history json", "history", str(root), "--format", "json")
    record("diff", "diff", "-C", str(root))
    record("diff json", "diff", "-C", str(root), "--format", "json")
    record("orchestrate", "orchestrate", str(root))
    report = root / "docs/status.md"
    for fmt in ("term", "json", "md"):
        record(f"audit {fmt}", "audit", str(report), "--root", str(root), "--format", fmt)
    out.add_tree(root / ".gonogo", ".gonogo")
    out.add_tree(files, "reports")
    out.add("step summary", summary.read_bytes())
    for i, body in enumerate(bodies):
        out.add(f"webhook body {i}", body)
    return out
