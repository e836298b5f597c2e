"""Baselines for `compare`, read from the run history.

`last_passing` is the newest earlier run of the same project in which the check passed
and reported measures; `last` the newest in which it reported measures at all (whatever
its status); `run:ID` a named run. Runs are read newest first, at most `scan` of them,
each once however many checks compare with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from gonogo.models import Baseline, CheckResult, NoBaseline, RunReport, Status
from gonogo.store import HistoryReader

SCAN_RUNS = 50


class HistoryBaselines:
    """A `BaselineReader` (gonogo.engine.compare) over a history store."""

    def __init__(self, reader: HistoryReader, scan: int = SCAN_RUNS) -> None:
        self._reader = reader
        self._scan = scan
        self._ids: list[str] | None = None
        self._loaded: list[RunReport] = []

    def lookup(
        self, project: str, wanted: Sequence[tuple[str, str]]
    ) -> dict[str, Baseline | NoBaseline]:
        out: dict[str, Baseline | NoBaseline] = {}
        for check_id, ref in wanted:
            if ref.startswith("run:"):
                out[check_id] = self._named(project, check_id, ref.removeprefix("run:"))
            else:
                out[check_id] = self._newest(project, check_id, passing=ref == "last_passing")
        return out

    def _newest(self, project: str, check_id: str, *, passing: bool) -> Baseline | NoBaseline:
        seen = 0
        for report in self._reports():
            if report.project != project:
                continue
            seen += 1
            result = report.check(check_id)
            if result is None or not result.measures:
                continue
            if not passing or result.status is Status.PASS:
                return _baseline(report, result)
        if seen == 0:
            return NoBaseline(f"the history has no earlier run of project {project!r}")
        what = "passed and measured" if passing else "measured"
        return NoBaseline(f"none of the last {seen} run(s) {what} {check_id}")

    def _named(self, project: str, check_id: str, ref: str) -> Baseline | NoBaseline:
        try:
            report = self._reader.get(ref)
        except LookupError as exc:
            return NoBaseline(f"run {ref}: {exc}")
        if report.project != project:
            return NoBaseline(f"run {report.run_id[:8]} is a run of project {report.project!r}")
        result = report.check(check_id)
        if result is None:
            return NoBaseline(f"run {report.run_id[:8]} has no check {check_id}")
        if not result.measures:
            return NoBaseline(
                f"run {report.run_id[:8]} measured nothing for {check_id} "
                f"(it was {result.status.value})"
            )
        return _baseline(report, result)

    def _reports(self) -> Iterator[RunReport]:
        """Recorded runs, newest first, each read from the store once."""
        if self._ids is None:
            self._ids = self._reader.latest_ids(self._scan)
        yield from self._loaded
        for run_id in self._ids[len(self._loaded) :]:
            report = self._reader.get(run_id)
            self._loaded.append(report)
            yield report


def _baseline(report: RunReport, result: CheckResult) -> Baseline:
    return Baseline(report.run_id, report.started_at, result.status, result.measures)
