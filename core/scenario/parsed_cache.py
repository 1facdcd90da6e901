"""Scenario files read before, kept as their parsed documents: a launch reads JSON, not YAML.

Reading a scenario needs PyYAML, and importing PyYAML costs a launch about as much as the
whole scenario's loading (~70 M instructions, 4 % of the TUI's first frame). So once a file
has been read, its document (``core.scenario.document``: the data, the lines of its values
and the raw text of its scalars, exactly as the YAML reader built them) is kept in
``$XDG_CACHE_HOME/cnn-tui/parsed/`` (``~/.cache/cnn-tui/parsed/``), under the SHA-256 of
the file's text and of this reader's version (the cache's format, and the size and time of
the reader's source files). The next read of the same text takes the document from there
and checks and builds the scenario from it as from a fresh parse: every check, message and
number is the same, and a file changed by one byte, or a changed reader, gives another name,
so nothing stale is ever read. (PyYAML's own version is not in the name: the reader builds
documents from its events by its own rules.)

Only JSON is written and read (plain data: nothing in a cache file can run), a document
is kept only where JSON gives back its very values (types included), a file is written
whole or not at all (a temporary file renamed into place), and any fault (no cache folder,
one that cannot be written, a file that is not JSON, not of this format or not the document
of this text's name) only means the YAML is read again. At most ``KEEP`` files are kept (the
least recently used go first); deleting the folder is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import tempfile
import time
from array import array
from pathlib import Path
from typing import Any

from core.scenario.document import Lines, YamlDocument
from core.user_dirs import cache_folder

FORMAT = "cnn-tui parsed document 1"  # changed whenever the document's form or the reader's rules change
KEEP = 256  # cache files kept (a scenario file's is a few kB)
MAX_TEXT = 1 << 20  # texts kept: up to a million characters (a larger file's parse dwarfs PyYAML's import)


def cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/cnn-tui/parsed`` (default ``~/.cache/cnn-tui/parsed``); None where
    there is no such folder (no home folder: ``core.user_dirs``), and nothing is kept."""
    folder = cache_folder()
    return None if folder is None else folder / "parsed"


def _reader_version() -> bytes:
    """What names this reader: the cache's format, and the size and time of the files that
    build and read a document, so that a changed reader (an upgrade, an edited checkout)
    never takes a document an older one kept."""
    here = Path(__file__).parent
    parts = [FORMAT]
    for name in ("yaml_source.py", "document.py", "parsed_cache.py"):
        try:
            info = os.stat(here / name)
            parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:?")
    return "\0".join(parts).encode()


def _name(text: str) -> str:
    digest = hashlib.sha256(_reader_version())
    digest.update(b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest() + ".json"


def cached(text: str) -> YamlDocument | None:
    """The document kept for ``text``, or None (never read, or not readable now)."""
    if len(text) > MAX_TEXT:
        return None
    folder = cache_dir()
    if folder is None:
        return None
    name = _name(text)
    try:
        with open(folder / name, encoding="utf-8") as handle:
            stored = json.load(handle)
        if stored.get("format") != FORMAT or stored.get("of") != name:  # (a file copied under another name)
            return None
        doc = YamlDocument(stored["data"], _lines(stored["tree"]))
        with contextlib.suppress(OSError):
            os.utime(folder / name)  # used now: the last to be pruned
        return doc
    except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError):
        return None


def keep(text: str, doc: YamlDocument) -> None:
    """Keep ``doc`` as the document of ``text``, if JSON holds it exactly; faults are ignored."""
    folder = cache_dir()
    if len(text) > MAX_TEXT or folder is None:
        return
    try:
        name = _name(text)
        stored = json.dumps({"format": FORMAT, "of": name, "data": doc.data, "tree": _plain(doc.tree)},
                            ensure_ascii=False, separators=(",", ":"))
        if not _same(json.loads(stored)["data"], doc.data):
            return
        folder.mkdir(parents=True, exist_ok=True)
        # (not core.scenario.atomic, the saves' writer: a cache needs no fsync, owner or target
        # checks, and every first read of a file writes one)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(stored)
            os.replace(tmp, folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(folder)
    except (OSError, ValueError, TypeError, RecursionError):
        return


def _prune(folder: Path) -> None:
    """Remove the oldest cache files past ``KEEP``, and temporary files a killed write left
    (an hour old: a younger one may be another process's write in progress)."""
    entries = list(os.scandir(folder))
    stale = time.time() - 3600
    for entry in entries:
        if entry.name.startswith(".") and entry.name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                if entry.stat().st_mtime < stale:
                    os.unlink(entry.path)
    files = [entry for entry in entries if entry.name.endswith(".json") and entry.is_file()]
    if len(files) <= KEEP:
        return
    files.sort(key=lambda entry: entry.stat().st_mtime)
    for entry in files[:len(files) - KEEP]:
        with contextlib.suppress(OSError):
            os.unlink(entry.path)


def _same(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are the same plain data, types included (1 is not 1.0 nor True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _plain(node: Lines | None) -> Any:
    """A tree of lines as JSON: [line, keys, item lines, [[key, child] …], raw texts]."""
    if node is None:
        return None
    children = None if node.children is None else [[key, _plain(child)] for key, child in node.children.items()]
    return [node.line, node.keys, None if node.items is None else list(node.items), children, node.raw]


def _all(table: Any, kind: type) -> bool:
    """A JSON object whose every value is a ``kind``."""
    return isinstance(table, dict) and all(type(value) is kind for value in table.values())


def _lines(plain: Any) -> Lines | None:
    """The tree ``_plain`` wrote, rebuilt (a wrong shape raises, and the cache is not used)."""
    if plain is None:
        return None
    line, keys, items, children, raw = plain
    if not isinstance(line, int) or not (keys is None or _all(keys, int)) or not (raw is None or _all(raw, str)):
        raise ValueError("not a tree of lines")
    node = Lines(line, keys is not None)
    node.keys = keys
    node.items = None if items is None else array("l", items)
    node.raw = raw
    if children is not None:
        for key, child in children:
            if not isinstance(key, (str, int)):
                raise ValueError("not a tree of lines")
            built = _lines(child)
            if built is not None:
                node.add_child(key, built)
    return node
