"""Safe YAML reading that remembers where every value stands in the file.

The document is built straight from the parser's events (libyaml's C parser when PyYAML
has it, PyYAML's own otherwise: the same data, lines and refusals), so no node tree
is composed: a 10 MB file of numbers loads in seconds, not a minute. While building, the
reader records the line of every field and list item (for error messages) in a compact
tree beside the data, and the text of every scalar that is a mapping's value as written
(so that an expected value ``0.50`` keeps its two decimals).

Only plain data is accepted: mappings with text keys, lists, text, numbers, true/false
and nothing. Every tag beyond those (``!!python/…``, ``!!binary``, ``!!set``, local tags)
is refused, and so is every alias (``*name``: a tiny file could expand without bound);
a key given twice is refused. Building uses no recursion, and nesting deeper than 1,000
levels is refused (libyaml's own limit), so deep nesting can neither crash nor stall it.
Syntax errors are worded by the parser that found them; lines are the same either way.
"""

from __future__ import annotations

import re
import sys
from typing import Any, TypeVar

import yaml
from yaml.resolver import BaseResolver

from core.errors import ScenarioError
from core.i18n import tr
from core.numbers import lost_to_zero
from core.scenario.budget import MAX_DEPTH
from core.scenario.document import Lines, Path, YamlDocument, format_path
from core.text import quote

FLOAT_TAG = "tag:yaml.org,2002:float"
# YAML 1.2 floats: ``1e-3`` is a number (PyYAML's YAML 1.1 rules would read it as text)
_FLOAT = re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
    |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""", re.X)


_Resolving = TypeVar("_Resolving", bound=BaseResolver)


def use_yaml12_floats(cls: type[_Resolving]) -> type[_Resolving]:
    """Give a Loader or Dumper class the YAML 1.2 float rule (used for reading and writing)."""
    cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != FLOAT_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    cls.add_implicit_resolver(FLOAT_TAG, _FLOAT, list("-+0123456789."))
    return cls


@use_yaml12_floats
class ScenarioLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 floats; no tags beyond plain data."""


FastScenarioLoader: type[yaml.CSafeLoader] | None = None
if getattr(yaml, "__with_libyaml__", False):
    @use_yaml12_floats
    class _CScenarioLoader(yaml.CSafeLoader):
        """The same loader on libyaml's parser (C): the events come ten times faster."""

    FastScenarioLoader = _CScenarioLoader


_TAG = "tag:yaml.org,2002:"
STR, INT, NULL, BOOL = _TAG + "str", _TAG + "int", _TAG + "null", _TAG + "bool"
SEQ, MAP = _TAG + "seq", _TAG + "map"
_SCALAR_TAGS = (STR, INT, FLOAT_TAG, NULL, BOOL)
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+")


def _forget_if_one_line(parent: _Frame, done: _Frame) -> None:
    """Drop the line node of a finished mapping or list that stands wholly on the line its
    parent records for it (``{x: [0.1, 0.2], y: [1]}``): the parent's line answers for all
    of it, and a file of a million flow-style samples keeps no million nodes."""
    lines = done.lines
    if lines.items is not None or lines.children is not None or lines.raw is not None:
        return
    if lines.keys is not None and any(line != lines.line for line in lines.keys.values()):
        return
    key = done.path[-1]
    where = parent.lines
    recorded = where.keys.get(key) if where.keys is not None else where.item_line(key)  # type: ignore[arg-type]
    if recorded == lines.line and where.children is not None:
        del where.children[key]
        if not where.children:
            where.children = None  # so that the parent itself may be forgotten in turn


def _refused_tag(tag: str, line: int, path: Path, file: str) -> ScenarioError:
    shown = quote(tag.replace(_TAG, "!!"), 60)
    return ScenarioError(tr("{shown} is refused: scenario files hold plain data only (numbers, text, lists, "
                            "mappings), never YAML tags", shown=shown),
                         file=file, line=line, field=format_path(path) or None)


def _scalar_kind(tag: str, value: str) -> str:
    """A key that is not text, in plain words (never a node's repr)."""
    if tag == NULL or value == "":
        return tr("nothing")
    shown = quote(value, 40)
    if tag in (INT, FLOAT_TAG):
        return tr("the number {value}", value=shown)
    return tr("true/false {value}", value=shown) if tag == BOOL else tr("the value {value}", value=shown)


