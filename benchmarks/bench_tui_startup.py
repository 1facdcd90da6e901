"""Time launch to first frame of the TUI in a real terminal (tmux) against a bare Textual app.

Each run starts the program in a fresh detached tmux session of 120×36 (on a private
tmux server, ``tmux -L cnn-tui-bench``, kept alive by an idle session so that starting
the server is not timed) and polls ``tmux capture-pane -p`` every ~2 ms until a marker
appears; the time from just before ``tmux new-session`` to that poll is recorded.

- cnn-tui (``cnn-tui tiny-cnn`` by default): first frame = the Footer's "quit" label is
  on screen (the Footer is drawn in the same frame as the panels); the time until the
  status line ("forward 1/4") shows is printed too.
- bare: a small script written to a temp file at run time, ``App`` with ``Header``,
  ``Static("hello")`` and ``Footer``, run by the same Python: first frame = "hello"
  and the Footer's "palette" both on screen.

Runs alternate between the two, so a busy machine slows both alike. Goal: cnn-tui / bare
≤ 1.3 (medians; issue 15, after issue 3's 1.5).

Run:  python benchmarks/bench_tui_startup.py [--runs 7] [--scenario tiny-cnn] [--cpu | --instructions]

``--cpu`` (no tmux): each program runs headless (``App.run(headless=True)``, 120×36) and
prints the CPU time of its process from its start to its first composed frame, then
exits; the medians and their ratio are printed. On a busy machine the wall clock of the
tmux runs stretches with the load, CPU time much less: use it to compare two versions.

``--instructions`` (no tmux; needs valgrind): the same headless launches, each run under
``valgrind --tool=callgrind``, counting the instructions the process executes to its
first frame (with PYTHONHASHSEED=0). The count hardly moves with the machine's load (CPU
time still does, by 10-30 % at a load of 4 on 2 CPUs), so two versions can be compared to
a fraction of a percent; ~30 s a launch. Instructions are not time: a cache miss costs
more than an add, so the ratio differs from the CPU-time one (2.0 against 1.7 here).

Bytecode: this machine sets PYTHONDONTWRITEBYTECODE=1, which makes every launch compile
the project's own modules from source (~50 ms) while Textual's load from pip's .pyc files.
By default both programs therefore run with that variable removed and a bytecode cache in
a temp folder (an installed app has its .pyc files); ``--no-bytecode-cache`` measures the
environment as it is.

A benchmark, not a test: nothing here asserts speed. ``bench_tui_keys.py`` and
``bench_scale.py`` reuse the tmux helpers below.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

# another server name (CNN_TUI_BENCH_SOCKET) lets two runs share a machine without killing each other's
GOAL = 1.3  # issue 15: launch to first frame against the bare app, medians
SOCKET = os.environ.get("CNN_TUI_BENCH_SOCKET", "cnn-tui-bench")
WIDTH, HEIGHT = 120, 36

BARE_APP = '''\
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("hello")
        yield Footer()


if __name__ == "__main__":
    Bare().run()
'''


# --cpu: the process's CPU time from its start to the first frame Textual composes, headless
CPU_DRIVER = '''\
import os, sys, time
from textual.app import App

def _display(self, screen, renderable, _display=App._display):
    _display(self, screen, renderable)
    if renderable is not None:
        print(f"{time.process_time():.6f}", file=sys.__stderr__, flush=True)
        os._exit(0)

App._display = _display
_run = App.run
App.run = lambda self, *a, **k: _run(self, *a, **{**k, "headless": True, "size": (120, 36)})
if sys.argv[1] == "--bare":
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("hello")
            yield Footer()

    Bare().run()
else:
    from tui.cli import main
    main(sys.argv[1:])
'''


def cpu_to_first_frame(driver: str, target: str, state: str, instructions: bool = False) -> float:
    """CPU seconds of one headless launch (``--bare``: the bare app) to its first frame;
    ``instructions``: the instructions it executed to there, counted by callgrind."""
    env = {**os.environ, "XDG_STATE_HOME": tempfile.mkdtemp(dir=state)}
    if ENV_PREFIX:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = ENV_PREFIX[-1].split("=", 1)[1]
    command = [sys.executable, driver, target]
    if instructions:
        env["PYTHONHASHSEED"] = "0"  # the same dict layouts every launch
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600 if instructions else 60)
    if instructions:  # valgrind's summary: "==PID== Collected : N"
        return float(next(line.split()[-1] for line in done.stderr.splitlines() if "Collected :" in line))
    return float(done.stderr.strip().splitlines()[-1])


def cpu_main(args: argparse.Namespace) -> None:
    """``--cpu`` and ``--instructions``: headless launches, bare and cnn-tui in turn."""
    counting = args.instructions
    if counting and shutil.which("valgrind") is None:
        sys.exit("--instructions needs valgrind (apt-get install valgrind)")
    show = (lambda n: f"{n / 1e6:,.0f} M instructions") if counting else (lambda t: f"{ms(t)} CPU")
    with tempfile.TemporaryDirectory() as tmp:
        use_bytecode_cache(None if args.no_bytecode_cache else os.path.join(tmp, "pycache"))
        driver = os.path.join(tmp, "cpu_driver.py")
        with open(driver, "w", encoding="utf-8") as handle:
            handle.write(CPU_DRIVER)
        cpu_to_first_frame(driver, "--bare", tmp)  # untimed: fills the bytecode cache
        cpu_to_first_frame(driver, args.scenario, tmp)
        bare, app = [], []
        for run in range(args.runs):
            bare.append(cpu_to_first_frame(driver, "--bare", tmp, counting))
            app.append(cpu_to_first_frame(driver, args.scenario, tmp, counting))
            print(f"run {run + 1}/{args.runs}: bare {show(bare[-1])}, cnn-tui {show(app[-1])}", flush=True)
    m_bare, m_app = statistics.median(bare), statistics.median(app)
    print()
    what = "instructions" if counting else "CPU time"
    print(f"{what} to the first frame, headless 120×36, median of {args.runs}")
    print(f"  bare Textual app (Header, Static, Footer)  {show(m_bare)}")
    print(f"  cnn-tui {args.scenario:<34} {show(m_app)}")
    print(f"  ratio cnn-tui / bare = {m_app / m_bare:.2f}  ({what}; the goal is set on the tmux wall clock)")


def tmux(*args: str, check: bool = True) -> str:
    """Run a tmux command on the benchmark's private server; its standard output."""
    done = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def capture(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session, check=False)


