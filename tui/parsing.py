"""argparse in the interface's language: its own words ("usage: ", "options", its errors).

argparse says its words through ``gettext`` (its module's ``_``), the standard library's way
of translating it; this project's catalogue is ``core.i18n``, so while one of these parsers
is built, parses or writes its help, argparse's ``_`` is this catalogue's ``tr`` for the
words below (any other text passes through unchanged). In English every word is argparse's
own, so English help and errors are exactly argparse's.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final, NoReturn

from core.i18n import mark, tr
from core.text import cells

# argparse's messages that this command can show (the %-placeholders are argparse's own)
WORDS: Final[frozenset[str]] = frozenset({
    mark("usage: "),
    mark("positional arguments"),
    mark("options"),
    mark("show this help message and exit"),
    mark("%(prog)s: error: %(message)s\n"),
    mark("argument %(argument_name)s: %(message)s"),
    mark("the following arguments are required: %s"),
    mark("one of the arguments %s is required"),
    mark("not allowed with argument %s"),
    mark("unrecognized arguments: %s"),
    mark("expected one argument"),
    mark("expected at most one argument"),
    mark("expected at least one argument"),
    mark("invalid choice: %(value)r (choose from %(choices)s)"),
    mark("invalid %(type)s value: %(value)r"),
    mark("ambiguous option: %(option)s could match %(matches)s"),
    mark("ignored explicit argument %r"),
})


def _say(text: Any) -> Any:
    """argparse's ``_``: one of its words in the current language; anything else as it is."""
    return tr(text) if isinstance(text, str) and text in WORDS else text


@contextmanager
def _speaking() -> Iterator[None]:
    words = vars(argparse)  # the module's globals: argparse's functions look ``_`` up there
    before: Callable[[str], str] = words["_"]
    words["_"] = _say
    try:
        yield
    finally:
        words["_"] = before


_TOKEN = re.compile(r"\s+|[^\s]")


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces or between wide characters
    (Chinese has no spaces between words; each of its characters takes two cells)."""
    lines: list[str] = []
    line, used = "", 0
    words: list[str] = []
    for token in _TOKEN.findall(text):  # runs of spaces, else single characters joined into words
        if token.isspace() or cells(token) == 2 or not words or words[-1].isspace() or cells(words[-1][-1]) == 2:
            words.append(token)
        else:
            words[-1] += token
    for word in words:
        if word.isspace():
            word = " "
        size = cells(word)
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = "", 0
            if word == " ":
                continue
        line += word
        used += size
    if line.strip():
        lines.append(line.rstrip())
    return lines


class Formatter(argparse.HelpFormatter):
    """argparse's formatter, its usage's continued lines indented under the first whatever
    the width of the prefix ("用法：" is three characters but six cells), and help wrapped
    by the cells it takes (argparse counts characters)."""

    def format_help(self) -> str:
        """argparse's help; a section title in Chinese ends in Chinese's colon (argparse adds ':')."""
        text = super().format_help()
        for title in (tr("positional arguments"), tr("options")):
            if cells(title) != len(title):
                text = re.sub(rf"(?m)^{re.escape(title)}:$", f"{title}：", text)
        return text

    def _split_lines(self, text: str, width: int) -> list[str]:
        if cells(text) == len(text):
            return super()._split_lines(text, width)
        return wrap_cells(" ".join(text.split()), width)

    def _format_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None) -> str:
        prefix = tr("usage: ") if prefix is None else prefix
        text: str = super()._format_usage(usage, actions, groups, prefix)
        pad = " " * (cells(prefix) - len(prefix))
        if not pad or usage is not None:  # a usage given as text is laid out by its author
            return text
        first, *rest = text.split("\n")
        return "\n".join([first, *(pad + line if line.strip() else line for line in rest)])


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose own words (titles, the usage prefix, -h, errors) are translated.

    Subparsers made with ``add_subparsers().add_parser`` are of this class too (argparse makes
    them of the parent's class).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        with _speaking():
            super().__init__(*args, **kwargs)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        with _speaking():
            return super().parse_known_args(args, namespace)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        """argparse's ``parse_args``, except that arguments a command does not take are
        refused by that command's parser (its usage, "cnn-tui solve: error: …"), not by the
        top-level one, whose usage would list every command."""
        with _speaking():
            parsed, extra = super().parse_known_args(args, namespace)
            if extra:
                self._chosen(parsed).error(_say("unrecognized arguments: %s") % " ".join(extra))
            return parsed

    def _chosen(self, parsed: argparse.Namespace) -> argparse.ArgumentParser:
        """The parser of the command ``parsed`` names (a subparser), else this one."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and action.dest is not argparse.SUPPRESS:
                chosen = action.choices.get(str(getattr(parsed, action.dest, "")))
                if isinstance(chosen, argparse.ArgumentParser):
                    return chosen
        return self

    def format_usage(self) -> str:
        with _speaking():
            return super().format_usage()

    def format_help(self) -> str:
        with _speaking():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        with _speaking():
            super().error(message)
