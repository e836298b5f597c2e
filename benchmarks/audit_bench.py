"""Time and peak memory of `gonogo audit` on the seed reports and on worst-case inputs
near the 10 MiB limit. Each case runs in a fresh interpreter so peak RSS is its own.

    .venv/bin/python benchmarks/audit_bench.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from gonogo.audit import audit
t0 = time.perf_counter()
r = audit(Path(sys.argv[1]), Path(sys.argv[2]))
dt = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"s": dt, "rss_mib": rss, "claims": r.summary.total}))
"""


def _cases(tmp: Path) -> list[tuple[str, Path]]:
    cases = [(p.name, p) for p in sorted(SEEDS.glob("*.txt"))]
    limit = 10 * 1024 * 1024 - 4096
    table = "| # | Task | Status | Evidence |\n|---|---|---|---|\n"
    row = "| 1 | task | ✅ | ok |\n"
    big_table = tmp / "table-10mib.md"
    big_table.write_text(table + row * ((limit - len(table)) // len(row.encode())))
    prose = tmp / "prose-10mib.md"
    para = "Some words about the release, nothing claimed here at all.\n\n"
    prose.write_text(para * (limit // len(para)))
    nested = tmp / "nested.md"
    nested.write_text("".join("  " * (i % 40) + "- ✅ item\n" for i in range(200_000)))
    return [
        *cases,
        ("table rows, 10 MiB", big_table),
        ("prose, 10 MiB", prose),
        ("nested list, 200k items", nested),
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        print(
            f"{'case':34} {'bytes':>12} {'claims':>8} {'seconds':>8} {'MiB/s':>7} {'peak RSS':>9}"
        )
        for name, path in _cases(Path(tmp)):
            out = subprocess.run(
                [sys.executable, "-c", _CHILD, str(path), str(root)],
                capture_output=True,
                text=True,
                check=True,
            )
            m = json.loads(out.stdout)
            size = path.stat().st_size
            rate = size / 1024 / 1024 / m["s"]
            print(
                f"{name:34} {size:>12,} {m['claims']:>8,} {m['s']:>8.2f} {rate:>7.2f} "
                f"{m['rss_mib']:>7.0f}MiB"
            )


if __name__ == "__main__":
    main()