class TmuxServer:
    """The private tmux server, with an idle session that keeps it running between runs."""

    def __enter__(self) -> TmuxServer:
        if shutil.which("tmux") is None:
            sys.exit("tmux is not installed")
        tmux("kill-server", check=False)
        tmux("new-session", "-d", "-s", "keepalive", "-x", "80", "-y", "24", "sleep 100000")
        # a program that crashes leaves its traceback on screen, for the timeout message
        tmux("set-option", "-g", "remain-on-exit", "on")
        return self

    def __exit__(self, *exc: object) -> None:
        tmux("kill-server", check=False)
        while STATE_DIRS:
            shutil.rmtree(STATE_DIRS.pop(), ignore_errors=True)


STATE_DIRS: list[str] = []  # the runs' state folders, removed with the server

# Set by ``use_bytecode_cache``: how every timed program is started (see the module docstring).
ENV_PREFIX: list[str] = []


def use_bytecode_cache(folder: str | None) -> None:
    """Run programs with compiled bytecode cached in ``folder``, as an installed app would be.

    This machine sets PYTHONDONTWRITEBYTECODE=1, so the project's modules (an editable
    install) would be compiled from source at every launch, while Textual's come from the
    .pyc files pip wrote. With a folder, each program runs with that variable removed and
    PYTHONPYCACHEPREFIX pointing at the folder (outside the project tree); the untimed
    warm-up launch fills it. ``None`` runs programs in the environment as it is.
    """
    ENV_PREFIX.clear()
    if folder is not None:
        ENV_PREFIX.extend(["env", "-u", "PYTHONDONTWRITEBYTECODE", f"PYTHONPYCACHEPREFIX={folder}"])