class _Frame:
    """One open mapping or list while building."""

    __slots__ = ("container", "lines", "path", "key", "is_map")

    def __init__(self, container: Any, lines: Lines, path: Path) -> None:
        self.container = container
        self.lines = lines
        self.path = path
        self.key: str | None = None  # a mapping's key waiting for its value
        self.is_map = isinstance(container, dict)

    def child_path(self) -> Path:
        return self.path + ((self.key if self.is_map else len(self.container)),)  # type: ignore[operator]


class _Builder:
    """Turns parser events into plain data, lines and raw texts (an explicit stack, no recursion)."""

    def __init__(self, loader: Any, file: str) -> None:
        self.loader = loader
        self.file = file
        self.key_tags: dict[tuple[str, bool], str] = {}

    def value(self, event: Any, frame: _Frame | None) -> Any:
        """A scalar's value; plain numbers and quoted text take the short way."""
        text = event.value
        if event.tag is None:
            if not event.implicit[0]:
                return text  # quoted: always text
            if _PLAIN_FLOAT.fullmatch(text):
                number = float(text)
                if lost_to_zero(text, number):
                    raise self.underflow(text, event, frame)
                return number
            if _PLAIN_INT.fullmatch(text):
                return int(text)
            tag = self.loader.resolve(yaml.ScalarNode, text, event.implicit)
        else:
            tag = self.tag_of(event, frame)
        if tag == STR:
            return text
        construct = self.loader.yaml_constructors.get(tag)
        if construct is None:  # ``<<`` or ``=`` resolve to tags with no plain value: text
            return text
        node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style)
        value = construct(self.loader, node)
        if isinstance(value, float) and lost_to_zero(text, value):  # !!float 1e-400, 1_0e-400
            raise self.underflow(text, event, frame)
        return value

    def underflow(self, text: str, event: Any, frame: _Frame | None) -> ScenarioError:
        """A number written nonzero that float64 reads as 0 (``1e-400``): refused, never a silent 0."""
        return ScenarioError(tr("{value} is too small for a float64 (the smallest is 5e−324): it would be read as 0",
                                value=quote(text, 40)),
                             file=self.file, line=event.start_mark.line + 1,
                             field=format_path(frame.child_path() if frame is not None else ()) or None)

    def tag_of(self, event: Any, frame: _Frame | None) -> str:
        """The tag of an event; an explicit tag beyond plain data is refused."""
        tag = event.tag
        scalar = isinstance(event, yaml.ScalarEvent)
        if tag is None or tag == "!":
            if scalar:
                return str(self.loader.resolve(yaml.ScalarNode, event.value, event.implicit))
            return SEQ if isinstance(event, yaml.SequenceStartEvent) else MAP
        allowed = _SCALAR_TAGS if scalar else (SEQ,) if isinstance(event, yaml.SequenceStartEvent) else (MAP,)
        if tag not in allowed:
            path = frame.child_path() if frame is not None else ()
            raise _refused_tag(tag, event.start_mark.line + 1, path, self.file)
        return str(tag)

    def build(self) -> YamlDocument | None:
        loader = self.loader
        get_event = loader.get_event
        get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            return None
        get_event()  # DocumentStart
        doc = YamlDocument(None)
        stack: list[_Frame] = []
        top: _Frame | None = None
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        ends = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
        while True:
            event = get_event()
            kind = type(event)
            if top is not None and not top.is_map and kind is scalar_event:  # the bulk: list items
                items = top.container
                items.append(self.value(event, top))
                top.lines.add_item(len(items) - 1, event.start_mark.line + 1)
                continue
            if kind in ends:
                done = stack.pop()
                if not stack:
                    doc.data = done.container
                    break
                top = stack[-1]
                _forget_if_one_line(top, done)
                continue
            line = event.start_mark.line + 1
            if top is not None and top.is_map and top.key is None:
                self.key(event, top, line)
                continue
            if kind is alias_event:
                raise ScenarioError(tr("YAML aliases (*name) are not allowed: write the value out"),
                                    file=self.file, line=line,
                                    field=format_path(top.child_path() if top else ()) or None)
            if kind is scalar_event:
                value = self.value(event, top)
                if top is None:
                    doc.data = value
                    break
                key = top.key
                top.container[key] = value
                spot = top.lines
                if spot.raw is None:
                    spot.raw = {}
                spot.raw[key] = event.value  # type: ignore[index]
                top.key = None
                continue
            is_map = self.tag_of(event, top) == MAP
            container: Any = {} if is_map else []
            lines = Lines(line, is_map)
            if top is None:
                doc.tree = lines
                path: Path = ()
            else:
                path = top.child_path()
                where = path[-1]
                if top.is_map:
                    top.container[where] = container
                    top.key = None
                else:
                    top.container.append(container)
                    top.lines.add_item(where, line)  # type: ignore[arg-type]
                top.lines.add_child(where, lines)
            if len(stack) >= MAX_DEPTH:
                raise ScenarioError(tr("not valid YAML: exceeded maximum nesting depth"), file=self.file,
                                    line=line)
            top = _Frame(container, lines, path)
            stack.append(top)
        get_event()  # DocumentEnd
        if not loader.check_event(yaml.StreamEndEvent):
            event = get_event()
            raise ScenarioError(tr("not valid YAML: expected a single document in the stream, found another"),
                                file=self.file, line=event.start_mark.line + 1)
        if doc.tree is None:
            doc.tree = Lines(1, True)
        return doc

    def key(self, event: Any, frame: _Frame, line: int) -> None:
        path = frame.path
        if not isinstance(event, yaml.ScalarEvent):
            kind = tr("an alias") if isinstance(event, yaml.AliasEvent) else \
                tr("a list") if isinstance(event, yaml.SequenceStartEvent) else tr("a mapping")
            raise ScenarioError(tr("a field name must be text, got {kind}", kind=kind), file=self.file, line=line,
                                field=format_path(path) or None)
        cached = (event.value, event.implicit[0]) if event.tag is None else None
        tag = self.key_tags.get(cached) if cached is not None else None
        if tag is None:
            tag = self.tag_of(event, frame)
            if cached is not None and len(self.key_tags) < 4096:  # field names repeat (x, y, …)
                self.key_tags[cached] = tag
        if tag != STR:
            raise ScenarioError(tr("a field name must be text, got {scalar_kind}",
                                   scalar_kind=_scalar_kind(tag, event.value)),
                                file=self.file, line=line, field=format_path(path) or None)
        key = sys.intern(event.value) if len(event.value) <= 64 else event.value  # field names repeat
        keys = frame.lines.keys
        assert keys is not None
        if key in keys:
            raise ScenarioError(tr("'{key}' is given twice", key=quote(key, 60)), file=self.file, line=line,
                                field=format_path(path + (key,)))
        keys[key] = line
        frame.key = key


