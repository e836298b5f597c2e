"""Bounded XML reading for reports (JUnit, Cobertura): a stream of events from
defusedxml (no entities, no DTD fetches) with caps on depth and element count, that
checks the caller's deadline as it goes and lets finished elements be dropped.

Parsing a 60 MB report into a tree takes tens of seconds and most of a gigabyte, and
a worker thread cannot be cancelled: this reader stops at the timeout instead, and
holds only the open elements and what the caller keeps.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

from gonogo.probes.base import DeadlinePassed
from gonogo.probes.formats import XmlError

MAX_DEPTH = 256
MAX_ELEMENTS = 2_000_000
_EVERY = 2048  # events between two looks at the clock


def events(
    data: bytes, expired: Callable[[], bool] | None = None
) -> Iterator[tuple[str, Any, list[Any]]]:
    """(`start` | `end`, element, its open ancestors) in document order (an element's
    attributes are known at `start`, its content at `end`); raises XmlError
    for malformed, refused or oversized XML, DeadlinePassed once `expired()`."""
    from xml.parsers.expat import ExpatError

    import defusedxml.ElementTree as ET
    from defusedxml import DefusedXmlException

    stack: list[Any] = []
    count = 0
    try:
        for event, elem in ET.iterparse(io.BytesIO(data), events=("start", "end")):
            count += 1
            if count % _EVERY == 0 and expired is not None and expired():
                raise DeadlinePassed("the check's timeout passed while reading XML")
            if event == "start":
                _check(stack, count)
                yield event, elem, stack
                stack.append(elem)
            else:
                stack.pop()
                yield event, elem, stack
    except ET.ParseError as exc:
        raise XmlError(str(exc), exc.position[0]) from None
    except (DefusedXmlException, ExpatError) as exc:
        raise XmlError(str(exc), refused=True) from None


def _check(stack: list[Any], count: int) -> None:
    if len(stack) >= MAX_DEPTH:
        raise XmlError(f"nesting is deeper than {MAX_DEPTH} elements")
    if count // 2 > MAX_ELEMENTS:
        raise XmlError(f"more than {MAX_ELEMENTS:,} elements")


def drop(elem: Any, parents: list[Any]) -> None:
    """Forget a finished element: its content, and its place in its parent."""
    elem.clear()
    if parents:
        parents[-1].remove(elem)
