"""Fourth-pass claim classes, from reports the auditor had never seen (held-out set 9):
Confluence and Jira wiki markup, HTML tables, a summary beside both a checklist and a
table of other things, sign-offs dated in their approval cell."""

from __future__ import annotations

from pathlib import Path

from audit_helpers import run_report, verdicts_at

from gonogo.audit import Verdict

HOLDS, BROKEN, OPEN, UNVERIFIABLE = (
    Verdict.HOLDS,
    Verdict.BROKEN,
    Verdict.OPEN,
    Verdict.UNVERIFIABLE,
)

JUNIT = (
    "<testsuite>"
    + "".join(f'<testcase classname="t" name="p{i}"/>' for i in range(30))
    + '<testcase classname="t" name="f"><failure message="no"/></testcase>'
    + "</testsuite>"
)

WIKI = """\
h1. Billing cut-over

*Decision:* (/) GO

h3. Gates
||Gate||Result||Where||
|Schema migrated|(/)|{{db/0012_invoices.sql}}|
|Retry policy|(/)|{{deploy/retry.json}}|
|Dual-write soak|(x)|{{logs/soak.log}}|
|DPA signed|(?)| |

* Unit tests: 31 passed - {{reports/junit.xml}}
# (/) Runbook linked {{docs/runbook.md}}

||Step||Effort||
|Replay|3 h|
|Verify|2 h|
|*Total*|*6 h*|

h3. Approvals
||Role||Name||Signed||
|Finance|M. Roy|(/) 14 May 2026|
|Legal| |(x)|
"""

WIKI_REPO = {
    "db/0012_invoices.sql": "alter table invoices add column v int;\n",
    "deploy/retry.json": '{"retries": 3,}',
    "logs/soak.log": "soak ok\n",
    "reports/junit.xml": JUNIT,
}


def test_confluence_wiki_markup_is_read_like_markdown(tmp_path: Path) -> None:
    result = run_report(tmp_path, WIKI, WIKI_REPO)
    # (/) (x) (?) icons are marks; a status row cites its {{monospace}} path
    assert verdicts_at(result, 7) == [(HOLDS, "db/0012_invoices.sql exists (non-empty)")]
    [(verdict, reason)] = verdicts_at(result, 8)
    assert verdict is BROKEN
    assert reason.startswith("1 of 1 file(s) are not valid json: deploy/retry.json")
    assert (OPEN, "the report marks it as not done (open mark)") in verdicts_at(result, 9)
    assert verdicts_at(result, 10) == [(OPEN, "the report marks it as not done (open mark)")]
    # *Decision:* (/) GO is a status, and the open gates refute it
    [(verdict, reason)] = verdicts_at(result, 3)
    assert verdict is BROKEN
    assert reason.startswith("says it is done, but 3 open item(s) say otherwise: line 9:")
    assert "line 10: DPA signed" in reason
    assert "line 23: Legal" in reason
    # a figure beside a {{path}} is read against the file
    assert verdicts_at(result, 12) == [
        (
            BROKEN,
            "claims 31 passed (off by 1); reports/junit.xml has 31 testcases: "
            "30 passed, 1 failed, 0 skipped",
        )
    ]
    # `# item` is a numbered item in wiki markup, not a heading
    assert verdicts_at(result, 13) == [(BROKEN, "no file matches docs/runbook.md")]
    # *bold* cells are bold: the total row is a total
    assert verdicts_at(result, 18) == [
        (BROKEN, "6 h claimed but its 2 parts add up to 5 h (3 h + 2 h)")
    ]
    # a sign-off dated in its approval cell is signed with a date
    assert verdicts_at(result, 22) == [(HOLDS, "signed by M. Roy on 14 May 2026")]
    assert verdicts_at(result, 23) == [(OPEN, "not signed yet: an open approval")]


def test_markdown_that_only_looks_like_wiki_is_left_alone(tmp_path: Path) -> None:
    report = "# Notes\n\n- f(x) is (x) here, *not* a mark\n- [x] done `a.md`\n"
    result = run_report(tmp_path, report, {"a.md": "a\n"})
    assert verdicts_at(result, 3) == []
    assert verdicts_at(result, 4) == [(HOLDS, "a.md exists (non-empty)")]


