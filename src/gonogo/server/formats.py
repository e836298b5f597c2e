"""JSON or CSV for the list endpoints: `?format=csv` or `Accept: text/csv`. CSV cells
that a spreadsheet would run as a formula are prefixed with a quote."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def wants_csv(request: Request) -> bool:
    fmt = request.query_params.get("format")
    if fmt is not None:
        return fmt == "csv"
    return "text/csv" in request.headers.get("accept", "")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        value = json.dumps(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA) else text


def to_csv(items: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for item in items:
        w.writerow([_cell(item.get(c)) for c in columns])
    return out.getvalue()


def listing(
    request: Request, body: Mapping[str, Any], key: str, columns: Sequence[str]
) -> Response:
    """`body` as JSON, or its `key` list as CSV with `columns`."""
    if wants_csv(request):
        return Response(to_csv(body[key], columns), media_type="text/csv; charset=utf-8")
    return JSONResponse(dict(body))
