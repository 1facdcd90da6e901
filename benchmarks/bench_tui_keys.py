"""Time a step's keypress to repaint in the TUI: in a real terminal (tmux) and with Pilot.

tmux: cnn-tui opens the scenario in a detached 120×36 session (private tmux server, as
in ``bench_tui_startup.py``); each round waits until the screen is still (two identical
captures 20 ms apart), sends one key with ``tmux send-keys`` and polls ``capture-pane``
every ~2 ms until the status line (the first line: "forward 2/4: pool · loss …") changes.
The time from just before ``send-keys`` to that poll is one press. ``space`` is pressed
over and over (forward, backward, update, next iteration: every kind of step); figures
are given per kind of step (the status line before the press) and over all presses.
A poll costs ~2–4 ms, so figures are good to about that. The same is done first on a
bare Textual app whose first line changes on each space: the floor of the method
(tmux, the pty, Textual's input and output), printed for comparison.

Pilot (headless, a second view): ``CnnTuiApp(load(name)).run_test(size=(120, 36))``;
each press is ``await pilot.press("space")`` then ``await pilot.pause()``. The figure is
the time from the press to the first frame Textual composes (``App._display``, wrapped)
with a new status line (beside it, the frames and the whole-screen layouts per press:
``Screen._refresh_layout`` wrapped, a scroll alone not counted): the app's own work and
Textual's, without a terminal. The wall time of press + pause is printed too; it adds
Pilot's own waits for idle (tens of ms).
The garbage collector is held and freed as the ``cnn-tui`` command does (``tui/startup.py``).
Beside them, the thread's CPU time from the press to that frame, and of the whole press
+ pause (every frame the step drew, Pilot's own work included), which a busy machine
disturbs far less than the wall clock: compare versions by these.

Goals (issue 15, after issue 3's 50 and 150 ms): at most 20 ms on tiny-cnn and 40 ms on the
biggest bundled scenario (``digits``: 1,370 parameters, 1,437 samples), the tmux medians.

Run:  python benchmarks/bench_tui_keys.py [--presses 45] [--scenario NAME ...]
      [--no-tmux] [--no-pilot] [--no-bytecode-cache]

A benchmark, not a test: nothing here asserts speed. ``bench_scale.py`` reuses
``tmux_presses`` and ``pilot_presses``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_tui_startup import (  # noqa: E402
    TmuxServer,
    capture,
    cnn_tui_command,
    footer_line,
    ms,
    start,
    stop,
    tmux,
    use_bytecode_cache,
    wait_for,
)

GOALS = {"tiny-cnn": 0.020, "digits": 0.040}  # issue 15

# the floor of the tmux method: a bare app whose first line changes on each space
BARE_KEYS_APP = '''\
from textual.app import App, ComposeResult
from textual.widgets import Footer, Static


class BareKeys(App):
    BINDINGS = [("space", "step", "step"), ("q", "quit", "quit")]

    def compose(self) -> ComposeResult:
        yield Static("forward 0", id="status")
        yield Static("hello")
        yield Footer()

    def action_step(self) -> None:
        self.n = getattr(self, "n", 0) + 1
        self.query_one("#status", Static).update(f"forward {self.n}")


if __name__ == "__main__":
    BareKeys().run()
'''


def status_of(screen: str) -> str:
    return screen.split("\n", 1)[0]


def kind_of(status: str) -> str:
    """``forward 2/4: pool · …`` → ``forward``."""
    word = status.strip().split(" ", 1)[0] if status.strip() else "?"
    return word.rstrip(":")


def wait_still(session: str, gap: float = 0.02, timeout: float = 10.0) -> str:
    end = time.perf_counter() + timeout
    before = capture(session)
    while True:
        time.sleep(gap)
        now = capture(session)
        if now == before or time.perf_counter() > end:
            return now
        before = now


def tmux_presses(target: str, presses: int, key: str = "space", session: str = "keys",
                 launch_timeout: float = 60.0, command: list[str] | None = None) -> dict[str, list[float]]:
    """Seconds per press of ``key`` in cnn-tui, grouped by the kind of step before it.

    ``command`` runs another program instead (the bare app: the method's floor)."""
    start(session, command or cnn_tui_command(target))
    times: dict[str, list[float]] = defaultdict(list)
    try:
        wait_for(session, lambda s: "quit" in footer_line(s), timeout=launch_timeout)
        for _ in range(presses):
            screen = wait_still(session)
            before = status_of(screen)
            t0 = time.perf_counter()
            tmux("send-keys", "-t", session, key)
            try:
                t1, _ = wait_for(session, lambda s, b=before: status_of(s) != b, timeout=10.0)
            except TimeoutError:
                print(f"  ({key} after '{before.strip()[:40]}' changed nothing in 10 s)", flush=True)
                continue
            times[kind_of(before)].append(t1 - t0)
    finally:
        stop(session)
    return times


async def _pilot(target_or_scenario, presses: int, key: str) -> dict[str, list[float]]:
    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="cnn-tui-bench-state-")  # no journal to restore
    from core.scenario.catalog import load
    from tui.app import CnnTuiApp
    from tui.startup import hold_collector

    hold_collector()  # as the command does: the app frees it after its first frame (tui/startup.py)
    scenario = load(target_or_scenario) if isinstance(target_or_scenario, str) else target_or_scenario
    app = CnnTuiApp(scenario)
    frames: list[tuple[float, float, str]] = []  # (perf_counter, thread CPU, status line) of every frame composed

    def status() -> str:
        return str(app.screen.query_one("#status").content)

    display = app._display

    def timed_display(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None:
            frames.append((time.perf_counter(), time.thread_time(), status()))

    app._display = timed_display  # Textual calls this once a frame is composed
    from textual.screen import Screen

    layouts = [0]  # whole-screen layouts (Screen._refresh_layout, a scroll alone not counted)
    refresh_layout = Screen._refresh_layout

    def counted_layout(self, size=None, scroll: bool = False) -> None:
        if not (scroll and not self._layout_widgets):
            layouts[0] += 1
        refresh_layout(self, size, scroll)

    Screen._refresh_layout = counted_layout
    times: dict[str, list[float]] = defaultdict(list)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        for _ in range(presses):
            before = status()
            kind = kind_of(before)
            frames.clear()
            layouts[0] = 0
            t0, cpu0 = time.perf_counter(), time.thread_time()
            await pilot.press(key)
            await pilot.pause()
            t_pilot = time.perf_counter() - t0
            times[f"{PILOT_ALL_CPU}{kind}"].append(time.thread_time() - cpu0)
            first = next(((t - t0, cpu - cpu0) for t, cpu, text in frames if text != before), None)
            if first is not None:
                times[kind].append(first[0])
                times[f"{PILOT_CPU}{kind}"].append(first[1])
            times[f"{PILOT_WALL}{kind}"].append(t_pilot)
            if frames:
                times[f"{PILOT_FRAMES}{kind}"].append(len(frames))
            times[f"{PILOT_LAYOUTS}{kind}"].append(layouts[0])
    Screen._refresh_layout = refresh_layout
    return times


PILOT_WALL = "pilot wall: "
PILOT_CPU = "pilot cpu: "  # the thread's CPU time from the press to that frame (Pilot's own share included)
PILOT_FRAMES = "pilot frames: "  # frames composed per press
PILOT_ALL_CPU = "pilot all cpu: "  # the thread's CPU time of the whole press + pause (every frame it drew)
PILOT_LAYOUTS = "pilot layouts: "  # whole-screen layouts per press


def pilot_presses(target_or_scenario, presses: int, key: str = "space") -> dict[str, list[float]]:
    """Seconds from each press of ``key`` (Pilot, headless) to the first frame composed with a
    new status line, by kind of step; keys starting with ``PILOT_WALL``: the whole
    ``press`` + ``pause`` (which adds Pilot's own waits for idle)."""
    return asyncio.run(_pilot(target_or_scenario, presses, key))


def report(label: str, times: dict[str, list[float]], goal: float | None) -> None:
    wall = {k[len(PILOT_WALL):]: v for k, v in times.items() if k.startswith(PILOT_WALL)}
    cpu = [t for k, ts in times.items() if k.startswith(PILOT_CPU) for t in ts]
    frames = [n for k, ns in times.items() if k.startswith(PILOT_FRAMES) for n in ns]
    all_cpu = [t for k, ts in times.items() if k.startswith(PILOT_ALL_CPU) for t in ts]
    layouts = [n for k, ns in times.items() if k.startswith(PILOT_LAYOUTS) for n in ns]
    times = {k: v for k, v in times.items()
             if not k.startswith((PILOT_WALL, PILOT_CPU, PILOT_FRAMES, PILOT_ALL_CPU, PILOT_LAYOUTS))}
    every = [t for ts in times.values() for t in ts]
    if not every:
        print(f"  {label}: no presses measured")
        return
    med = statistics.median(every)
    verdict = "" if goal is None else f"  (goal ≤ {ms(goal)}: {'met' if med <= goal else 'MISSED'})"
    parts = ", ".join(f"{kind} {ms(statistics.median(ts))} ×{len(ts)}" for kind, ts in sorted(times.items()))
    print(f"  {label}: median {ms(med)}, max {ms(max(every))} over {len(every)} presses{verdict}")
    print(f"      by step: {parts}")
    if cpu:
        print(f"      CPU time of this thread, press → that frame: median {ms(statistics.median(cpu))} "
              f"(a busy machine stretches the wall clock, much less this); "
              f"frames per press {statistics.mean(frames):.2f}"
              + (f", whole-screen layouts per press {statistics.mean(layouts):.2f}" if layouts else ""))
    if all_cpu:
        print(f"      CPU time of this thread, the whole press (every frame, Pilot's waits included): "
              f"median {ms(statistics.median(all_cpu))}")
    if wall:
        all_wall = [t for ts in wall.values() for t in ts]
        print(f"      Pilot's press + pause wall time: median {ms(statistics.median(all_wall))} "
              "(includes Pilot's waits for idle)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--presses", type=int, default=45)
    parser.add_argument("--scenario", nargs="+", default=["tiny-cnn", "digits"])
    parser.add_argument("--key", default="space")
    parser.add_argument("--no-tmux", action="store_true")
    parser.add_argument("--no-pilot", action="store_true")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE as the environment sets it")
    args = parser.parse_args()

    results: dict[tuple[str, str], dict[str, list[float]]] = {}
    if not args.no_tmux:
        with tempfile.TemporaryDirectory() as tmp, TmuxServer():
            use_bytecode_cache(None if args.no_bytecode_cache else os.path.join(tmp, "pycache"))
            script = os.path.join(tmp, "bare_keys.py")
            with open(script, "w", encoding="utf-8") as handle:
                handle.write(BARE_KEYS_APP)
            print("tmux: bare app …", flush=True)
            results[("bare app", "tmux")] = tmux_presses("", args.presses, "space", "keys-bare",
                                                         command=[sys.executable, script])
            for name in args.scenario:
                print(f"tmux: {name} …", flush=True)
                results[(name, "tmux")] = tmux_presses(name, args.presses, args.key, f"keys-{name}")
    if not args.no_pilot:
        for name in args.scenario:
            print(f"pilot: {name} …", flush=True)
            results[(name, "pilot")] = pilot_presses(name, args.presses, args.key)

    print()
    print(f"'{args.key}' keypress to repaint, 120×36:")
    for (name, how), times in results.items():
        method = "tmux (send-keys → status line changed)" if how == "tmux" else "Pilot (press → frame composed)"
        label = f"{name:<9.9} {method}"
        report(label, times, GOALS.get(name))


if __name__ == "__main__":
    main()
