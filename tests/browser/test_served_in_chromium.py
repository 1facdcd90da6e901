"""``cnn-tui serve`` driven from a real Chromium (Playwright): the page loads, F B u show the
worked example's numbers, an export downloads, an open outside the root is refused, and every
tab is its own session.

The terminal in the page is xterm.js drawing on a canvas: its text is read from xterm's own
buffer (textual-serve keeps the terminal in a closure; the page's script is served with one
line added that hands it to the test). Every wait polls the screen's text with a generous
deadline, so a loaded machine is slow, never wrong. Skipped, with the reason, where Chromium,
Playwright or textual-serve is missing (``.ci/run`` installs them).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
pytest.importorskip("textual_serve", reason="the serve extra is not installed (pip install 'cnn-tui[serve]')")

from playwright.sync_api import Browser, Page, Route, sync_playwright  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from core.scenario.catalog import bundled_dir  # noqa: E402

WAIT = 120.0  # seconds: a deadline for what should take one on an idle machine
HOOK = "const t=new w(e,{ping:r});"  # where textual-serve 1.1.3's page makes its terminal
READ_SCREEN = """() => {
  const term = window.__cnnTerminal;
  if (!term) return "";
  const buffer = term.buffer.active, rows = [];
  for (let i = 0; i < term.rows; i++) {
    const line = buffer.getLine(buffer.viewportY + i);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The served folder (empty), and a scenario beside it that no tab may open."""
    base = tmp_path_factory.mktemp("served")
    shutil.copy(bundled_dir() / "tiny-cnn.yaml", base / "secret.yaml")
    (base / "class").mkdir()
    return base / "class"


@pytest.fixture(scope="module")
def server(room: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``cnn-tui serve tiny-cnn --port P --root ROOM`` in its own process group; its URL."""
    yield from serving(room, tmp_path_factory)


def serving(room: Path, tmp_path_factory: pytest.TempPathFactory, *options: str) -> Iterator[str]:
    """The server of ``server`` (with ``options`` given to serve), until the test module ends."""
    port = free_port()
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path_factory.mktemp("state")))  # no journal in the home
    script = shutil.which("cnn-tui", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "tui.cli"]
    process = subprocess.Popen([*command, "serve", "tiny-cnn", "--port", str(port), "--root", str(room), *options],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + WAIT
        while True:
            if process.poll() is not None:
                pytest.fail(f"cnn-tui serve exited: {process.stderr.read().decode() if process.stderr else ''}")
            try:
                with urllib.request.urlopen(url, timeout=5) as page:
                    if page.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("cnn-tui serve did not answer")
            time.sleep(0.5)
        yield url
    finally:  # the server and every app process it started (one per tab)
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def hand_over_the_terminal(route: Route) -> None:
    """Serve textual.js with the terminal kept in ``window.__cnnTerminal`` for READ_SCREEN."""
    response = route.fetch()
    script = response.text()
    assert HOOK in script, "textual-serve's page script changed: update HOOK"
    route.fulfill(response=response, body=script.replace(HOOK, HOOK + "window.__cnnTerminal=t.terminal;"))


@pytest.fixture
def tab(browser: Browser, server: str) -> Iterator[Page]:
    """A new tab (a new session) on the served app, once its first screen shows."""
    yield from opened(browser, server, "forward 1/4")


def opened(browser: Browser, url: str, first: str) -> Iterator[Page]:
    """A tab on ``url`` once its first screen shows ``first``; closed after the test."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(WAIT * 1000)
    page.route("**/fonts.googleapis.com/**", lambda route: route.abort())  # no network on a lab machine
    page.route("**/static/js/textual.js", hand_over_the_terminal)
    page.goto(url)
    wait_for(page, lambda text: first in text and "tiny-cnn" in text)
    page.click("#terminal")  # keys go to the terminal
    yield page
    context.close()


def screen(page: Page) -> str:
    return str(page.evaluate(READ_SCREEN))


def wait_for(page: Page, seen: Callable[[str], bool], what: str = "") -> str:
    """Poll the terminal's text until ``seen`` holds; fail with the last screen after WAIT."""
    deadline = time.monotonic() + WAIT
    while True:
        text = screen(page)
        if seen(text):
            return text
        if time.monotonic() > deadline:
            pytest.fail(f"never showed {what or 'what was awaited'}; the screen:\n{text}")
        time.sleep(0.25)


def press(page: Page, key: str, then: str) -> str:
    page.keyboard.type(key)
    return wait_for(page, lambda text: then in text, then)


def test_the_page_loads_and_F_B_u_show_the_worked_numbers(tab: Page) -> None:
    assert "0.706" not in screen(tab)  # before the forward pass, out is ·
    text = press(tab, "F", "0.706")
    assert "out     0.706✓  0.294✓" in text
    text = press(tab, "B", "−0.294")
    assert "delta  −0.294✓  0.294✓" in text
    text = press(tab, "u", "0.189")
    assert "out.weight[0,0] 0.100 → 0.189" in text


def test_an_export_downloads_in_the_browser(tab: Page, room: Path) -> None:
    press(tab, "n", "iteration 1")
    wait_for(tab, lambda text: "updated" in text, "the iteration's end")
    press(tab, "e", "Export this iteration")
    # enter picks Markdown, the next enter writes the file; a key the app takes while the dialog
    # is not ready yet is dropped (never run as a command), so on a busy machine press again
    download: Any = None
    deadline = time.monotonic() + WAIT
    while download is None:
        assert time.monotonic() < deadline, f"no download; the screen:\n{screen(tab)}"
        try:
            with tab.expect_download(timeout=10_000) as downloading:
                tab.keyboard.press("Enter")
            download = downloading.value
        except PlaywrightTimeout:
            continue
    assert download.suggested_filename == "tiny-cnn-iteration-1.md"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("# tiny-cnn") and "0.706" in text and "0.189" in text
    wait_for(tab, lambda text: "your browser downloads tiny-cnn-iteration-1.md" in text, "the export's message")
    assert list(room.iterdir()) == []  # nothing written on the server


def test_an_open_outside_the_root_is_refused(tab: Page, room: Path) -> None:
    press(tab, "F", "0.706")
    press(tab, "o", "Open a scenario")
    tab.keyboard.type("../secret.yaml")
    tab.keyboard.press("Enter")
    text = wait_for(tab, lambda text: "outside the folder this session may use" in text, "the refusal")
    assert "../secret.yaml is outside the folder" in text
    tab.keyboard.press("Escape")
    text = wait_for(tab, lambda text: "open cancelled" in text, "the dialog closing")
    assert "out     0.706✓" in text  # the session is as it was


def test_every_tab_is_its_own_session(tab: Page, browser: Browser, server: str) -> None:
    press(tab, "F", "0.706")
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    other = context.new_page()
    other.set_default_timeout(WAIT * 1000)
    other.route("**/fonts.googleapis.com/**", lambda route: route.abort())
    other.route("**/static/js/textual.js", hand_over_the_terminal)
    other.goto(server)
    text = wait_for(other, lambda text: "forward 1/4" in text, "the second tab's first screen")
    assert "0.706" not in text  # a fresh session: the first tab's forward pass is not here
    context.close()


@pytest.fixture(scope="module")
def chinese_server(room: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``cnn-tui serve … --lang zh --ascii``: a class in Chinese on a font that draws δ wide."""
    yield from serving(room, tmp_path_factory, "--lang", "zh", "--ascii")


def test_a_tab_speaks_chinese_in_ascii_with_the_same_numbers(browser: Browser, chinese_server: str) -> None:
    for page in opened(browser, chinese_server, "正向 1/4"):
        text = screen(page)
        assert "f 正向" in text and "? 帮助" in text and "╭" not in text
        text = press(page, "F", "0.706")
        assert "out     0.706+  0.294+" in text and "正向传播" in text
        text = press(page, "B", "-0.294")
        assert "delta  -0.294+  0.294+" in text
        text = press(page, "u", "0.189")
        assert "out.weight[0,0] 0.100 -> 0.189" in text and "已更新" in text