HTML = """\
# Release 5.2

Suites: 2 of 3 green

<table>
  <thead>
    <tr><th>Suite</th><th>Result</th><th>Report</th></tr>
  </thead>
  <tr>
    <td>unit</td>
    <td>&#9989; 31 passed</td>
    <td><code>reports/junit.xml</code></td>
  </tr>
  <tr><td>docs</td><td>&#9989; built</td><td><code>site/index.html</code></td></tr>
  <tr><td>e2e</td><td>&#10060; failing</td><td>ci</td></tr>
</table>

```html
<table><tr><td>✅</td><td><code>nowhere.md</code></td></tr><tr><td>x</td></tr></table>
```
"""


def test_html_tables_are_read_row_by_row(tmp_path: Path) -> None:
    result = run_report(tmp_path, HTML, {"reports/junit.xml": JUNIT})
    # a row spread over lines is one claim, on the line its <tr> opens
    assert verdicts_at(result, 9) == [
        (
            BROKEN,
            "claims 31 passed (off by 1); reports/junit.xml has 31 testcases: "
            "30 passed, 1 failed, 0 skipped",
        )
    ]
    # entities are marks
    assert verdicts_at(result, 14) == [(BROKEN, "no file matches site/index.html")]
    assert verdicts_at(result, 15) == [(OPEN, "the report marks it as not done (open mark)")]
    # the summary counts the table's rows
    assert verdicts_at(result, 3) == [
        (HOLDS, "2/3 matches the status table under “Release 5.2”: 2 of 3 rows done")
    ]
    # a table inside a code fence is an example, not a claim
    assert verdicts_at(result, 19) == []


CHECKLIST_AND_SUITES = """\
# Release 3.4

**Progress:** 3 of 4 tasks

## Tasks
- [x] Version bumped
- [x] Notes written
- [ ] Tag pushed
- [x] Wheels built

| Suite | Result |
|---|---|
| unit | ✅ 31 passed |
| lint | ✅ clean |
"""


def test_a_task_count_is_held_to_the_checklist_not_a_table_of_suites(tmp_path: Path) -> None:
    result = run_report(tmp_path, CHECKLIST_AND_SUITES)
    assert verdicts_at(result, 3) == [
        (HOLDS, "3/4 matches the checklist under “Tasks”: 3 of 4 items done")
    ]


BREAKDOWN = """\
# Test status

## Results
- **Total Tests**: 240 tests in the api package
- **Passed**: 231 tests (96.3%)
- **Failed**: 2 tests (0.8%)
- **Skipped**: 7 tests (3.1%)
"""


def test_each_part_of_a_stated_total_is_its_share_of_it(tmp_path: Path) -> None:
    result = run_report(tmp_path, BREAKDOWN)
    assert verdicts_at(result, 5) == [
        (HOLDS, "Passed 231/240 (the total of line 4) = 96.25%, 96.3% rounded")
    ]
    assert verdicts_at(result, 6) == [
        (HOLDS, "Failed 2/240 (the total of line 4) = 0.83%, 0.8% rounded")
    ]
    assert verdicts_at(result, 7) == [
        (
            BROKEN,
            "3.1% claimed but Skipped 7/240 (the total of line 4) = 2.92% "
            "(2.9% at the claim's precision); off by 0.18 points",
        )
    ]


RESTATED = """\
# Project summary

## Quality
- **Tests**: 212 passing
- **Coverage**: 81%
- **Integration Tests**: 14 tests for the API
- **Target**: 90% coverage
- **Build Time**: 3 minutes

## Highlights
- ✅ Test suite (212 tests, 81% coverage)
- 81% code coverage
- Coverage goal: 95% coverage
"""


def test_a_figure_stated_again_holds_as_the_field_it_repeats(tmp_path: Path) -> None:
    result = run_report(tmp_path, RESTATED)
    # "81% coverage" repeats the field "Coverage: 81%"; "212 tests" the field "Tests: 212"
    assert verdicts_at(result, 11) == [(HOLDS, "81% coverage, as line 5 says")]
    assert verdicts_at(result, 12) == [(HOLDS, "81% coverage, as line 5 says")]
    # a target is not a result, and 14 integration tests are not the 212 tests
    assert all(v is not HOLDS for v, _ in verdicts_at(result, 13))
    assert all(v is not HOLDS for v, _ in verdicts_at(result, 7))