def read_yaml(text: str, file: str) -> YamlDocument:
    """Parse ``text`` as plain data; any fault becomes a ScenarioError with its line."""
    try:
        return _read_yaml(text, file)
    except (ValueError, RecursionError, OverflowError) as err:  # e.g. an integer of more than 4,300 digits
        reason = tr("a number has more than 4,300 digits") if "digits" in str(err) else tr("a value cannot be read")
        raise ScenarioError(tr("not valid YAML for cnn-tui: {reason}", reason=reason), file=file) from None


def _read_yaml(text: str, file: str) -> YamlDocument:
    loader_class = FastScenarioLoader or ScenarioLoader
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as err:  # a character YAML does not allow, found up front
        raise _reader_error(err, text, file) from None
    try:
        doc = _Builder(loader, file).build()
        if doc is None:
            raise ScenarioError(tr("the file is empty (expected a scenario mapping with format, name, input, "
                                   "samples, layers, loss, learning_rate)"), file=file)
        return doc
    except yaml.reader.ReaderError as err:
        raise _reader_error(err, text, file) from None
    except yaml.constructor.ConstructorError as err:
        mark = err.problem_mark or err.context_mark
        raise ScenarioError(tr("not valid YAML: {value}", value=quote(err.problem or tr("a value cannot be read"), 80)),
                            file=file, line=mark.line + 1 if mark else None) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = err.problem or err.context or "invalid YAML"
        raise ScenarioError(tr("not valid YAML: {problem}", problem=quote(problem, 80)), file=file,
                            line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError:
        raise ScenarioError(tr("not valid YAML"), file=file) from None
    finally:
        loader.dispose()


def _reader_error(err: yaml.reader.ReaderError, text: str, file: str) -> ScenarioError:
    line = text.count("\n", 0, max(0, err.position)) + 1 if isinstance(err.position, int) else None
    character = err.character if isinstance(err.character, int) else None
    what = f"#x{character:04x}" if character is not None else "a character"
    return ScenarioError(tr("not valid YAML: unacceptable character {what} ({reason})", what=what, reason=err.reason),
                         file=file, line=line)
