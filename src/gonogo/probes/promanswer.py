"""Prometheus's answers, read: the JSON envelope of `/api/v1/query` and
`/api/v1/query_range` as float series, or a `QueryFailed` that says what came back
instead (a rejected query, an HTML page, a 401, a result of the wrong shape)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Series:
    labels: Mapping[str, str]
    points: tuple[tuple[float, float], ...]  # (unix time, value)

    @property
    def name(self) -> str:
        """`metric{label="value",...}` as Prometheus shows it, or `{}` for a bare number."""
        metric = self.labels.get("__name__", "")
        pairs = ",".join(f'{k}="{v}"' for k, v in sorted(self.labels.items()) if k != "__name__")
        return f"{metric}{{{pairs}}}" if pairs or not metric else metric


@dataclass(frozen=True, slots=True)
class Answer:
    series: tuple[Series, ...]
    warnings: tuple[str, ...] = ()
    skipped: int = 0  # native-histogram samples, which have no single float value


class QueryFailed(Exception):
    """The query could not be answered; `transient` says whether asking again may help,
    `bad_query` that the query itself is at fault (messages then name it)."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool,
        evidence: dict[str, Any] | None = None,
        bad_query: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.evidence = evidence or {}
        self.bad_query = bad_query

    def about(self, query: str) -> str:
        """The message, naming the query when the query is at fault."""
        if not self.bad_query:
            return self.message
        text = " ".join(query.split())
        return f"`{text if len(text) <= 80 else text[:79] + '…'}`: {self.message}"


def decode(body: bytes, status: int, shown: str, path: str, *, instant: bool) -> Answer:
    """The series in a query API answer, or QueryFailed saying what came back instead."""
    doc = _json(body)
    if isinstance(doc, dict) and doc.get("status") == "error":
        raise _rejected(doc, status)
    if not (isinstance(doc, dict) and doc.get("status") == "success" and status < 300):
        raise _not_prometheus(body, status, shown, path, doc)
    data = doc.get("data")
    warnings = tuple(str(w) for w in doc.get("warnings") or ())[:10]
    try:
        return _series(data, warnings, instant=instant)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        raise QueryFailed(
            f"{shown} answered `status: success` with a result gonogo cannot read "
            f"(resultType {_result_type(data)!r}); is this a Prometheus-compatible API?",
            transient=False,
        ) from None


def _json(body: bytes) -> Any:
    head = body.lstrip()[:1]
    if head not in (b"{", b"["):
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nesting too deep
        return None


def _rejected(doc: dict[str, Any], status: int) -> QueryFailed:
    kind = str(doc.get("errorType") or "error")
    text = " ".join(str(doc.get("error") or "no reason given").split())[:400]
    if kind in ("bad_data", "execution") or (400 <= status < 500 and status not in (408, 429)):
        return QueryFailed(
            f"Prometheus rejected the query ({kind}, HTTP {status}): {text}; fix the PromQL",
            transient=False,
            bad_query=True,
        )
    return QueryFailed(
        f"Prometheus could not answer ({kind}, HTTP {status}): {text}", transient=True
    )


def _not_prometheus(body: bytes, status: int, shown: str, path: str, doc: Any) -> QueryFailed:
    api = f"{shown}{path}"
    if status in (401, 403):
        return QueryFailed(
            f"{api} answered {status}: the server wants credentials; set `headers` "
            "(e.g. Authorization: 'Bearer ${PROM_TOKEN}')",
            transient=False,
        )
    if status == 404:
        return QueryFailed(
            f"{api} answered 404: no Prometheus query API there; `url` is the server's base "
            "URL (http://host:9090), not a page of its UI",
            transient=False,
        )
    if status >= 500 or status in (408, 429):
        return QueryFailed(f"{api} answered {status}; the server is failing", transient=True)
    head = body.lstrip()[:1]
    if head == b"<":
        seen = "HTML"
    elif doc is not None:
        seen = "JSON without Prometheus's status/data envelope"
    else:
        seen = "a body that is not JSON" if body.strip() else "an empty body"
    return QueryFailed(
        f"{api} answered {status} with {seen}, not Prometheus's query API; point `url` at "
        "the Prometheus server (http://host:9090, or its path prefix), not a dashboard, "
        "proxy login or other page",
        transient=False,
    )


def _result_type(data: Any) -> Any:
    return data.get("resultType") if isinstance(data, dict) else None


def _series(data: Any, warnings: tuple[str, ...], *, instant: bool) -> Answer:
    kind, result = data["resultType"], data["result"]
    if kind == "scalar":
        return Answer((Series({}, (_point(result),)),), warnings)
    if kind == "string":
        raise QueryFailed("returns a string, not a number", transient=False, bad_query=True)
    if kind == "matrix" and instant:
        raise QueryFailed(
            "returns a range vector (as `metric[5m]` does); give the check `range:` and an "
            "instant-vector query, or wrap it in a function such as max_over_time()",
            transient=False,
            bad_query=True,
        )
    if kind not in ("vector", "matrix"):
        raise ValueError(kind)
    key = "value" if kind == "vector" else "values"
    out, skipped = [], 0
    for item in result:
        raw = [item[key]] if kind == "vector" and key in item else item.get(key, [])
        skipped += 0 if key in item else 1
        points = tuple(_point(p) for p in raw)
        labels = {str(k): str(v) for k, v in (item.get("metric") or {}).items()}
        if points:
            out.append(Series(labels, points))
    return Answer(tuple(out), warnings, skipped)


def _point(pair: Any) -> tuple[float, float]:
    ts, value = pair
    return float(ts), float(str(value))
