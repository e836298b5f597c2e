"""Safe YAML reading that can say where every value came from: the one reader of plans,
fleet files, compose files and Kubernetes manifests (`load_all`: every document of a
multi-document stream, each with its own positions).

Two builders give the same values. The fast one reads libyaml's event stream
straight into dicts and lists and handles the plain subset of YAML a plan is
written in: no tags, anchors, aliases or merge keys, no duplicate keys. Anything
else, and every error, goes to the careful one, which composes the document with
PyYAML's SafeLoader (no tags, no code) and records the line and column of each
key path. Positions are only needed to report a problem, so a document the fast
builder read gets them from the careful one on first use. Both refuse oversized
input and alias-expansion bombs before building anything large.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import yaml

MAX_BYTES = 1024 * 1024
# libyaml's parser when PyYAML was built with it (the wheels are): ~10x faster to compose.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 200_000

Path = tuple[str | int, ...]


_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)


_STR = "tag:yaml.org,2002:str"
_KINDS = {
    "tag:yaml.org,2002:timestamp": "date",
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
}
_MERGE = "tag:yaml.org,2002:merge"


MAX_DEPTH = 64


class YamlError(Exception):
    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        path: Path = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.path = path  # the key path of the offending value, when known


class Located:
    """A parsed document and the (line, column) of each key path, 1-based."""

    def __init__(self, data: Any, marks: dict[Path, tuple[int, int]] | None = None) -> None:
        self.data = data
        self._marks = marks
        self._text: str | None = None

    @property
    def marks(self) -> dict[Path, tuple[int, int]]:
        if self._marks is None:
            self._marks = _careful(self._text or "").marks
        return self._marks

    def where(self, path: Path) -> tuple[int | None, int | None]:
        """The closest known position for `path`, walking up to its parents."""
        for cut in range(len(path), -1, -1):
            mark = self.marks.get(path[:cut])
            if mark is not None:
                return mark
        return None, None


def load(text: str | bytes, *, max_bytes: int = MAX_BYTES) -> Located:
    text = _decoded(text, max_bytes)
    try:
        data = _json(text) if text.lstrip().startswith("{") else _NOT_JSON
        located = Located(_fast(text) if data is _NOT_JSON else data)
    except (_Unusual, yaml.YAMLError, RecursionError):
        return _careful(text)
    located._text = text
    return located


def load_all(text: str | bytes, *, max_bytes: int = MAX_BYTES) -> list[Located]:
    """Every document of a `---`-separated stream, with positions (lines count from the
    top of the file). Same limits as `load`, over the whole stream."""
    text = _decoded(text, max_bytes)
    _shallow(text)
    try:
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        raise _marked(exc) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlError("invalid YAML: nesting is too deep") from None
    out = []
    for node in nodes:
        located = Located(None, {})
        if node is not None:
            located.data = _Builder(located.marks).build(node, ())
        out.append(located)
    return out


def _decoded(text: str | bytes, max_bytes: int) -> str:
    size = len(text.encode() if isinstance(text, str) else text)
    if size > max_bytes:
        raise YamlError(f"file is {size:,} bytes; the limit is {max_bytes:,} bytes")
    if isinstance(text, bytes):
        try:
            return text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise YamlError(f"not UTF-8 text (byte {exc.start})") from None
    return text


def _marked(exc: yaml.MarkedYAMLError) -> YamlError:
    mark = exc.problem_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    problem = ", ".join(filter(None, (exc.context, exc.problem))) or str(exc)
    return YamlError(f"invalid YAML: {problem}", line, col)


def _shallow(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before anything recursive sees it: libyaml's
    parser keeps its own stack, but composing 50,000 nested `[` recurses in C until the
    interpreter's stack overflows (SIGSEGV). Syntax errors are left to the composer,
    which reports them with their position."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            kind = type(event)
            if kind in _OPEN:
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    at = (mark.line + 1, mark.column + 1) if mark else (None, None)
                    raise YamlError(f"nesting is deeper than {MAX_DEPTH} levels", *at)
            elif kind in _CLOSE:
                depth -= 1
    except yaml.YAMLError:
        return


def _careful(text: str) -> Located:
    _shallow(text)
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        raise _marked(exc) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlError("invalid YAML: nesting is too deep") from None
    located = Located(None, {})
    if node is None:
        return located
    builder = _Builder(located.marks)
    located.data = builder.build(node, ())
    return located


class _Builder:
    def __init__(self, marks: dict[Path, tuple[int, int]]) -> None:
        self.marks = marks
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlError(
                f"document expands to more than {MAX_NODES:,} values "
                "(an alias-expansion bomb or a plan far larger than any real one)"
            )
        if len(path) > MAX_DEPTH:
            raise YamlError(f"nesting is deeper than {MAX_DEPTH} levels", *_pos(node))
        if path not in self.marks:  # a key already marked its value's path
            self.marks[path] = _pos(node)
        if node.tag not in _PLAIN_TAGS:
            raise YamlError(f"YAML tag {node.tag!r} is not allowed", *_pos(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        if node.tag == _STR:
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise YamlError(f"invalid value: {exc}", *_pos(node), path) from None
        except (ValueError, OverflowError) as exc:  # 2027-02-30 matches the date pattern
            what = _KINDS.get(node.tag, "value")
            raise YamlError(f"invalid {what} {node.value!r}: {exc}", *_pos(node), path) from None

    def _key(self, node: yaml.Node, path: Path) -> Any:
        if node.tag == _STR and isinstance(node, yaml.ScalarNode):  # the common case
            self.count += 1
            return node.value
        return self.build(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        pairs = node.value if not any(k.tag == _MERGE for k, _ in node.value) else _merged(node)
        for key_node, value_node in pairs:
            key = self._key(key_node, path)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise YamlError("mapping keys must be plain scalars", *_pos(key_node))
            if isinstance(key, str | int) and not isinstance(key, bool):
                child: Path = (*path, key)
                self.marks[child] = _pos(key_node)
            else:
                child = (*path, str(key))
            if key in out:
                raise YamlError(f"duplicate key {key!r}", *_pos(key_node))
            out[key] = self.build(value_node, child)
        return out


def _merged(node: yaml.MappingNode) -> Iterator[tuple[yaml.Node, yaml.Node]]:
    """Key/value pairs with `<<` merge keys expanded (explicit keys win)."""
    explicit: list[tuple[yaml.Node, yaml.Node]] = []
    merged: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE:
            sources = (
                value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            )
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise YamlError("a merge key (<<) needs a mapping", *_pos(source))
                merged.extend(_merged(source))
        else:
            explicit.append((key_node, value_node))
    seen = {k.value for k, _ in explicit if isinstance(k, yaml.ScalarNode)}
    for key_node, value_node in merged:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value in seen:
            continue
        seen.add(key_node.value)
        yield key_node, value_node
    yield from explicit


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Unusual(Exception):
    """The document is outside what the fast builder reads; the careful one will."""


_EVENTS = yaml.events
_SCALAR = _EVENTS.ScalarEvent
_OPEN = {_EVENTS.MappingStartEvent: dict, _EVENTS.SequenceStartEvent: list}
_CLOSE = (_EVENTS.MappingEndEvent, _EVENTS.SequenceEndEvent)
_KEY_TYPES = (str, int, float, bool, type(None))
_IMPLICIT = yaml.SafeLoader.yaml_implicit_resolvers
_SIMPLE_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")
)
_NO_KEY = object()


_NOT_JSON = object()
# characters YAML reads otherwise than JSON (line breaks it folds, ones it refuses)
_NOT_LIKE_JSON = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff-\uffff]")


def _json(text: str) -> Any:
    """A document written as JSON (which is YAML), read by the JSON parser at a tenth of
    the cost; `_NOT_JSON` for anything else (a YAML flow mapping). Duplicate keys, NaN
    and documents beyond the size limits go to the careful builder, which says what is
    wrong and where."""
    if _NOT_LIKE_JSON.search(text):
        return _NOT_JSON
    try:
        data = json.loads(
            text, object_pairs_hook=_unique_keys, parse_constant=_unusual, parse_float=_float
        )
    except ValueError:
        return _NOT_JSON
    nodes, todo = 0, [(data, 1)]
    while todo:
        value, depth = todo.pop()
        nodes += 1
        if nodes > MAX_NODES or depth > MAX_DEPTH:
            raise _Unusual
        if isinstance(value, dict):
            todo.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            todo.extend((v, depth + 1) for v in value)
    return data


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Unusual
    return out


# YAML 1.1's floats have a point and a signed exponent: `1e5` is the string "1e5"
_YAML_FLOAT = re.compile(r"-?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?")


def _float(text: str) -> float | str:
    return float(text) if _YAML_FLOAT.fullmatch(text) else text


def _unusual(_: str) -> Any:
    raise _Unusual


def _fast(text: str) -> Any:
    parser = _LOADER(text)
    try:
        get = parser.get_event
        if type(get()) is not _EVENTS.StreamStartEvent:
            raise _Unusual
        start = get()
        if type(start) is _EVENTS.StreamEndEvent:
            return None
        if type(start) is not _EVENTS.DocumentStartEvent:
            raise _Unusual
        data = _fast_document(get)
        if type(get()) is not _EVENTS.DocumentEndEvent or type(get()) is not _EVENTS.StreamEndEvent:
            raise _Unusual  # several documents: the careful builder says so
        return data
    finally:
        parser.dispose()


def _fast_document(get: Any) -> Any:
    """One document's value from the event stream; `_Unusual` for anything but plain YAML."""
    plain: dict[str, Any] = {}  # plain scalars that resolve to something: each once
    stack: list[list[Any]] = []  # [container, pending key] frames; lists ignore the key
    count = 0
    while True:
        event = get()
        kind = type(event)
        count += 1
        if kind is _SCALAR:
            if event.anchor is not None or event.tag not in (None, "!"):
                raise _Unusual
            item = event.value
            if event.implicit[0] and (not item or item[0] in _IMPLICIT):
                item = plain[item] if item in plain else plain.setdefault(item, _plain(item))
        elif kind in _OPEN:
            if event.anchor is not None or event.tag not in (None, "!") or len(stack) > 60:
                raise _Unusual
            stack.append([_OPEN[kind](), _NO_KEY])
            continue
        elif kind in _CLOSE:
            count -= 1  # the opening event counted the container
            item = stack.pop()[0]
        else:
            raise _Unusual  # aliases and anything else
        if count > MAX_NODES:
            raise _Unusual
        if not stack:
            return item
        _attach(stack[-1], item)


def _attach(frame: list[Any], item: Any) -> None:
    into = frame[0]
    if type(into) is list:
        into.append(item)
    elif frame[1] is not _NO_KEY:
        into[frame[1]] = item
        frame[1] = _NO_KEY
    elif type(item) not in _KEY_TYPES or item in into:
        raise _Unusual  # a complex or duplicate key: the careful builder says where
    else:
        frame[1] = item


def _plain(value: str) -> Any:
    """A plain scalar's value as SafeLoader resolves and constructs it."""
    tag = next((t for t, pattern in _IMPLICIT.get(value[:1], ()) if pattern.match(value)), _STR)
    if tag == _STR:
        return value
    if tag not in _SIMPLE_TAGS:
        raise _Unusual
    try:
        return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, value))
    except (ValueError, OverflowError):
        raise _Unusual from None  # the careful builder says where, and why


_CONSTRUCTOR = yaml.constructor.SafeConstructor()
