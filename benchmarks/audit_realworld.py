"""Claim-verdict accuracy of `gonogo audit` on hand-labelled reports.

Sets, reported apart:
- tuned: the five seed reports (their reviewer lists in tests/audit/seeds/) and the
  phase-table fixture, which the auditor was developed against;
- held-out-1, held-out-2 (benchmarks/audit_realworld_labels.tsv): reports labelled by
  hand before the auditor was first run on them: public repositories' status documents
  (archives of fetched mirrors unpacked under $GONOGO_CORPORA, /tmp/gonogo-corpora
  by default, never committed) and reports in other styles under
  benchmarks/heldout/, each with the small repository built below. Held-out-1 scored
  39/55 on its first run; rules were then added for the classes it missed, so it now
  counts as tuned; so did held-out-2 after its first run (17/28) and held-out-3 after
  its (18/31). Held-out-4 was labelled after the last change to the auditor.
- held-out-6 (six public reports from five repositories, three local reports in styles the
  earlier sets lacked) was labelled before its first run: 221/416 (53.1%); rules were then
  added for the classes it missed (listed files and links, figures on trust, grid tables,
  done headings, 'all green', changes that are not completion), so it too counts as tuned now.
- held-out-7 (four public reports from four more repositories, two local reports: an RST
  status page and a Jira export with YAML front matter) was labelled after the held-out-6
  classes were fixed and before the auditor was first run on it: 208/334 (62.3%); after
  the second pass 257/334, after the third 282/334 (84.4%), so it counts as tuned now.
- held-out-8 (four public reports from four more repositories: a migration status with a
  benchmark table, a test-status page, a completion report in a subfolder whose links are
  relative to it, a progress tracker with text bars; local reports in AsciiDoc and as a
  plain-text status e-mail) was labelled before its first run, 218/427 (51.1%); the third
  pass was tuned against it (and held-out-7): 363/427 (85.0%) after.
- held-out-9 (four public reports from four more repositories: two test-status pages, a
  scalability readiness report whose paths are relative to a package, a project summary;
  local reports in Confluence wiki markup and as a release tracking issue) was labelled
  with held-out-8 and kept aside: it is scored only when named on the command line
  (`audit_realworld.py held-out-9`), and its results were not looked at until the third
  pass was done. First run 82/180 (45.6%), after the third pass 103/180 (57.2%), no false
  alarm: the unseen figure then. The fourth pass was tuned against it (Confluence markup,
  HTML tables, actions still listed for things marked done, figures stated again, a
  total's parts, file names in prose): 149/180 (82.8%) after, so it counts as tuned now.
- held-out-10 (four public reports from four more repositories: a CI completion report in
  a subfolder whose links are relative to the project root, a phase completion report, a
  readiness checklist, a before/after test report; local reports as an HTML status page
  with rows over several lines and an Org-mode plan) was labelled before the fourth pass
  changed any code and kept aside (`audit_realworld.py held-out-10`); run once after it:
  144/262 (55.0%), and 3 broken verdicts on unlabelled lines (the HTML page's `<tr>` lines,
  where its rows' findings are placed; the labels are on the cells' lines): the unseen
  figure.

One rule for cited files throughout: a file named without its folder is looked for beside
the report, then at the root; found elsewhere it is unverifiable, found nowhere broken; a
Markdown link is read from the report's folder (three labels of held-out-2 and two of
held-out-6 were relabelled to agree, and held-out-7's Jira report is audited from its
repository's root; the notes of those rows say so).

A labelled line scores when the auditor's verdict there (the worst of its findings:
broken, then open, holds, unverifiable; "none" when it found no claim) equals the label.
A line the auditor calls broken that carries no label is a false alarm and scores as
wrong. Accuracy = right / (labelled lines + false alarms).

    .venv/bin/python benchmarks/audit_realworld.py              # every set but held-out-10
    .venv/bin/python benchmarks/audit_realworld.py held-out-10  # the kept-aside set
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from gonogo.audit import audit
from gonogo.audit.model import AuditResult, Verdict

HERE = Path(__file__).resolve().parent
TOP = HERE.parent
CORPORA = Path(os.environ.get("GONOGO_CORPORA", "/tmp/gonogo-corpora"))
MIRRORS = Path("/work/.mirror")
RANK = {Verdict.BROKEN: 0, Verdict.OPEN: 1, Verdict.HOLDS: 2, Verdict.UNVERIFIABLE: 3}


def _suite(name: str, *, passed: int, failed: int = 0, skipped: int = 0) -> str:
    """A JUnit file with that many passing, failing and skipped test cases."""
    cases = [f'<testcase classname="{name}" name="p{i}"/>' for i in range(passed)]
    cases += [
        f'<testcase classname="{name}" name="f{i}"><failure message="no"/></testcase>'
        for i in range(failed)
    ]
    cases += [
        f'<testcase classname="{name}" name="s{i}"><skipped/></testcase>' for i in range(skipped)
    ]
    return "<testsuite>" + "".join(cases) + "</testsuite>"


# The repositories beside the local held-out reports: what exists, and how.
LOCAL_REPOS: dict[str, dict[str, str]] = {
    "release_checklist": {
        "pyproject.toml": '[project]\nname = "shop"\nversion = "2.3.0"\n',
        "CHANGELOG.md": "".join(f"- change {i}\n" for i in range(12)),
        "migrations/0042_add_index.sql": "create index i on t (c);\n",
        "scripts/smoke": "#!/bin/sh\ncurl -fsS localhost:8000/health\n",
        "ruff.toml": "line-length = 100\n",
        "deploy/app.yaml": "name: shop\nreplicas: 2\n",
    },
    "ops_status": {
        "ops/backup.sh": "#!/bin/sh\npg_dump shop > /backups/shop.sql\n",
        "ops/alerts.yml": "groups:\n  - name: shop\n    rules: []\n",
    },
    "sprint_table": {"README.md": "sprints\n"},
    "changelog": {
        "reports/junit.xml": "<testsuite>"
        + "".join(f'<testcase classname="t" name="p{i}"/>' for i in range(42))
        + "".join(f'<testcase classname="t" name="s{i}"><skipped/></testcase>' for i in (1, 2, 3))
        + "</testsuite>",
        "reports/coverage.xml": '<coverage lines-valid="1000" lines-covered="874"/>',
        "bench/latency.json": '{"requests": 5000, "p50_ms": 41, "p95_ms": 212}',
        "reports/integration.xml": "<testsuite>"
        + "".join(f'<testcase classname="i" name="c{i}"/>' for i in range(9))
        + '<testcase classname="i" name="c9"><skipped/></testcase></testsuite>',
        "src/app/api.py": "def handler() -> int:\n    return 200\n",
        "src/app/config.py": "DEBUG = False\n",
    },
    "emoji_status": {"README.md": "payments\n"},
    "go_live": {"README.md": "inventory\n"},
    "qa_summary": {
        "reports/coverage.json": '{"totals": {"percent_covered": 91.2}}',
        "reports/junit.xml": "<testsuite>"
        + "".join(f'<testcase classname="u" name="p{i}"/>' for i in range(128))
        + '<testcase classname="u" name="f1"><failure/></testcase>'
        + '<testcase classname="u" name="f2"><failure/></testcase></testsuite>',
        "checks.md": "- lint\n",
    },
    "weekly_status": {"README.md": "checkout\n"},
    "postmortem": {"README.md": "checkout\n"},
    "readiness_plain": {
        "coverage/coverage.json": '{"totals": {"num_statements": 1000, "covered_lines": 784}}',
        "reports/junit.xml": "<testsuite>"
        + "".join(f'<testcase classname="s" name="c{i}"/>' for i in range(40))
        + "</testsuite>",
        "config/flags.yaml": "flags:\n  new_ranker: false\n   beta: [\n",
    },
    "migration_runbook": {
        "backups/orders-2026-03-01.sql.gz": "not really gzip, but present\n",
        "logs/dryrun.log": "".join(f"step {i} ok\n" for i in range(50)),
    },
    "launch_review": {
        "out/unit.xml": "<testsuite>"
        + "".join(f'<testcase classname="u" name="p{i}"/>' for i in range(208))
        + "".join(
            f'<testcase classname="u" name="f{i}"><flakyFailure message="timeout"/></testcase>'
            for i in range(4)
        )
        + "".join(f'<testcase classname="u" name="s{i}"><skipped/></testcase>' for i in range(3))
        + "</testsuite>",
        "out/it.xml": "<testsuite>"
        + "".join(f'<testcase classname="i" name="c{i}"/>' for i in range(39))
        + '<testcase classname="i" name="c39"><failure message="502"/></testcase></testsuite>',
        "out/coverage.xml": '<coverage line-rate="0.83" lines-valid="1000" lines-covered="830"/>',
        "bench/p95.json": '{"p50_ms": 88, "p95_ms": 231}',
        "docs/runbook.md": "".join(f"step {i}\n" for i in range(22)),
        "ops/alerts.yaml": "groups:\n  - name: billing\n    rules: []\n",
    },
    "sprint_board": {
        "docs/release-notes.md": "# 14\n- sso\n",
        "scripts/smoke.sh": "#!/bin/sh\ncurl -fsS localhost:8080/healthz\n",
    },
    "dod_checklist": {
        "config/defaults.yaml": "".join(f"key{i}: {i}\n" for i in range(15)),
        "src/search/parse.py": "".join(f"X{i} = {i}\n" for i in range(30)),
        "docs/cli.md": "".join(f"line {i}\n" for i in range(12)),
        "reports/pytest.xml": "<testsuite>"
        + "".join(f'<testcase classname="s" name="t{i}"/>' for i in range(55))
        + "".join(
            f'<testcase classname="s" name="x{i}"><failure message="no"/></testcase>'
            for i in range(2)
        )
        + "</testsuite>",
        "reports/coverage.json": '{"totals": {"percent_covered": 90.4}}',
    },
    "status_page": {
        "src/tokens/vault.py": "def tokenise(card: str) -> str:\n    return card[-4:]\n",
        "deploy/retry.yaml": "retries: 5\nbackoff_s: 2\n",
        "rules/fraud.json": '{"rules": [{"max_amount": 5000},]}',
        "reports/unit.xml": "<testsuite>"
        + "".join(f'<testcase classname="u" name="p{i}"/>' for i in range(118))
        + "".join(
            f'<testcase classname="u" name="f{i}"><failure message="x"/></testcase>'
            for i in range(2)
        )
        + "</testsuite>",
        "reports/contract.xml": "<testsuite>"
        + "".join(f'<testcase classname="c" name="c{i}"/>' for i in range(18))
        + "</testsuite>",
        "reports/coverage.xml": '<coverage line-rate="0.876" lines-covered="876"/>',
    },
    "jira_export": {"CHANGELOG.md": "".join(f"- entry {i}\n" for i in range(12))},
    "release_readiness": {
        "reports/unit.xml": _suite("u", passed=310, failed=2),
        "reports/it.xml": _suite("i", passed=48, skipped=2),
        "reports/coverage.json": '{"totals": {"percent_covered": 87.5}}',
        "bench/load.json": '{"requests": 10000, "p50_ms": 90, "p95_ms": 231}',
        "scripts/reindex.sh": "#!/bin/sh\nsearchctl reindex --all\n",
        "docs/rollback.adoc": "= Rollback\n\n. Stop writes\n. Restore the snapshot\n",
        "ops/dashboards/search.json": '{"panels": [{"title": "p95"},]}',
        "ops/alerts.yaml": "groups:\n  - name: search\n    rules: []\n",
        "reports/trivy.txt": "libxml2 CVE-2026-0001 HIGH\n",
    },
    "status_email": {
        "deploy/dualwrite.yaml": "invoices:\n  dual_write: true\n",
        "logs/backfill.log": "".join(f"batch {i} ok\n" for i in range(40)),
        "docs/runbook.md": "".join(f"step {i}\n" for i in range(22)),
    },
    "go_live_confluence": {
        "infra/push-failover.tf": 'resource "null_resource" "failover" {}\n',
        "templates/email/welcome.html": "<p>Welcome</p>\n",
        "config/ratelimit.toml": "[limits]\nper_second = \n",
        "bench/notify-5k.json": '{"rate": 3100, "errors": 12}',
        "docs/oncall.md": "# On call\n\n- page the owner\n",
        "reports/junit.xml": _suite("n", passed=96, skipped=4),
        "reports/coverage.xml": '<coverage line-rate="0.79" lines-covered="790"/>',
    },
    "release_issue": {
        "pyproject.toml": '[project]\nname = "lib"\nversion = "2.8.0"\n',
        "CHANGELOG.md": "".join(f"- change {i}\n" for i in range(12)),
        "scripts/smoke.sh": "#!/bin/sh\npython -c 'import lib'\n",
        "reports/unit.xml": _suite("u", passed=238, failed=2),
        "reports/e2e.xml": _suite("e", passed=12),
    },
    "status_dashboard": {
        "reports/unit.xml": _suite("u", passed=214),
        "reports/it.xml": _suite("i", passed=58, failed=2),
        "reports/coverage.xml": '<coverage line-rate="0.861" lines-covered="861"/>',
        "logs/migrate.log": "".join(f"migration {i} ok\n" for i in range(12)),
        "bench/load.json": '{"requests": 20000, "p50_ms": 120, "p95_ms": 340}',
        "ops/alerts.yaml": "groups:\n  - name: ledger\n    rules: []\n",
    },
    "release_plan": {
        "migrations/0007_tenant.sql": "alter table accounts add column tenant_id bigint;\n",
        "scripts/backfill.py": "def backfill() -> None:\n    pass\n",
        "reports/junit.xml": _suite("u", passed=95, failed=2),
        "reports/coverage.json": '{"totals": {"percent_covered": 72.4}}',
    },
}
# Files made executable, per local repository (a script left out is one the report gets wrong).
EXECUTABLE = {("ops_status", "ops/backup.sh"), ("sprint_board", "scripts/smoke.sh")}
# Sets scored only when named on the command line: kept aside as the unseen figure.
KEPT_ASIDE = ("held-out-10",)


@dataclass(frozen=True, slots=True)
class Label:
    set: str
    source: str
    report: str
    root: str
    line: int
    verdict: str
    note: str


def held_out_labels() -> list[Label]:
    rows = []
    with (HERE / "audit_realworld_labels.tsv").open(encoding="utf-8") as fh:
        for row in csv.reader((r for r in fh if not r.startswith("#")), delimiter="\t"):
            if row:
                rows.append(Label(row[0], row[1], row[2], row[3], int(row[4]), row[5], row[6]))
    return rows


def tuned_labels() -> list[Label]:
    sys.path.insert(0, str(TOP / "tests" / "audit"))
    from seed_expectations import expected

    out = []
    for path in sorted((TOP / "tests" / "data" / "seeds").glob("*.txt")):
        for flag in expected(path.name[:3]):
            out.append(Label("tuned", "seed", path.name, "", flag.line, "broken", flag.why))
    phase = {7: "holds", 8: "holds", 9: "broken", 10: "broken", 11: "broken", 12: "broken",
             13: "broken", 14: "holds", 20: "broken", 21: "broken", 22: "broken", 23: "open",
             24: "broken", 25: "unverifiable"}  # fmt: skip
    out += [Label("tuned", "fixture", "phase_table.md", "", n, v, "") for n, v in phase.items()]
    return out


def _write_repo(root: Path, name: str) -> None:
    for rel, text in LOCAL_REPOS[name].items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if (name, rel) in EXECUTABLE:
            path.chmod(0o755)


def _checkout(source: str) -> Path | None:
    """The tree of a fetched mirror at the labelled commit, unpacked once under CORPORA."""
    repo, _, commit = source.removeprefix("github:").partition("@")
    where = CORPORA / f"{repo.split('/')[1]}@{commit[:12]}"
    if where.is_dir():
        return where
    mirror = MIRRORS / repo.replace("/", "+") / "repo"
    if not mirror.is_dir():
        return None
    part = where.with_name(where.name + ".part")
    shutil.rmtree(part, ignore_errors=True)
    _unpack(mirror, commit, part)
    part.rename(where)
    return where


def _unpack(mirror: Path, commit: str, into: Path) -> None:
    """Write every blob of COMMIT that the snapshot holds (it lacks files of 4 MiB and more)."""
    git = ["git", f"--git-dir={mirror}"]
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", commit], capture_output=True, check=True)
    entries = []
    for raw in listing.stdout.split(b"\0"):
        if raw:
            meta, _, name = raw.partition(b"\t")
            mode, kind, sha = meta.split()
            if kind == b"blob" and mode != b"120000":
                entries.append((mode, sha, name.decode("utf-8", "surrogateescape")))
    batch = subprocess.run(
        [*git, "cat-file", "--batch"],
        input=b"".join(sha + b"\n" for _, sha, _ in entries),
        capture_output=True,
        check=True,
    ).stdout
    at = 0
    for mode, _, name in entries:
        header_end = batch.index(b"\n", at)
        header = batch[at:header_end].split()
        at = header_end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        path = into / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(batch[at : at + size])
        if mode == b"100755":
            path.chmod(0o755)
        at += size + 1


def _locate(label: Label, tmp: Path) -> tuple[Path, Path] | None:
    """(report, root) of a label."""
    if label.source == "seed":
        empty = tmp / "empty"
        empty.mkdir(exist_ok=True)
        return TOP / "tests" / "data" / "seeds" / label.report, empty
    if label.source == "fixture":
        sys.path.insert(0, str(TOP / "tests" / "audit"))
        from audit_helpers import EXECUTABLE as FIX_X
        from audit_helpers import FIXTURES, PHASE_REPO, chmod_x, write_tree

        root = tmp / "phase"
        if not root.is_dir():
            write_tree(root, PHASE_REPO)
            chmod_x(root, *FIX_X)
        return FIXTURES / label.report, root
    if label.source == "example":  # a report in this repository's bundled example
        return TOP / label.report, TOP / label.root
    if label.source == "local":
        root = tmp / label.root
        if not root.is_dir():
            _write_repo(root, label.root)
        return HERE / "heldout" / label.report, root
    checkout = _checkout(label.source)
    if checkout is None:
        return None
    return checkout / label.report, (checkout / label.root).resolve()


def _verdicts(result: AuditResult) -> dict[int, Verdict]:
    out: dict[int, Verdict] = {}
    for r in result.results:
        line = r.claim.line
        if line not in out or RANK[r.verdict] < RANK[out[line]]:
            out[line] = r.verdict
    return out


def score(labels: list[Label], tmp: Path) -> tuple[int, int, list[str]]:
    by_report: dict[tuple[str, str], list[Label]] = defaultdict(list)
    for label in labels:
        by_report[(label.source, label.report)].append(label)
    right = total = 0
    lines = []
    for (source, report), group in by_report.items():
        located = _locate(group[0], tmp)
        if located is None or not located[0].is_file():
            lines.append(f"  skipped {report}: {source} is not fetched here")
            continue
        path, root = located
        got = _verdicts(audit(path, root))
        labelled = {g.line for g in group}
        ok = sum(1 for g in group if str(got.get(g.line, "none")) == g.verdict)
        alarms = [n for n, v in got.items() if v is Verdict.BROKEN and n not in labelled]
        wrong = [f"{g.line}: {got.get(g.line, 'none')} (label {g.verdict})" for g in group
                 if str(got.get(g.line, "none")) != g.verdict]  # fmt: skip
        right += ok
        total += len(group) + len(alarms)
        lines.append(
            f"  {report:48} {ok:>3}/{len(group) + len(alarms):<3} false alarms {len(alarms)}"
        )
        lines += [f"      wrong  {w}" for w in wrong] + [f"      alarm  line {n}" for n in alarms]
    return right, total, lines


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sets: dict[str, list[Label]] = {"tuned": tuned_labels()}
        for label in held_out_labels():
            sets.setdefault(label.set, []).append(label)
        unknown = [a for a in argv if a not in sets]
        if unknown:
            sys.exit(f"unknown set(s): {', '.join(unknown)}; known: {', '.join(sets)}")
        chosen = argv or [n for n in sets if n not in KEPT_ASIDE]
        aside = [n for n in KEPT_ASIDE if n in sets and n not in chosen]
        if aside:
            print(f"kept aside (name them to score them): {', '.join(aside)}")
        for name, labels in sets.items():
            if name not in chosen:
                continue
            right, total, lines = score(labels, Path(tmp))
            print(
                f"{name}: {right}/{total} claim verdicts right ({100 * right / max(total, 1):.1f}%)"
            )
            print("\n".join(lines))
        sys.path.insert(0, str(TOP / "tests" / "audit"))
        from seed_expectations import expected

        flags = [f for p in ("000", "001", "002", "003", "004") for f in expected(p)]
        caught = sum(not f.missed for f in flags)
        print(f"seed reviewer recall: {caught}/{len(flags)} ({100 * caught / len(flags):.1f}%)")


if __name__ == "__main__":
    main(sys.argv[1:])