def start(session: str, command: list[str]) -> float:
    """Start ``command`` in a new detached session; the perf_counter just before.

    Each run gets a state folder of its own (``XDG_STATE_HOME``): a run ended by killing its
    session leaves a recovery journal, and the next launch would open on the restore dialog."""
    state = tempfile.mkdtemp(prefix="cnn-tui-bench-state-")
    STATE_DIRS.append(state)
    line = " ".join(_quote(c) for c in ["env", f"XDG_STATE_HOME={state}", *ENV_PREFIX, *command])
    t0 = time.perf_counter()
    tmux("new-session", "-d", "-s", session, "-x", str(WIDTH), "-y", str(HEIGHT), line)
    return t0


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def wait_for(session: str, ready: Callable[[str], bool], timeout: float = 30.0,
             interval: float = 0.002) -> tuple[float, str]:
    """Poll the pane until ``ready(screen)``; (perf_counter of that poll, screen)."""
    end = time.perf_counter() + timeout
    while True:
        screen = capture(session)
        now = time.perf_counter()
        if ready(screen):
            return now, screen
        if now > end:
            raise TimeoutError(f"session {session}: marker not seen in {timeout:.0f} s; "
                               f"screen:\n{screen}")
        time.sleep(interval)


def stop(session: str) -> None:
    tmux("kill-session", "-t", session, check=False)


def cnn_tui_command(target: str) -> list[str]:
    exe = shutil.which("cnn-tui") or os.path.join(os.path.dirname(sys.executable), "cnn-tui")
    return [exe, target]


def footer_line(screen: str) -> str:
    lines = screen.rstrip("\n").split("\n")
    return lines[-1] if lines else ""


def time_cnn_tui(target: str, session: str, marker: Callable[[str], bool] | None = None,
                 timeout: float = 30.0) -> tuple[float, float]:
    """(s to the Footer's "quit", s to the status line) for one launch of cnn-tui."""
    t0 = start(session, cnn_tui_command(target))
    try:
        t_first, screen = wait_for(session, marker or (lambda s: "quit" in footer_line(s)), timeout)
        t_status, _ = wait_for(session, lambda s: " · " in s.split("\n", 1)[0], timeout)
    finally:
        stop(session)
    return t_first - t0, t_status - t0


def time_bare(script: str, session: str) -> float:
    t0 = start(session, [sys.executable, script])
    try:
        t1, _ = wait_for(session, lambda s: "hello" in s and "palette" in footer_line(s))
    finally:
        stop(session)
    return t1 - t0


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.0f} ms"


def timed(fn, repeat: int) -> float:
    """The median wall time of ``repeat`` calls of ``fn`` (shared by bench_deep and bench_scale)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scenario", default="tiny-cnn")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE as the environment sets it")
    parser.add_argument("--cpu", action="store_true",
                        help="headless, no tmux: CPU time to the first frame (steadier on a busy machine)")
    parser.add_argument("--instructions", action="store_true",
                        help="headless, no tmux: instructions to the first frame, counted by valgrind (steadiest)")
    args = parser.parse_args()
    if args.cpu or args.instructions:
        cpu_main(args)
        return

    with tempfile.TemporaryDirectory() as tmp, TmuxServer():
        use_bytecode_cache(None if args.no_bytecode_cache else os.path.join(tmp, "pycache"))
        script = os.path.join(tmp, "bare_app.py")
        with open(script, "w", encoding="utf-8") as handle:
            handle.write(BARE_APP)
        # one untimed launch of each warms the file cache (imports, .pyc)
        time_bare(script, "warm-bare")
        time_cnn_tui(args.scenario, "warm-app")
        bare, first, status = [], [], []
        for run in range(args.runs):
            bare.append(time_bare(script, f"bare{run}"))
            f, s = time_cnn_tui(args.scenario, f"app{run}")
            first.append(f)
            status.append(s)
            print(f"run {run + 1}/{args.runs}: bare {ms(bare[-1])}, cnn-tui {ms(f)} "
                  f"(status line {ms(s)})", flush=True)

    m_bare, m_first, m_status = (statistics.median(v) for v in (bare, first, status))
    ratio = m_first / m_bare
    print()
    cache = "none (as the environment is)" if args.no_bytecode_cache else "cached .pyc"
    print(f"launch to first frame in tmux {WIDTH}×{HEIGHT}, median of {args.runs}; bytecode: {cache}")
    print(f"  bare Textual app (Header, Static, Footer)  {ms(m_bare)}")
    print(f"  cnn-tui {args.scenario:<34} {ms(m_first)}   (status line drawn: {ms(m_status)})")
    print(f"  ratio cnn-tui / bare = {ratio:.2f}  (goal ≤ {GOAL}: {'met' if ratio <= GOAL else 'MISSED'})")


if __name__ == "__main__":
    main()
