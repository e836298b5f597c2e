"""Time and peak memory of `gonogo audit` on the seed reports and on worst-case inputs
near the 10 MiB limit, beside a peer measured in the same run: markdown-it-py (the
parser the audit builds on) parsing the same file, CommonMark plus tables. Each case
runs in a fresh interpreter so peak RSS is its own. The worst cases, a 10 MiB table and
a 10 MiB table whose rows cite 20,000 different files (half of them missing: each
missing one is looked for under another case and elsewhere in the tree), must finish in
under 5 s.

    .venv/bin/python benchmarks/audit_bench.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "data" / "seeds"
LIMIT_S = 5.0

_AUDIT = """
import json, resource, sys, time
from pathlib import Path
from gonogo.audit import audit
from gonogo.errors import UsageError
t0 = time.perf_counter()
try:
    r = audit(Path(sys.argv[1]), Path(sys.argv[2]))
    claims = r.summary.total
except UsageError as exc:
    claims = "error"
dt = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"s": dt, "rss_mib": rss, "claims": claims}))
"""

_PEER = """
import json, resource, sys, time
from pathlib import Path
from markdown_it import MarkdownIt
data = Path(sys.argv[1]).read_bytes()
t0 = time.perf_counter()
try:
    text = data.decode("utf-8")
    tokens = len(MarkdownIt("commonmark").enable("table").parse(text))
except UnicodeDecodeError:
    tokens = "error"
dt = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"s": dt, "rss_mib": rss, "claims": tokens}))
"""


def _cases(tmp: Path) -> list[tuple[str, Path]]:
    cases = [(p.name, p) for p in sorted(SEEDS.glob("*.txt"))]
    limit = 10 * 1024 * 1024 - 4096
    table = "| # | Task | Status | Evidence |\n|---|---|---|---|\n"
    row = "| 1 | task | ✅ | `docs/a.md` |\n"
    big_table = tmp / "table-10mib.md"
    big_table.write_text(table + row * ((limit - len(table)) // len(row.encode())))
    cited = tmp / "table-cites-10mib.md"
    rows, size, i = [], len(table), 0
    while True:  # every row cites a file of its own; the root holds every other one
        line = f"| {i} | task {i} | ✅ | `docs/f{i}.md` |\n"
        if size + len(line.encode()) > limit:
            break
        rows.append(line)
        size += len(line.encode())
        i += 1
    cited.write_text(table + "".join(rows))
    one_line = tmp / "one-line-10mib.md"
    one_line.write_text("✅ `a.md` 11/11 passed 16.6% (2/12) " * (limit // 40))
    prose = tmp / "prose-10mib.md"
    para = "Some words about the release, nothing claimed here at all.\n\n"
    prose.write_text(para * (limit // len(para)))
    nested = tmp / "nested.md"
    nested.write_text("".join("  " * (i % 40) + "- ✅ item\n" for i in range(200_000)))
    binary = tmp / "binary-10mib.bin"
    binary.write_bytes(os.urandom(limit))
    return [
        *cases,
        ("table rows, 10 MiB", big_table),
        ("rows citing 20k files", cited),
        ("one line, 10 MiB", one_line),
        ("prose, 10 MiB", prose),
        ("nested list, 200k items", nested),
        ("random bytes, 10 MiB", binary),
    ]


def _run(code: str, path: Path, root: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), str(root)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return dict(json.loads(out.stdout))


def main() -> None:
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        (root / "docs").mkdir(parents=True)
        for i in range(0, 20_000, 2):  # half the files the 20k-file table cites
            (root / "docs" / f"f{i}.md").write_text("x\n")
        print(
            f"{'case':26} {'bytes':>11} {'claims':>7} {'audit s':>8} {'RSS':>7} "
            f"{'peer s':>8} {'RSS':>7} {'audit/peer':>10}"
        )
        for name, path in _cases(Path(tmp)):
            ours = _run(_AUDIT, path, root)
            peer = _run(_PEER, path, root)
            worst = max(worst, ours["s"])
            ratio = ours["s"] / peer["s"] if peer["s"] > 0.001 else float("nan")
            print(
                f"{name:26} {path.stat().st_size:>11,} {ours['claims']!s:>7} {ours['s']:>8.2f} "
                f"{ours['rss_mib']:>5.0f}Mi {peer['s']:>8.2f} {peer['rss_mib']:>5.0f}Mi "
                f"{ratio:>10.2f}"
            )
    verdict = "under" if worst < LIMIT_S else "OVER"
    print(f"slowest case: {worst:.2f} s ({verdict} the {LIMIT_S:.0f} s limit)")


if __name__ == "__main__":
    main()