NAMES = """\
# Summary

## Fixes
1. Fixed an f-string in credential_manager.py
2. Cleaned trailing whitespace in pipeline.py
3. Ported the parser to llama.cpp conventions

## Project
- ✅ CI workflows (test.yml, release.yml)
- Contributions: CONTRIBUTING.md
- Licence: LICENSE.md
"""

NAMES_REPO = {
    "pkg/credential_manager.py": "X = 1\n",
    "pipeline.py": "Y = 2\n",
    ".github/workflows/test.yml": "on: push\n",
    ".github/workflows/release.yml": "on: push\n",
    "LICENSE.md": "MIT\n",
}


def test_file_names_written_in_prose_are_looked_for(tmp_path: Path) -> None:
    result = run_report(tmp_path, NAMES, NAMES_REPO)
    assert verdicts_at(result, 4) == [
        (
            UNVERIFIABLE,
            "no file matches credential_manager.py; a file of that name is at "
            "pkg/credential_manager.py: the claim names it, not its path",
        )
    ]
    assert verdicts_at(result, 5) == [(HOLDS, "pipeline.py exists (non-empty); parsed as PYTHON")]
    assert verdicts_at(result, 6) == []  # a project's name, not a file
    # files in the CI folder are found by their names too
    [(verdict, reason)] = verdicts_at(result, 9)
    assert verdict is UNVERIFIABLE
    assert "a file of that name is at .github/workflows/test.yml" in reason
    # a label whose value is a file name cites it, missing or not
    assert verdicts_at(result, 10) == [(BROKEN, "no file matches CONTRIBUTING.md")]
    assert verdicts_at(result, 11) == [(HOLDS, "LICENSE.md exists (non-empty)")]


READY_NOTHING_OPEN = """\
# Test status

**Readiness**: Launch Ready

## Results
- Unit tests: all passing

## Status
✅ **All tests are now passing. The service is ready for production use.**
"""

READY_WITH_OPEN = READY_NOTHING_OPEN + "\n## Left\n- [ ] Rotate the API keys\n"


def test_a_readiness_with_nothing_open_holds_and_with_open_items_is_broken(
    tmp_path: Path,
) -> None:
    result = run_report(tmp_path, READY_NOTHING_OPEN)
    assert verdicts_at(result, 3) == [
        (HOLDS, "says it is done, and nothing in the report is marked open")
    ]
    assert verdicts_at(result, 9) == [
        (HOLDS, "says it is ready, and nothing in the report is marked open")
    ]
    result = run_report(tmp_path, READY_WITH_OPEN)
    [(verdict, reason)] = verdicts_at(result, 3)
    assert verdict is BROKEN
    assert reason == (
        "says it is done, but 1 open item(s) say otherwise: line 12: [ ] Rotate the API keys"
    )


ACTIONS = """\
# Capacity review

## Immediate Actions Required

### 1. Fix the session cache leak 🔴 Priority 1
Evict the mapping with the session.

### 2. Add queue depth alerting
A gauge and an alert.

## Roadmap

### Phase 2
- ✅ Session cache leak fixed
- ✅ Queue depth alerting added
- ✅ Load balancer configured

## Checks before and after the deploy
- [x] No secrets in the docs
- [ ] No secrets visible in the docs
"""


def test_a_done_mark_is_broken_by_the_action_still_listed_for_it(tmp_path: Path) -> None:
    result = run_report(tmp_path, ACTIONS)
    # headings under "Actions Required" are open actions
    assert verdicts_at(result, 5) == [(OPEN, "the report marks it as not done (open mark)")]
    assert verdicts_at(result, 8) == [
        (OPEN, "the report marks it as not done (an action under “Immediate Actions Required”)")
    ]
    assert verdicts_at(result, 14) == [
        (
            BROKEN,
            "marked done, but line 5 still lists it as open: "
            "1. Fix the session cache leak 🔴 Priority 1",
        )
    ]
    assert verdicts_at(result, 15) == [
        (BROKEN, "marked done, but line 8 still lists it as open: 2. Add queue depth alerting")
    ]
    assert all(v is not BROKEN for v, _ in verdicts_at(result, 16))
    # a checklist repeated for a later check contradicts nothing
    assert verdicts_at(result, 19) == [
        (UNVERIFIABLE, "cites no file, glob or number that can be checked")
    ]


