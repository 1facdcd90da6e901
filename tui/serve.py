"""``cnn-tui serve``: the TUI in browsers, one app process per tab (textual-serve).

textual-serve runs a command for every browser connection; that command is this app
itself, ``python -m tui.cli SCENARIO --root DIR``, so each tab has its own session whose
open and save stay inside DIR and whose exports download in the browser; each tab speaks the
language serve was asked for (``--lang``, passed on when the locale would not give it). The extra is
optional (``pip install 'cnn-tui[serve]'``): without it the command says so in one line.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from core.ascii_text import ascii_mode
from core.errors import CnnTuiError
from core.i18n import language, language_from_environment, mark, tr
from core.os_reason import os_reason
from core.scenario.catalog import bundled_names, resolve
from core.scenario.root import Root
from core.text import quote

# addresses that listen everywhere: textual-serve writes the host into the page's links, and a
# browser elsewhere sent to 0.0.0.0 finds nothing
WILDCARDS = frozenset({"0.0.0.0", "::", "[::]", ""})
MISSING_EXTRA = mark("serving needs textual-serve, the serve extra: pip install 'cnn-tui[serve]'")


def server_class() -> Any:
    """textual-serve's Server; CnnTuiError with the install line when the extra is missing."""
    try:
        from textual_serve.server import Server
    except ImportError:
        raise CnnTuiError(tr(MISSING_EXTRA)) from None
    return Server


def app_command(target: str, root: Root) -> str:
    """The shell command textual-serve runs per tab: this interpreter, this app, the root,
    ``--lang`` when the tab's locale (serve's own) would not speak the language serve speaks,
    and ``--ascii`` when the server was given it."""
    lang = ["--lang", language()] if language() != language_from_environment() else []
    ascii_only = ["--ascii"] if ascii_mode() else []
    return shlex.join([sys.executable, "-m", "tui.cli", target, "--root", str(root.folder), *lang, *ascii_only])


def served_target(scenario: str | None) -> str:
    """The scenario every tab opens: a bundled name as it is, a file as its absolute path
    (the app processes may start in another folder). Checked now: a broken file fails here."""
    from core.scenario.catalog import load

    target = scenario or "tiny-cnn"
    load(target)
    if target in bundled_names() and not Path(target).exists():
        return target
    return str(resolve(target).resolve())


def serve(scenario: str | None, host: str, port: int, root_dir: str | None) -> int:
    """Serve until interrupted; one line says where."""
    if host in WILDCARDS:
        raise CnnTuiError(tr("--host {host}: the page links to the address given, and a browser on another machine "
                             "cannot follow that one: give this machine's address as the students type it "
                             "(for example --host 192.168.1.20)", host=quote(host) or chr(34) * 2))
    server = server_class()
    root = Root(root_dir or ".")
    target = served_target(scenario)
    command = app_command(target, root)
    print("cnn-tui: " + tr("serving {target} at {url} — open and save inside {folder}; ctrl+c stops",
                           target=quote(target), url=f"http://{host}:{port}", folder=root.folder),
          file=sys.stderr, flush=True)
    try:
        server(command, host=host, port=port, title="cnn-tui").serve()
    except OSError as err:
        reason = os_reason(err, tr("the address cannot be used")).lower()
        raise CnnTuiError(tr("could not serve at {address}: {reason}", address=f"{quote(host)}:{port}",
                             reason=reason)) from None
    return 0
