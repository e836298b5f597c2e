"""History around one `gonogo check`: approvals in, flaky marks and the recorded run out,
then the GitHub Actions extras. `check.py` calls these so its own code stays short."""
# CLI code: it reads options and prints warnings; the store itself knows nothing of either.

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

from gonogo.cli.common import warn
from gonogo.models import GitInfo, RunReport
from gonogo.report import Provenance
from gonogo.store import (
    ENV_VAR,
    FLAKY_WINDOW,
    HistoryReader,
    Store,
    exists,
    given_approvals,
    redact_url,
    store_url,
)


def add_options(p: argparse.ArgumentParser) -> None:
    from gonogo.cli.common import add_store_option

    add_store_option(p)
    p.add_argument(
        "--annotations",
        choices=["github"],
        help="also print findings as CI annotations (github: ::error file=…,line=…::)",
    )


class CheckHistory:
    """The history (if any) for one run: `store` reads, `writer` (the same store, unless
    --no-history) records."""

    def __init__(
        self,
        store: HistoryReader | None,
        writer: Store | None = None,
        warn: Callable[[str], None] = warn,
    ) -> None:
        self.store = store
        self.writer = writer
        self.warn = warn

    @classmethod
    def open(
        cls, root: Path, args: argparse.Namespace, environ: Mapping[str, str] | None = None
    ) -> CheckHistory:
        """Open the store; an explicit --store/$GONOGO_STORE that fails is a usage error,
        the default SQLite file that cannot be created is a warning."""
        from gonogo.errors import UsageError
        from gonogo.store import open_reader, open_store

        env = os.environ if environ is None else environ
        record = not getattr(args, "no_history", False)
        explicit = bool(getattr(args, "store", None) or env.get(ENV_VAR))
        url = store_url(getattr(args, "store", None), env, root)
        if not record and not exists(url):
            return cls(None)
        try:
            if not record:
                return cls(open_reader(url))
            store = open_store(url)
            return cls(store, store)
        except UsageError as exc:
            if explicit:
                raise
            warn(f"{exc}; this run is not recorded")
            return cls(None)

    def __enter__(self) -> CheckHistory:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.store is not None:
            self.store.close()

    def run_options(self, plan: Any, root: Path) -> dict[str, Any]:
        """Engine options: the commit, the approvals given for it and this plan, and the
        earlier runs that checks with `compare` are judged against."""
        from gonogo.git import git_info
        from gonogo.store.baselines import HistoryBaselines

        git = git_info(root)
        baselines = HistoryBaselines(self.store) if self.store is not None else None
        return {"git": git, "approvals": self.approvals(plan.hash, git), "baselines": baselines}

    def approvals(self, plan_hash: str, git: GitInfo) -> dict[str, list[str]]:
        if self.store is None or not git.commit:
            return {}
        try:
            return given_approvals(self.store, plan_hash, git.commit)
        except Exception as exc:  # a broken store must not turn into a crash; gates fail closed
            self.warn(f"cannot read approvals from {redact_url(self.store.url)}: {exc}")
            return {}

    def finish(self, report: RunReport) -> RunReport:
        """Mark flaky checks, then record the run (unless --no-history or interrupted)."""
        report = self.mark_flaky(report)
        if self.writer is None:
            return report
        if report.interrupted:
            self.warn("the run was interrupted; it is not recorded in the history")
            return report
        try:
            self.writer.record(report)
        except Exception as exc:  # the verdict stands even when history cannot be written
            self.warn(f"cannot record the run in {redact_url(self.writer.url)}: {exc}")
        return report

    def mark_flaky(self, report: RunReport) -> RunReport:
        from gonogo.store.flaky import flaky_ids

        if self.store is None or not report.git.commit or report.git.dirty:
            return report  # flips on edited files are edits, not flakiness
        try:
            earlier = self.store.statuses(report.git.commit, FLAKY_WINDOW - 1)
        except Exception as exc:
            self.warn(f"cannot read the history for flaky checks: {exc}")
            return report
        now = {c.check_id: c.status for c in report.checks}
        flaky = flaky_ids([*earlier, now])
        if not flaky:
            return report
        checks = tuple(replace(c, flaky=c.check_id in flaky) for c in report.checks)
        return replace(report, checks=checks)

    def publish(
        self, report: RunReport, args: argparse.Namespace, prov: Provenance | None = None
    ) -> None:
        """GitHub Actions: the step summary (when the variable is set) and annotations."""
        from gonogo.report import github

        env = os.environ
        try:
            github.append_step_summary(report, env)
        except OSError as exc:
            self.warn(f"cannot append to GITHUB_STEP_SUMMARY: {exc.strerror or exc}")
        if getattr(args, "annotations", None) == "github":
            to_stdout = bool(args.output) or args.format in ("term", "md")
            stream = sys.stdout if to_stdout else sys.stderr
            stream.write(github.workflow_commands(report, prov))
            stream.flush()
