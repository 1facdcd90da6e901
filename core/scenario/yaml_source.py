"""Safe YAML reading that remembers where every value stands in the file.

PyYAML's safe loader builds plain data; composing the node tree first lets us record the
line of every field (for error messages) and the text of every scalar as written (so that
an expected value ``0.50`` keeps its two decimals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from core.errors import ScenarioError
from core.text import quote, visible

Path = tuple[str | int, ...]

FLOAT_TAG = "tag:yaml.org,2002:float"
# YAML 1.2 floats: ``1e-3`` is a number (PyYAML's YAML 1.1 rules would read it as text)
_FLOAT = re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
    |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""", re.X)


def use_yaml12_floats(cls: type) -> type:
    """Give a Loader or Dumper class the YAML 1.2 float rule (used for reading and writing)."""
    cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != FLOAT_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    cls.add_implicit_resolver(FLOAT_TAG, _FLOAT, list("-+0123456789."))
    return cls


@use_yaml12_floats
class ScenarioLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 floats; no tags beyond plain data."""


FastScenarioLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):
    @use_yaml12_floats
    class FastScenarioLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """The same loader on libyaml's parser: ten times faster on large files.

        Used when it accepts the file; any YAML fault is reported by ``ScenarioLoader``,
        so messages do not depend on whether libyaml is installed.
        """


def format_path(path: Path) -> str:
    """``('layers', 2, 'kernel')`` → ``layers[2].kernel``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:  # a field name from the file: shown visibly and cut short
            name = visible(str(part))
            text += ("." if text else "") + (name if len(name) <= 40 else name[:40] + "…")
    return text


@dataclass
class YamlDocument:
    """The plain data of one document with the line (1-based) and raw text of each path."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)
    nodes: set[int] = field(default_factory=set)  # ids of the nodes seen (an alias repeats one)

    def line_of(self, path: Path) -> int | None:
        """The line of ``path``, or of its nearest ancestor that is in the file."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def _node_kind(node: yaml.Node) -> str:
    """A YAML node in plain words, for messages (never the node's repr)."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if node.tag == "tag:yaml.org,2002:null" or node.value == "":
        return "nothing"
    kind = {"tag:yaml.org,2002:int": "the number", "tag:yaml.org,2002:float": "the number",
            "tag:yaml.org,2002:bool": "true/false"}.get(node.tag, "the value")
    return f"{kind} {quote(node.value, 40)}"


def _walk(node: yaml.Node, path: Path, doc: YamlDocument, file: str) -> None:
    if id(node) in doc.nodes:  # aliases could also make a tiny file expand without bound
        raise ScenarioError("YAML aliases (*name) are not allowed: write the value out",
                            file=file, line=node.start_mark.line + 1, field=format_path(path) or None)
    doc.nodes.add(id(node))
    doc.lines[path] = node.start_mark.line + 1
    if node.tag not in yaml.SafeLoader.yaml_constructors:
        # refused here rather than by the constructor, so the message can name the field
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise ScenarioError(f"{tag} is refused: scenario files hold plain data only "
                            "(numbers, text, lists, mappings), never YAML tags",
                            file=file, line=node.start_mark.line + 1, field=format_path(path) or None)
    if isinstance(node, yaml.ScalarNode):
        doc.raw[path] = node.value
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _walk(child, path + (i,), doc, file)
    elif isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise ScenarioError(f"a field name must be text, got {_node_kind(key_node)}",
                                    file=file, line=key_node.start_mark.line + 1,
                                    field=format_path(path) or None)
            key = key_node.value
            if key in seen:
                raise ScenarioError(f"'{quote(key, 60)}' is given twice", file=file,
                                    line=key_node.start_mark.line + 1,
                                    field=format_path(path + (key,)))
            seen.add(key)
            doc.lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), doc, file)
            doc.lines[path + (key,)] = key_node.start_mark.line + 1


def read_yaml(text: str, file: str) -> YamlDocument:
    """Parse ``text`` with the safe loader; any fault becomes a ScenarioError with its line."""
    try:
        return _read_yaml(text, file)
    except (ValueError, RecursionError) as err:  # e.g. an integer of more than 4,300 digits
        reason = "a number has more than 4,300 digits" if "digits" in str(err) else str(err)[:160]
        raise ScenarioError(f"not valid YAML for cnn-tui: {reason}", file=file) from None


def _read_yaml(text: str, file: str) -> YamlDocument:
    if FastScenarioLoader is not None:
        try:
            fast = FastScenarioLoader(text)
            try:
                node = fast.get_single_node()
                if node is not None:
                    doc = YamlDocument(None)
                    _walk(node, (), doc, file)
                    doc.data = fast.construct_document(node)
                    return doc
            finally:
                fast.dispose()
        except yaml.YAMLError:
            pass  # read again below, for PyYAML's own message and line
    try:
        loader = ScenarioLoader(text)
    except yaml.reader.ReaderError as err:  # a character YAML does not allow, found up front
        line = text.count("\n", 0, err.position) + 1
        raise ScenarioError(f"not valid YAML: unacceptable character #x{err.character:04x} "
                            f"({err.reason})", file=file, line=line) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError("the file is empty (expected a scenario mapping with format, "
                                "name, input, samples, layers, loss, learning_rate)", file=file)
        doc = YamlDocument(None)
        _walk(node, (), doc, file)
        doc.data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as err:
        mark = err.problem_mark or err.context_mark
        found = re.search(r"tag '([^']*)'", err.problem or "")
        tag = found.group(1).replace("tag:yaml.org,2002:", "!!") if found else "this YAML tag"
        raise ScenarioError(f"{tag} is refused: scenario files hold plain data only "
                            "(numbers, text, lists, mappings), never YAML tags",
                            file=file, line=mark.line + 1 if mark else None) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = err.problem or err.context or "invalid YAML"
        raise ScenarioError(f"not valid YAML: {problem}", file=file,
                            line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as err:
        raise ScenarioError(f"not valid YAML: {err}", file=file) from None
    finally:
        loader.dispose()
    return doc
