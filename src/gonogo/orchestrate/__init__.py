"""`gonogo orchestrate`: remediation tasks driven to their acceptance checks.

Modules: `ordering` (selection and run order), `acceptance` (checks that prove a task
done), `runner` (one cycle), `escalation` (JSONL + signed webhook), `state` (atomic
JSON state) and `lock`, `progress` (terminal lines and progress.md), `session` (a
whole run: lock, resume, cycles).
"""
