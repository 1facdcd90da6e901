"""The cnn-tui application: the whole network on one screen, stepped one number at a time.

The Stepper (``core``) owns all state and all maths; this app only calls it, shows its
values and explains them. Errors from the engine are shown as one-line messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from textual.app import App, ComposeResult, SystemCommand
from textual.containers import HorizontalScroll, Vertical
from textual.events import Key
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from core.engine.scenario import Scenario
from core.engine.stepper import Stepper
from core.errors import CnnTuiError
from core.numbers import fmt, parse_number
from core.scenario.catalog import bundled_dir
from tui.bindings import APP_BINDINGS, KEY_ACTIONS, KEYS
from tui.heat_train_tools import HeatTrainTools
from tui.recovery import Recovery
from tui.study_tools import StudyTools
from tui.widgets.derivation_view import DerivationView
from tui.widgets.heatmap_view import heat_blocks, wants_heatmap
from tui.widgets.key_bar import KeyBar
from tui.widgets.layer_panel import CellEditor, EditCancelled, LayerPanel
from tui.widgets.layer_rows import LOSS, panel_keys, panel_rows, panel_title
from tui.widgets.loss_chart import TrainPanel
from tui.widgets.status_line import MessageLine, StatusLine
from tui.widgets.value_grid import ValueGrid

MAX_DECIMALS = 10


class CnnTuiApp(StudyTools, HeatTrainTools, App[int]):
    """Step through backpropagation of a small CNN."""

    CSS_PATH = "app.tcss"
    TITLE = "cnn-tui"
    BINDINGS = APP_BINDINGS

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.stepper = Stepper(scenario)
        self.decimals = scenario.decimals
        self.full_precision = False
        self.show_steps = False
        self.selected: str | None = None
        self.fresh: set[str] = set()
        self.recovery = Recovery(self)  # journals the session; offers to restore a crashed one

    # --- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")
        with HorizontalScroll(id="panels", can_focus=False):  # focus goes to the grids
            yield from self._make_panels()
        yield TrainPanel()
        yield DerivationView()
        yield MessageLine(id="message")
        yield KeyBar(id="keys")

    def _make_panels(self) -> list[Widget]:
        """One panel per layer, left to right; the loss sits under the output layer, so a
        small network fits 120 columns."""
        panels = [LayerPanel(key, panel_title(self.stepper, key)) for key in panel_keys(self.stepper)]
        for panel in panels:
            panel.set_mode("heatmap" if wants_heatmap(self.stepper, panel.key) else "numbers")
        return [*panels[:-2], Vertical(*panels[-2:], classes="panel-column")]

    def on_mount(self) -> None:
        self.refresh_view()
        first = self.panels[0].view
        first.focus()
        if self.selected is None and first.selected_name:  # its derivation is in the first frame
            self.selected = first.selected_name
            self.show_derivation()
        self.say(f"{self.stepper.scenario.name}: press f to step forward one layer, space for whatever "
                 "comes next, ? for help")

    @property
    def panels(self) -> list[LayerPanel]:
        return list(self.query_one("#panels").query(LayerPanel))

    def panel(self, key: str) -> LayerPanel:
        return self.query_one(f"#panel-{key}", LayerPanel)

    def refresh_view(self) -> None:
        """Redraw every panel, the status line and the derivation from the stepper."""
        hidden, asked = self.quiz_hidden()
        quiz_panel = self._quiz_panel()
        next_panel = quiz_panel or self._next_panel()
        for panel in self.panels:
            panel.set_rows(panel_rows(self.stepper, panel.key, self.decimals, self.fresh, hidden, asked))
            if panel.mode == "heatmap":
                panel.set_blocks(heat_blocks(self.stepper, panel.key, self.fresh, hidden))
            is_next = panel.key == next_panel
            subtitle = ("quiz: ? below" if quiz_panel else f"next: {self._next_key()}") if is_next else ""
            if panel.border_subtitle != subtitle:
                panel.border_subtitle = subtitle

        self.query_one(StatusLine).show(self.stepper, self.decimals, **self.quiz_status())
        self.show_derivation()
        self._refresh_keys()
        self.recovery.after_change()  # every change is shown through here: journal it

    def _refresh_keys(self) -> None:
        """Redraw the key bar only when the set of keys that apply has changed."""
        states = tuple(bool(self.check_action(action, ())) for _k, action, *_ in KEYS)
        if states != getattr(self, "_key_states", None):
            self._key_states = states
            self.refresh_bindings()

    def _next_panel(self) -> str | None:
        ph = self.stepper.phase()
        if ph.stage == "forward" and "loss" not in self.stepper.state.values and \
                f"{ph.layer}.out" in self.stepper.state.values:
            return LOSS
        return ph.layer

    def _quiz_panel(self) -> str | None:
        """During a quiz, the panel of the value asked now (the stepper is already past it)."""
        current = self.quiz.current if self.quiz is not None else None
        if current is None:
            return None
        head = current.split("[")[0]
        return head.split(".")[0] if "." in head else (LOSS if head == "loss" else None)

    def _next_key(self) -> str:
        return {"forward": "f", "backward": "b", "update": "u", "done": "f"}[self.stepper.phase().stage]

    def show_derivation(self) -> None:
        view = self.query_one(DerivationView)
        view.show(self.stepper, self.selected, self.decimals, self.full_precision, self.show_steps,
                  self.note_for(self.selected))
        self.quiz_derivation(view)

    def say(self, text: str, error: bool = False) -> None:
        """The one-line outcome of the last command (errors in the error style)."""
        self.query_one(MessageLine).say(text, error)
        if error:
            self.bell()

    # --- keys that do not apply now ----------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.quiz is not None and action in KEY_ACTIONS.values():
            from tui.study_tools import QUIZ_KEYS

            return action in QUIZ_KEYS
        if self.training_blocks(action, say=False):
            return False
        stage = self.stepper.phase().stage
        rules = {
            "step_forward": stage in ("forward", "done"),
            "forward_all": stage in ("forward", "done"),
            "step_backward": stage == "backward",
            "backward_all": stage == "backward",
            "update": stage == "update",
            "undo": self.stepper.can_undo,
            "stop_training": self.training,
        }
        return rules.get(action, True)

    def on_key(self, event: Key) -> None:
        """A key hidden because it does not apply now: say why instead of doing nothing."""
        if len(self.screen_stack) > 1 or isinstance(self.focused, Input):
            return
        action = KEY_ACTIONS.get(event.key)
        if action and self.quiz_blocks(action):
            event.stop()
            return
        if action and self.training_blocks(action):
            event.stop()
            return
        if action and not self.check_action(action, ()):
            event.stop()
            getattr(self, f"action_{action}")()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for keys, action, _label, _shown, text in KEYS:
            from tui.bindings import key_label

            title = text[0].upper() + text[1:]
            yield SystemCommand(f"{title} ({key_label(keys)})", text, partial(self._palette, action))

    def _palette(self, action: str) -> None:
        if self.quiz_blocks(action):
            return
        if self.training_blocks(action):
            return
        result = getattr(self, f"action_{action}")()
        if result is not None and hasattr(result, "__await__"):
            self.run_worker(result)

    # --- stepping -------------------------------------------------------------------
    def _step(self, run: Callable[[], str], follow: bool = False) -> None:
        st = self.stepper
        before = st.phase()
        values = dict(st.state.values)
        params = {layer: dict(p) for layer, p in st.params.items()}
        try:
            done = run()
        except CnnTuiError as err:
            self.say(str(err), error=True)
            return
        fresh = {k for k, v in st.state.values.items() if values.get(k) is not v}
        fresh |= {f"{layer}.{kind}" for layer, ps in st.params.items() for kind, arr in ps.items()
                  if params.get(layer, {}).get(kind) is not arr}
        self.fresh = fresh
        if follow:
            self._follow(before)
        self.refresh_view()
        self.say(self._outcome(done, fresh))

    def _outcome(self, done: str, fresh: set[str]) -> str:
        ph = self.stepper.phase()
        if done == "update":
            return self._update_outcome()
        shown = sorted(k for k in fresh if k not in ("input", "target"))
        what = ", ".join(shown[:4]) + (f" and {len(shown) - 4} more" if len(shown) > 4 else "")
        nxt = {"forward": "f", "backward": "b", "update": "u", "done": "f or space: next iteration"}[ph.stage]
        return f"{done}: computed {what or 'nothing new'} · next: {ph.describe()} ({nxt})"

    def _update_outcome(self) -> str:
        """``updated 18 of 26 parameters: out.weight[0,0] 0.100 → 0.189 …`` (old → new)."""
        changed, total = self.stepper.update_changes()
        example = ""
        if changed:
            name = changed[0]
            new = name.replace(".weight", ".new_weight", 1).replace(".bias", ".new_bias", 1)
            example = (f"{name} {fmt(self.stepper.value(name), self.decimals)} → "
                       f"{fmt(self.stepper.value(new), self.decimals)}")
        return f"updated {len(changed)} of {total} parameters (new_w, new_b): {example} · f or space: next iteration"

    def _follow(self, before) -> None:
        """After a single step, select the value it produced so its derivation shows."""
        st = self.stepper
        name = None
        if before.stage in ("forward", "done"):
            layer = st.network.layers[before.step - 1 if before.stage == "forward" else 0].name
            name = "loss" if st.has("loss") and before.step == len(st.network.layers) else f"{layer}.out"
        elif before.stage == "backward":
            layer = st.network.layer(before.layer)
            name = f"{before.layer}.{'delta' if layer.has_params else 'grad_out'}"
        elif before.stage == "update" and self.selected and "." in self.selected:
            layer_name, _, rest = self.selected.partition(".")
            if rest.startswith(("weight", "bias")):
                name = f"{layer_name}.new_{rest}"
        if name:
            self.select(name)

    def action_step_forward(self) -> None:
        self._step(self.stepper.step_forward, follow=True)

    def action_forward_all(self) -> None:
        self._step(self.stepper.forward_all)

    def action_step_backward(self) -> None:
        self._step(self.stepper.step_backward, follow=True)

    def action_backward_all(self) -> None:
        self._step(self.stepper.backward_all)

    def action_update(self) -> None:
        self._step(self.stepper.update, follow=True)

    def action_step_next(self) -> None:
        self._step(self.stepper.step_next, follow=True)

    def action_run_iteration(self) -> None:
        self._step(self.stepper.run_iteration)

    def action_undo(self) -> None:
        try:
            label = self.stepper.undo()
        except CnnTuiError as err:
            self.say(str(err), error=True)
            return
        self.fresh = set()
        self.refresh_view()
        self.say(f"undid {label} · next: {self.stepper.phase().describe()}")

    def action_reset(self) -> None:
        def reset() -> None:
            self.stepper.reset()
            self.fresh = set()
            self.refresh_view()
            self.say("reset to the scenario as loaded (z undoes the reset)")

        self._confirm_if_edited("Reset to the scenario as loaded? Your edits and steps are undoable with z.",
                                reset)

    # --- selection and derivation ------------------------------------------------------
    def select(self, name: str) -> None:
        """Move the cursor (and focus) to a quantity wherever it is shown."""
        for panel in self.panels:
            if panel.view.select(name):
                panel.view.focus()
                self.selected = panel.view.selected_name
                self.show_derivation()
                return

    def on_value_grid_value_selected(self, message: ValueGrid.ValueSelected) -> None:
        if message.name != self.selected:
            self.selected = message.name
            self.show_derivation()

    def on_value_grid_edge_reached(self, message: ValueGrid.EdgeReached) -> None:
        grids = [p.view for p in self.panels]
        i = grids.index(message.grid) + message.direction
        if 0 <= i < len(grids):
            grids[i].enter_from(message.direction, message.grid.cursor[0])

    def action_more_decimals(self) -> None:
        self._set_decimals(self.decimals + 1)

    def action_fewer_decimals(self) -> None:
        self._set_decimals(self.decimals - 1)

    def _set_decimals(self, decimals: int) -> None:
        if not 0 <= decimals <= MAX_DECIMALS:
            self.say(f"display precision stays between 0 and {MAX_DECIMALS} decimals", error=True)
            return
        self.decimals = decimals
        rounding = self.reapply_hand_rounding()
        self.refresh_view()
        self.say(f"showing {decimals} decimals{rounding}")

    def action_full_precision(self) -> None:
        self.full_precision = not self.full_precision
        self.show_derivation()
        self.say("derivation in full precision" if self.full_precision
                 else f"derivation at {self.decimals} decimals")

    def action_scroll_derivation(self, direction: int) -> None:
        """Page through a derivation taller than its panel (the panel itself takes no focus)."""
        view = self.query_one(DerivationView)
        if direction > 0:
            view.scroll_page_down(animate=False)
        else:
            view.scroll_page_up(animate=False)

    def action_jacobian(self) -> None:
        name = self.selected or ""
        try:
            from core.explain.explainer import explain

            steps = explain(self.stepper, name, self.decimals).steps if name else ()
        except CnnTuiError:
            steps = ()
        if not steps:
            self.say("the Jacobian steps belong to the output delta of softmax + cross-entropy: select "
                     "its delta (after the first backward step) and press j", error=True)
            return
        self.show_steps = not self.show_steps
        self.show_derivation()

    def action_next_mismatch(self) -> None:
        from core.learner.checks import run_checks

        bad = [c.name for c in run_checks(self.stepper, self.stepper.scenario.expected) if not c.ok]
        if not bad:
            self.say("no expected value computed so far is marked ✗")
            return
        after = bad.index(self.selected) + 1 if self.selected in bad else 0
        self.select(bad[after % len(bad)])
        self.say(f"{len(bad)} expected value{'s' if len(bad) != 1 else ''} marked ✗ so far (X: next)")

    # --- editing --------------------------------------------------------------------
    def on_value_grid_edit_requested(self, message: ValueGrid.EditRequested) -> None:
        cell = message.grid.selected_cell
        if cell is None or self.quiz_blocks("edit") or self.training_blocks("edit"):
            return
        if not cell.editable:
            self.say(f"{cell.name} is computed, not given: only weights, biases, inputs and targets can be "
                     "edited", error=True)
            return
        panel = message.grid.parent
        assert isinstance(panel, LayerPanel)
        panel.start_edit(cell.name, fmt(self.stepper.value(cell.name), None))
        self.say(f"editing {cell.name}: type a number, enter to commit, escape to cancel")

    def on_input_submitted(self, message: Input.Submitted) -> None:
        editor = message.input
        if type(editor) is not CellEditor:  # the quiz box and my-answer editor: StudyTools
            return
        message.stop()
        name = editor.quantity
        try:
            value = parse_number(message.value)
            before = self.stepper.value(name)
            cleared = self.stepper.edit(name, value)
        except (ValueError, CnnTuiError) as err:
            self.say(f"{name} not changed: {err}", error=True)
            return
        panel = editor.parent
        editor.remove()
        if isinstance(panel, LayerPanel):
            panel.view.focus()
        self.fresh = {name}
        self.refresh_view()
        self.say(f"{name}: {fmt(before, self.decimals)} → {fmt(value, self.decimals)}; {cleared}")

    def on_edit_cancelled(self, message: EditCancelled) -> None:
        self.say(f"edit of {message.quantity} cancelled")

    # --- files ------------------------------------------------------------------------
    def _confirm_if_edited(self, question: str, then: Callable[[], None], always: bool = False) -> None:
        if not (self.stepper.edited or always):
            then()
            return
        from tui.screens.confirm_screen import ConfirmScreen

        self.push_screen(ConfirmScreen(question), lambda ok: then() if ok else self.say("cancelled"))

    def action_open(self) -> None:
        def open_modal() -> None:
            from tui.screens.open_screen import OpenScreen

            start = self.stepper.scenario.path
            self.push_screen(OpenScreen(start.parent if start and not _bundled(start) else Path.cwd()),
                             self._opened)

        self._confirm_if_edited("You have unsaved edits. Open another scenario anyway?", open_modal)

    def _opened(self, scenario: Scenario | None) -> None:
        if scenario is None:
            self.say("open cancelled")
            return
        self.call_later(self.load_scenario, scenario)

    async def load_scenario(self, scenario: Scenario) -> None:
        """Replace the session with a freshly loaded scenario."""
        self.stepper = Stepper(scenario)
        self.decimals = scenario.decimals
        self.selected = None
        self.fresh = set()
        self.show_steps = False
        container = self.query_one("#panels")
        await container.remove_children()
        await container.mount_all(self._make_panels())
        self._after_open()

    def _after_open(self) -> None:
        self.refresh_view()
        self.panels[0].view.focus()
        self.say(f"opened {self.stepper.scenario.name} ({self.stepper.scenario.path})")

    def action_save(self) -> None:
        path = self.stepper.scenario.path
        if path is None or _bundled(path):
            self.action_save_as(why="bundled scenarios are read-only: choose where to save a copy")
            return
        self.save_to(path)

    def action_save_as(self, why: str = "") -> None:
        from tui.screens.save_screen import SaveScreen

        path = self.stepper.scenario.path
        default = str(path) if path and not _bundled(path) else str(Path.cwd() / f"{_stem(path)}.yaml")
        self.push_screen(SaveScreen(default, why), self._save_chosen)

    def _save_chosen(self, target: str | None) -> None:
        if not target:
            self.say("save cancelled")
            return
        path = Path(target).expanduser()
        current = self.stepper.scenario.path
        if path.exists() and (current is None or path.resolve() != current.resolve()):
            self._confirm_if_edited(f"{path} exists. Overwrite it?", lambda: self.save_to(path), always=True)
            return
        self.save_to(path)

    def save_to(self, path: Path) -> None:
        """Save the current parameters and samples; errors are shown, nothing half-written."""
        from core.scenario.save import save_scenario

        try:
            saved = save_scenario(self.stepper.current_scenario(), path)
        except CnnTuiError as err:
            self.say(f"not saved: {err}", error=True)
            return
        self.stepper.scenario.path = saved
        self.stepper.mark_saved()
        self.refresh_view()
        self.say(f"saved to {saved}")

    # --- help and quit ----------------------------------------------------------------
    def action_help(self) -> None:
        from tui.screens.help_screen import HelpScreen

        self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        self._confirm_if_edited("You have unsaved edits. Quit anyway?",
                                lambda: (self.recovery.forget(), self.exit(0)))

    def on_unmount(self) -> None:
        self.recovery.close()  # ended without a clean quit: the journal stays for the next launch


def _bundled(path: Path) -> bool:
    try:
        return path.resolve().parent == bundled_dir().resolve()
    except OSError:
        return False


def _stem(path: Path | None) -> str:
    return path.stem if path else "scenario"
