"""A pushed body → the run the writer stores: parsed, validated (`schema`), its secret
values masked (`redact`) and prepared (`summary.prepare_pushed`). No web framework here: the
ingest process (`gonogo.server.ingestproc`) imports this module alone."""

from __future__ import annotations

from typing import Any

from gonogo.server import redact, schema
from gonogo.server.summary import PreparedRun, prepare_pushed


def pushed(project: str, body: bytes) -> dict[str, Any]:
    """The run pushed to `project`, as report data `RunReport.from_dict` reads, or
    `schema.BadReport` naming what is wrong."""
    if b"\\u0000" in body:
        raise schema.BadReport(
            "the report contains a NUL character (\\u0000), which no field may hold"
        )
    data = schema.parse(body)
    if data.get("project") and data["project"] != project:
        raise schema.BadReport(
            f"project: the report is for {data['project']!r} but was pushed to {project!r}"
        )
    data["project"] = project
    try:
        masked: dict[str, Any] = redact.redact(data, redact.secret_values(data))
    except UnicodeEncodeError:
        raise schema.BadReport(
            "the report holds text that is not valid Unicode (a lone surrogate escape)"
        ) from None
    return masked


def prepared(project: str, body: bytes) -> PreparedRun:
    return prepare_pushed(pushed(project, body))