YES_NO = """\
# Incident follow-up

Action items: 3/4 done

| Action | Owner | Done? |
|--------|-------|-------|
| Alert on error rate | sre | yes |
| Bigger pool | dev | yes |
| Failover drill | sre | no |
| Runbook | sre | yes |

| Role | Name | Date | Signed |
|------|------|------|--------|
| Lead | A. Chen | 2026-03-01 | no |
"""


def test_no_in_a_done_column_is_an_open_item(tmp_path: Path) -> None:
    result = run_report(tmp_path, YES_NO)
    assert verdicts_at(result, 9) == [(OPEN, "the report marks it as not done (open mark)")]
    [(verdict, reason)] = verdicts_at(result, 3)
    assert verdict is HOLDS
    assert reason.startswith("3/4 matches the status table")
    # a sign-off table's "no" is an unsigned approval, as before
    assert verdicts_at(result, 14) == [(OPEN, "not signed yet: an open approval")]


LEFT_TO_DO = """\
# Rollout

## Phase 1
**Status:** ✅ Done
**Actions:** rotate the keys, enable the alerts

## Conclusion
1. 🔧 **Fix the retry storm** within 30 days
2. Responded to the pager within 2 days
3. MIT licensed - see [LICENSE](LICENSE)
"""


def test_actions_still_to_take_are_open_items(tmp_path: Path) -> None:
    result = run_report(tmp_path, LEFT_TO_DO, {"LICENSE": "MIT\n"})
    assert verdicts_at(result, 5) == [
        (OPEN, "the report marks it as not done (an action still to take)")
    ]
    assert verdicts_at(result, 4) == [
        (
            BROKEN,
            "says it is done, but 1 open item(s) say otherwise: "
            "line 5: Actions: rotate the keys, enable the alerts",
        )
    ]
    assert verdicts_at(result, 8) == [
        (OPEN, "the report marks it as not done (an action still to take)")
    ]
    # done, in the past: not an action
    assert verdicts_at(result, 9) == [
        (
            UNVERIFIABLE,
            "states a figure or a done mark but cites nothing it could be checked against",
        )
    ]
    # a file named without an extension, as repositories name it
    assert verdicts_at(result, 10) == [(HOLDS, "LICENSE exists (non-empty)")]


LOGS = """\
# Test status

```
Total Tests Created: 80 new tests
Status: 24 passing (30%), 56 failing (60%)
```

```
Test Summary:              | Pass  Fail  Total   Time
Parser                     |  412     3    415   1m02.4s
  Lexer                    |   90           90   4.1s
  Printer                  |   22     3     26   2.0s
```
"""


def test_a_run_summary_printed_in_a_code_block_is_checked(tmp_path: Path) -> None:
    result = run_report(tmp_path, LOGS)
    assert verdicts_at(result, 5) == [
        (HOLDS, "passing 24/80 (the total of line 4) = 30.00%, 30% rounded"),
        (
            BROKEN,
            "60% claimed but failing 56/80 (the total of line 4) = 70.00% "
            "(70% at the claim's precision); off by 10 points",
        ),
    ]
    assert verdicts_at(result, 10) == [(HOLDS, "412 + 3 = 415, its Total")]
    assert verdicts_at(result, 11) == [(HOLDS, "90 = 90, its Total")]
    assert verdicts_at(result, 12) == [(BROKEN, "Total 26, but its counts add up to 25 (22 + 3)")]


def test_paths_under_work_remaining_and_ranges_of_tasks_are_no_claims(tmp_path: Path) -> None:
    """Under "Remaining Work" (and its own subheadings) a path names where work will go,
    not a file the report says exists; "Tasks 7-10 completed (a, b, c, d)" counts no ten."""
    report = (
        "# Provider status\n\n"
        "## Completed Work\n\n"
        "- Factory in `src/factory.go`\n"
        "- Orchestrator in `src/orchestrator.go`\n\n"
        "## Remaining Work\n\n"
        "### Task 11: Providers\n\n"
        "1. **OpenAI** - Implement in `src/providers/openai/`\n\n"
        "## Timeline\n\n"
        "- Tasks 7-10 completed (database, orchestrator, CLI, cost tracking)\n"
    )
    result = run_report(tmp_path, report, {"src/factory.go": "package src\n"})
    assert verdicts_at(result, 5) == [(HOLDS, "src/factory.go exists (non-empty)")]
    assert verdicts_at(result, 6) == [(BROKEN, "no file matches src/orchestrator.go")]
    assert verdicts_at(result, 12) == []
    assert verdicts_at(result, 16) == []
