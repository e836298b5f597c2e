"""Safe parsers for `file.valid`: each returns None, or (line, message) for the first error."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from typing import Any

from gonogo.pyparse import parse

Problem = tuple[int | None, str] | None


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")


def parse_yaml(data: bytes) -> Problem:
    import yaml

    try:
        for _ in yaml.compose_all(_text(data), Loader=yaml.SafeLoader):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        return (mark.line + 1 if mark else None), str(exc.problem or exc)
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        return None, str(exc) or type(exc).__name__
    return None


def parse_json(data: bytes) -> Problem:
    try:
        json.loads(_text(data))
    except json.JSONDecodeError as exc:
        return exc.lineno, exc.msg
    except (UnicodeDecodeError, RecursionError) as exc:
        return None, str(exc) or type(exc).__name__
    return None


def parse_toml(data: bytes) -> Problem:
    try:
        tomllib.loads(_text(data))
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        line = None
        if "(at line " in msg:
            line = int(msg.split("(at line ")[1].split(",")[0])
        return line, msg
    except UnicodeDecodeError as exc:
        return None, str(exc)
    return None


class XmlError(ValueError):
    """Malformed or refused (entity expansion, external entities) XML, with its line."""

    def __init__(self, detail: str, line: int | None = None, *, refused: bool = False) -> None:
        super().__init__(f"refused: {detail}" if refused else detail)
        self.detail = detail
        self.line = line
        self.refused = refused

    def located(self, rel: str) -> str:
        """The message for a named report file: `path:line: malformed XML: …`."""
        if self.refused:
            return f"{rel}: refused XML: {self.detail}"
        where = f"{rel}:{self.line}" if self.line is not None else rel
        return f"{where}: malformed XML: {self.detail}"


def xml_root(data: bytes) -> Any:
    """The root element, parsed by defusedxml; raises XmlError."""
    from xml.parsers.expat import ExpatError

    import defusedxml.ElementTree as ET
    from defusedxml import DefusedXmlException

    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise XmlError(str(exc), exc.position[0]) from None
    except (DefusedXmlException, ExpatError) as exc:
        raise XmlError(str(exc), refused=True) from None


def parse_xml(data: bytes) -> Problem:
    """Read as a bounded stream (`gonogo.probes.xmlstream`): no tree is kept."""
    from gonogo.probes import xmlstream

    try:
        for event, elem, parents in xmlstream.events(data):
            if event == "end" and parents:
                xmlstream.drop(elem, parents)
    except XmlError as exc:
        return exc.line, str(exc)
    return None


def parse_python(data: bytes) -> Problem:
    try:
        parse(data, "<file>")
    except SyntaxError as exc:
        return exc.lineno, exc.msg
    except (ValueError, RecursionError, MemoryError) as exc:
        return None, str(exc) or type(exc).__name__
    return None


PARSERS: dict[str, Callable[[bytes], Problem]] = {
    "yaml": parse_yaml,
    "json": parse_json,
    "toml": parse_toml,
    "xml": parse_xml,
    "python": parse_python,
}
