"""A scenario file's document as plain data, with where each value stands in the file.

What the YAML reader (``yaml_source``) builds and the scenario loader reads: the data, a
compact tree of lines for error messages, and the text of every scalar that is a mapping's
value as written. Plain Python, no YAML: a document the parsed cache (``parsed_cache``)
hands back is read without importing PyYAML.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any

from core.text import visible

Path = tuple[str | int, ...]


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


class Lines:
    """Where one mapping or list stands: its line, its keys' or items' lines, and the same
    for the mappings and lists inside it (scalars need no node of their own). Kept small,
    since a file can hold a million of them: a list whose items all stand on its own line
    keeps no item lines, and the child and raw-text tables are made when first needed."""

    __slots__ = ("line", "keys", "items", "children", "raw")

    def __init__(self, line: int, mapping: bool) -> None:
        self.line = line
        self.keys: dict[str, int] | None = {} if mapping else None
        self.items: array[int] | None = None  # a list's item lines, once one is on another line
        self.children: dict[str | int, Lines] | None = None
        self.raw: dict[str, str] | None = None  # a mapping's scalar values as written

    def add_item(self, index: int, line: int) -> None:
        """Item ``index`` of a list starts on ``line``."""
        if self.items is not None:
            self.items.append(line)
        elif line != self.line:
            self.items = array("l", [self.line]) * index
            self.items.append(line)

    def item_line(self, index: int) -> int | None:
        if self.items is None:
            return self.line if index >= 0 else None
        return self.items[index] if 0 <= index < len(self.items) else None

    def add_child(self, key: str | int, lines: Lines) -> None:
        if self.children is None:
            self.children = {}
        self.children[key] = lines

    def child(self, key: str | int) -> Lines | None:
        return self.children.get(key) if self.children is not None else None


@dataclass
class YamlDocument:
    """The plain data of one document with the line (1-based) of each path and the raw
    text of each scalar that is a mapping's value."""

    data: Any
    tree: Lines | None = None

    def line_of(self, path: Path) -> int | None:
        """The line of ``path``, or of its nearest ancestor that is in the file."""
        node = self.tree
        if node is None:
            return None
        line = node.line
        for part in path:
            if node is None:
                break
            if node.keys is not None:
                if not isinstance(part, str) or part not in node.keys:
                    break
                line = node.keys[part]
            else:
                found = node.item_line(part) if isinstance(part, int) else None
                if found is None:
                    break
                line = found
            node = node.child(part)
        return line

    def raw_text(self, path: Path) -> str | None:
        """The text of the scalar at ``path`` as written, when it is a mapping's value."""
        node = self.tree
        for part in path[:-1]:
            node = node.child(part) if node is not None else None
        if node is None or node.raw is None or not path or not isinstance(path[-1], str):
            return None
        return node.raw.get(path[-1])
