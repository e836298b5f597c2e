"""Precision of the default plan on real repositories, per pack and overall, against
findings labelled by hand (true: a problem its maintainers would agree with; false: not).

    .venv/bin/python benchmarks/realworld.py CORPUS [--labels benchmarks/realworld-labels.tsv]
                                              [--unlabelled] [--stale] [--repo OWNER/NAME]
                                              [--group NAME]

CORPUS holds one git checkout per repository, named OWNER+NAME (as the search tool's
`fetch` names its snapshots): the labels file lists each repository and the commit its
findings were read at. A repository missing from CORPUS is reported with what to fetch;
nothing fetched is ever committed, only this script and the labels written by hand. Give
each checkout the origin a user's clone has (`git remote set-url origin
https://github.com/OWNER/NAME`): the checks read the owner from it (the organisation's own
actions may follow a branch), and a local mirror's path names none.

Every finding the default plan reports counts, and so does every failing check that
reports no located finding (as one finding, `<kind>.fail`). Precision is printed for the
problems (`error` findings: they fail their check and make the verdict) and for the
advice (`warning` findings, which leave their check passing) apart, then for both. A
check that could not tell (status `error`, nothing located) is no claim either way:
it is counted in its own column. `--unlabelled` prints the findings that have no label
yet, as label lines to fill in.

Each repository belongs to a group: `tuned` (the checks were changed after reading its
findings) or a held-out set (`held-out`, `held-out-3`, `held-out-4`, ...: labelled on the
first run, before any change made for it; a `-final` set is set aside, not looked at
while the checks change, and run once more at the end as the unseen figure). Every
group's figures are printed apart, in the order the labels file names them. The labels
file's header keeps each set's first-run and latest figures; README's Performance
section has them per pack (2026-12-04: held-out-4 280/356 on its first run, 286/300
after; its set-aside three 1/7 on both).

A labelled finding the plan no longer reports is counted per group too: a false one is a
fixed false alarm, a true one a problem now missed (`--stale` lists them).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gonogo.engine.scheduler import RunOptions, run_plan  # noqa: E402
from gonogo.models import GitInfo, RunReport, Status  # noqa: E402
from gonogo.packs import default_plan  # noqa: E402
from gonogo.probes.registry import all_probes  # noqa: E402

LABELS = ROOT / "benchmarks" / "realworld-labels.tsv"


@dataclass
class Repo:
    name: str  # owner/name
    commit: str
    group: str  # tuned | held-out | held-out-N
    labels: dict[tuple[str, str, str, str], tuple[bool, str]] = field(default_factory=dict)

    @property
    def folder(self) -> str:
        return self.name.replace("/", "+")


@dataclass(frozen=True)
class Seen:
    repo: str
    pack: str
    check: str
    rule: str
    where: str  # path:line, path, or "-"
    severity: str
    message: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.repo, self.check, self.rule, self.where)


def read_labels(path: Path) -> list[Repo]:
    """`@repo OWNER/NAME COMMIT GROUP` lines, then one finding a line:
    `OWNER/NAME<TAB>check<TAB>rule<TAB>path:line<TAB>true|false<TAB>note`."""
    repos: dict[str, Repo] = {}
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@repo "):
            _, name, commit, group = line.split()
            repos[name] = Repo(name, commit, group)
            continue
        cols = line.split("\t")
        if len(cols) < 5 or cols[4] not in ("true", "false") or cols[0] not in repos:
            raise SystemExit(f"{path}:{number}: not a label line: {line!r}")
        note = cols[5] if len(cols) > 5 else ""
        repos[cols[0]].labels[(cols[0], cols[1], cols[2], cols[3])] = (cols[4] == "true", note)
    return list(repos.values())


def findings_of(repo: str, report: RunReport) -> list[Seen]:
    out = []
    for c in report.checks:
        for f in c.findings:
            where = f"{f.path}:{f.line}" if f.path and f.line else (f.path or "-")
            out.append(Seen(repo, c.gate, c.check_id, f.rule, where, f.severity, f.message))
        if c.status in (Status.FAIL, Status.ERROR) and not c.findings:
            rule = f"{c.kind}.{c.status.value}"
            severity = "could-not-tell" if c.status is Status.ERROR else "error"
            out.append(Seen(repo, c.gate, c.check_id, rule, "-", severity, c.message))
    return out


def run_default_plan(root: Path) -> RunReport:
    probes = all_probes()
    plan = default_plan(root, probes)
    options = RunOptions(git=GitInfo(), environ={"PATH": "/usr/bin:/bin"})
    return asyncio.run(run_plan(plan, root, probes, options))


@dataclass
class Tally:
    """Labels of one pack's findings, by severity."""

    true: Counter[str] = field(default_factory=Counter)
    false: Counter[str] = field(default_factory=Counter)
    unlabelled: int = 0
    could_not_tell: int = 0

    def add(self, severity: str, label: bool | None) -> None:
        if severity == "could-not-tell":
            self.could_not_tell += 1
        elif label is None:
            self.unlabelled += 1
        else:
            (self.true if label else self.false)[severity] += 1

    def merge(self, other: Tally) -> None:
        self.true += other.true
        self.false += other.false
        self.unlabelled += other.unlabelled
        self.could_not_tell += other.could_not_tell

    def row(self, name: str) -> str:
        cells = [name]
        for severities in (("error",), ("warning",), ("error", "warning")):
            t = sum(self.true[s] for s in severities)
            f = sum(self.false[s] for s in severities)
            cells.append(f"{t}/{t + f} = {t / (t + f):.2f}" if t + f else "–")
        cells += [str(self.could_not_tell), str(self.unlabelled)]
        return "| " + " | ".join(cells) + " |"


