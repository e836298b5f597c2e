"""Precision of `gonogo secrets` on public repositories, against every finding labelled by
hand (true: a credential or a private key block, whatever its severity; false: not).

    .venv/bin/python benchmarks/secrets_realworld.py CORPUS [--labels FILE] [--unlabelled]
                                                     [--stale]

CORPUS holds one git checkout per repository, named OWNER+NAME (as the search tool's
`fetch` names its snapshots), at the commit the labels file names; a repository missing
or at another commit is reported with what to fetch, and nothing fetched is committed.
The labels (`benchmarks/secrets-realworld-labels.tsv`) use `benchmarks/realworld.py`'s
format with `secrets` as the check. Figures are printed per round of repositories, for
the errors (what fails the check), the warnings (tests, examples, documentation,
comments) and both. A labelled finding no longer reported counts too: a false one is a
fixed false alarm, a true one a credential now missed (`--stale` lists them).

Rounds, each labelled on its first run before any change made for it:
- round-1 (laradock, prometheus-community/helm-charts, ansible-for-devops, docker-gitlab):
  10/23 right at first look; hashes named as such, rate limits, MinIO's playground keys,
  camelCase names, bracketed instructions and a `${X:-false}` default were the rest.
- round-2 (netbox-docker, getsentry/self-hosted, elastic/helm-charts, nextcloud/docker):
  6/21 at first look (errors 6/13); commented-out example values, test passwords made of
  test words, paths, sed patterns and a JavaScript variable were the rest.
- round-3 (grafana/helm-charts, docker-mailserver, spring-cloud-config, jenkinsci/docker):
  22/33 at first look (errors 1/4); secret-manager references, template continuations,
  camelCase and placeholder URL passwords and fake base64 tokens were the rest.
- round-4 (outline/outline, hashicorp/vault-helm, mattermost/docker, pi-hole/docker-pi-hole):
  2/5 at first look; an encoding name passed to a call and brand labels were the rest.
- round-5 (argoproj/argo-helm, zero-to-jupyterhub-k8s, discourse_docker, nginx-proxy), run
  after the first four rounds' fixes: 25/44 at first look, and no error among the 44 (all
  warnings: 25 test keys right; `chpst -u user:group` taken for `curl -u user:password`,
  credential-helper references and a comment's quoting example wrong).
Over the five rounds 65 of 126 first-look findings were right: that, not the figure after
each round's fixes, is what a repository never shown gets. The classes of all five were
fixed after their first look: all five count as tuned.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from realworld import Tally, corpus_parser, read_labels  # noqa: E402

LABELS = HERE / "secrets-realworld-labels.tsv"
GONOGO = str(HERE.parent / ".venv/bin/gonogo")


def findings(root: Path) -> list[tuple[str, str, str]]:
    """(rule, path:line, severity) of every finding, none left out by the listing limit."""
    done = subprocess.run(
        [GONOGO, "secrets", str(root), "--format", "json", "--max-findings", "100000"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"gonogo secrets {root}: exit {done.returncode}: {done.stderr.strip()}")
    out = json.loads(done.stdout)
    return [(f["rule"], f"{f['path']}:{f['line']}", f["severity"]) for f in out["findings"]]


def main() -> int:
    args = corpus_parser(__doc__, LABELS).parse_args()
    tallies: dict[str, Tally] = defaultdict(Tally)
    fixed: dict[str, int] = defaultdict(int)
    missed: dict[str, int] = defaultdict(int)
    for repo in read_labels(args.labels):
        root = args.corpus / repo.folder
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        if head != repo.commit:
            print(f"skipped {repo.name}: fetch github:{repo.name} and check out {repo.commit}")
            continue
        seen = set()
        for rule, where, severity in findings(root):
            key = (repo.name, "secrets", rule, where)
            seen.add(key)
            label = repo.labels.get(key)
            tallies[repo.group].add(severity, None if label is None else label[0])
            if label is None and args.unlabelled:
                print(f"{repo.name}\tsecrets\t{rule}\t{where}\t?\t({severity})")
        for key, (true, note) in repo.labels.items():
            if key not in seen:
                (missed if true else fixed)[repo.group] += 1
                if args.stale:
                    print(f"no longer reported ({'true' if true else 'false'}): {key} {note}")
    print("| round | errors | warnings | all findings | unlabelled | fixed false alarms | missed |")
    print("|---|---|---|---|---|---|---|")
    total = Tally()
    for group in sorted(tallies):
        total.merge(tallies[group])
        cells = tallies[group].row(group).split(" | ")
        print(" | ".join(cells[:4] + cells[5:]).removesuffix(" |"), end="")
        print(f" | {fixed[group]} | {missed[group]} |")
    cells = total.row("**all**").split(" | ")
    print(" | ".join(cells[:4] + cells[5:]).removesuffix(" |"), end="")
    print(f" | {sum(fixed.values())} | {sum(missed.values())} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