def table(title: str, tallies: dict[str, Tally], first: str = "pack") -> list[str]:
    total, but_secrets = Tally(), Tally()
    for name, t in tallies.items():
        total.merge(t)
        if name != "secrets":
            but_secrets.merge(t)
    rows = [tallies[name].row(name) for name in sorted(tallies)]
    rows.append(total.row("**all**"))
    if first == "pack" and "secrets" in tallies:
        rows.append(but_secrets.row("all but secrets"))
    return [
        f"{title} (precision = true / labelled):",
        "",
        f"| {first} | problems (error) | advice (warning) | all findings | could not tell "
        "| unlabelled |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ]


def corpus_parser(doc: str, labels: Path) -> argparse.ArgumentParser:
    """The arguments of a benchmark over a corpus of labelled checkouts."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of checkouts named OWNER+NAME")
    parser.add_argument("--labels", type=Path, default=labels)
    parser.add_argument("--unlabelled", action="store_true", help="print unlabelled findings")
    parser.add_argument("--stale", action="store_true", help="print labels no longer seen")
    return parser


def main() -> int:
    parser = corpus_parser(__doc__, LABELS)
    parser.add_argument("--repo", action="append", default=[], help="only this repository")
    parser.add_argument("--group", action="append", default=[], help="only this group")
    args = parser.parse_args()
    repos = [
        r
        for r in read_labels(args.labels)
        if (not args.repo or r.name in args.repo) and (not args.group or r.group in args.group)
    ]
    groups: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    per_repo: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    gone: dict[str, Counter[bool]] = defaultdict(Counter)
    missing = []
    for repo in repos:
        root = args.corpus / repo.folder
        if not (root / ".git").exists():
            missing.append(repo)
            continue
        seen = findings_of(repo.name, run_default_plan(root))
        groups.setdefault(repo.group, defaultdict(Tally))
        per_repo[repo.group].setdefault(repo.name, Tally())  # listed with no finding too
        print(f"{repo.name} ({repo.group}): {len(seen)} finding(s)", file=sys.stderr)
        for s in seen:
            label = repo.labels.get(s.key)
            groups[repo.group][s.pack].add(s.severity, label[0] if label else None)
            per_repo[repo.group][repo.name].add(s.severity, label[0] if label else None)
            if label is None and args.unlabelled and s.severity != "could-not-tell":
                text = s.message.replace("\t", " ")[:150]
                print(f"{s.repo}\t{s.check}\t{s.rule}\t{s.where}\t?\t{s.severity}: {text}")
        reported = {s.key for s in seen}
        for key, (label, note) in repo.labels.items():
            if key not in reported:
                gone[repo.group][label] += 1
                if args.stale:
                    print("stale\t" + "\t".join(key) + f"\t{str(label).lower()}\t{note}")
    for group in groups:
        print("\n".join(table(f"{group} repositories, by pack", groups[group])))
        print("\n".join(table(f"{group} repositories", per_repo[group], "repository")))
        print(
            f"{group}: labelled findings no longer reported: {gone[group][False]} false "
            f"(false alarms gone), {gone[group][True]} true (problems now missed)\n"
        )
    for repo in missing:
        print(
            f"missing: {repo.name} at {repo.commit}: fetch github:{repo.name}, then "
            f"git clone it to {args.corpus / repo.folder}, check out {repo.commit} and set "
            f"its origin to https://github.com/{repo.name}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
