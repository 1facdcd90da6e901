"""The main screen: the whole network, stepped one number at a time.

It owns the stepping view (status line, one panel per layer, the training panel, the
derivation, the message line and the key bar) and the session's shared state (the
stepper, the selection, the decimals, which values are fresh). Everything else is a
feature (``tui/features/``) that owns its keys: every key of ``tui.bindings.KEYS`` is
bound to ``key('<action>')``, which runs the action on the feature that lists it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.events import Key, Resize, ScreenResume
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import Worker

from core.engine.quantities import parse_name
from core.engine.scenario import Scenario
from core.engine.stepper import Stepper
from core.errors import CnnTuiError
from core.i18n import tr
from tui.bindings import GLOBAL_ACTIONS, KEY_ACTIONS, SCREEN_BINDINGS, key_for
from tui.features.base import Feature
from tui.features.design import DesignFeature
from tui.features.editing import EditFeature
from tui.features.exercise import ExerciseFeature
from tui.features.files import FilesFeature
from tui.features.heatmaps import HeatmapFeature
from tui.features.messages import MessagesFeature
from tui.features.quiz import QuizFeature
from tui.features.samples import SamplesFeature
from tui.features.stepping import SteppingFeature
from tui.features.story import StoryFeature
from tui.features.study import StudyFeature
from tui.features.tracing import TraceFeature
from tui.features.training import TrainingFeature
from tui.features.view import ViewFeature
from tui.host import Result, StepHost
from tui.problem import problem
from tui.recovery import Recovery
from tui.typeahead import TypeAhead
from tui.widgets.bars.key_bar import KeyBar
from tui.widgets.bars.message_line import MessageLine
from tui.widgets.bars.status_line import StatusLine
from tui.widgets.derivation.derivation_view import DerivationView
from tui.widgets.heatmap.blocks import heat_blocks, wants_heatmap
from tui.widgets.intro.intro_panel import IntroPanel
from tui.widgets.panels.layer_panel import LayerPanel
from tui.widgets.panels.layer_rows import (
    INPUT,
    LOSS,
    panel_keys,
    panel_rows,
    panel_sources,
    panel_title,
    same_sources,
)
from tui.widgets.panels.panel_row import PanelColumn, PanelRow
from tui.widgets.panels.panel_window import window_keys, window_start
from tui.widgets.panels.value_grid import ValueGrid

if TYPE_CHECKING:  # imported when first shown (see their messages' handlers below)
    from tui.widgets.bars.rate_editor import RateEditor
    from tui.widgets.quiz.quiz_bar import QuizBar


class MainScreen(StepHost):
    """Panels left to right, the derivation of the selected value below."""

    BINDINGS = SCREEN_BINDINGS
    # Textual's, without its repaint of the whole screen at each focus change (most steps move
    # the selection, and so the focus, to another panel): the widgets that gain and lose focus
    # redraw themselves, and those whose :focus-within style changed are restyled and redrawn.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.stepper = Stepper(scenario)
        self.decimals = scenario.decimals
        self.selected = None
        self.fresh = set()
        self._traced: dict[str, str] = {}  # the marks the panels show now
        self._note: tuple[str, object, Text] | None = None  # (name, the state it belongs to, text)
        self._key_states: tuple[bool, ...] | None = None
        self._window = 0  # the first panel mounted (tui/widgets/panels/panel_window.py)
        self._shown: list[str] = []  # the keys of the panels mounted, left to right
        self._made: list[LayerPanel] = []  # the panels ``make_panels`` made last, left to right
        self._resized_to: Size | None = None  # the screen's size at its last Resize
        self._resumed = False  # the screen has been shown (ScreenResume) before
        self.unexpected: list[Exception] = []  # what the last-resort guard caught (the tests read it)
        # the features, in the order their blocks are asked (a quiz speaks before training)
        self.exercise = ExerciseFeature(self)  # a student's file: asked values are blanks
        self.quiz_mode = QuizFeature(self)
        self.training = TrainingFeature(self)
        self.stepping = SteppingFeature(self)
        self.view = ViewFeature(self)
        self.editing = EditFeature(self)
        self.heatmaps = HeatmapFeature(self)
        self.study = StudyFeature(self)
        self.files = FilesFeature(self)
        self.messages = MessagesFeature(self)
        self.tracing = TraceFeature(self)
        self.story = StoryFeature(self)
        self.samples = SamplesFeature(self)
        self.design = DesignFeature(self)
        self.features: tuple[Feature, ...] = (self.exercise, self.quiz_mode, self.training, self.stepping, self.view,
                                              self.editing, self.heatmaps, self.study, self.files, self.messages,
                                              self.tracing, self.story, self.samples, self.design)
        self.owner: dict[str, Feature] = {action: f for f in self.features for action in f.ACTIONS}
        self.recovery = Recovery(self)  # journals the session; offers to restore one a crash left
        self.typeahead = TypeAhead(lambda: self.app.screen_stack)  # keys typed ahead of a dialog

    # --- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")
        with PanelRow(id="panels", can_focus=False):  # focus goes to the grids
            yield from self.make_panels()
        yield IntroPanel()
        yield DerivationView()
        yield MessageLine(id="message")
        yield KeyBar(id="keys")

    def make_panels(self) -> list[Widget]:
        """One panel per layer of the window, left to right; the loss sits under the output
        layer, so a small network fits 120 columns. A network too long for the window says
        how many panels lie beyond each end of it."""
        keys = panel_keys(self.stepper)
        self._shown = window_keys(keys, self._window)
        panels = [LayerPanel(key, panel_title(self.stepper, key)) for key in self._shown]
        self._made = panels
        for panel in panels:
            panel.set_mode("heatmap" if wants_heatmap(self.stepper, panel.key) else "numbers")
        widgets: list[Widget] = list(panels)
        if self._shown[-1] == keys[-1]:
            widgets = [*panels[:-2], PanelColumn(*panels[-2:], classes="panel-column")]
        before = keys.index(self._shown[0])
        after = len(keys) - before - len(self._shown)
        if before:
            widgets.insert(0, Static(tr("◀ {n:,} more", n=before), classes="panels-more"))
        if after:
            widgets.append(Static(tr("{n:,} more ▶", n=after), classes="panels-more"))
        return widgets

    def panel_key_of(self, name: str) -> str | None:
        """The key of the panel that shows the quantity ``name`` (None if not a quantity)."""
        try:
            ref = parse_name(name.split("[", 1)[0])
        except CnnTuiError:
            return None
        if ref.layer is not None:
            return ref.layer
        return INPUT if ref.kind == "input" else LOSS

    async def move_window_to(self, key: str) -> None:
        """Mount the window of panels that holds panel ``key`` (nothing when it is mounted)."""
        if key in self._shown:
            return
        keys = panel_keys(self.stepper)
        if key not in keys:
            return
        self._window = window_start(len(keys), self._window, keys.index(key))
        container = self.query_one("#panels")
        with self.app.batch_update():
            await container.remove_children()
            await container.mount_all(self.make_panels())
            self._draw_view_panels()

    def on_screen_resume(self, event: ScreenResume) -> None:
        """Runs before Textual's own handler. The first time, every node was styled as it was
        mounted, just before, and each change of class since restyled its own: Textual's
        restyle of the whole screen here would only repeat it (~4 ms of tiny-cnn's launch,
        26 nodes). Later resumes (a dialog closed) restyle as Textual does."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_resize(self, event: Resize) -> None:
        """A new terminal size: the derivation box is sized by its text again."""
        if event.size != self._resized_to:
            self._resized_to = event.size
            for view in self.query(DerivationView):  # (none yet at the first Resize, before compose)
                view.release_reserve()

    def on_mount(self) -> None:
        self.refresh_view()
        first = self.panels[0].view
        first.focus()
        self.story.open_scenario()  # first: a scenario's story hides the derivation panel
        if self.selected is None and first.selected_name:  # its derivation is in the first frame, if shown
            self.selected = first.selected_name
            self.show_derivation()
        self.say(tr("{name}: press {forward} to step forward one layer, {next} for whatever comes next, "
                    "{help} for help", name=self.stepper.scenario.name, forward=key_for("step_forward"),
                    next=key_for("step_next"), help=key_for("help")))

    @property
    def panels(self) -> list[LayerPanel]:
        """The panels mounted now (those of the window), left to right: those made last that
        are in the screen (a step asks several times; a query walked the whole screen)."""
        return [panel for panel in self._made if panel.is_attached]

    def panel(self, key: str) -> LayerPanel:
        return self.query_one(f"#panel-{key}", LayerPanel)

    async def replace_session(self, scenario: Scenario) -> None:
        """A freshly loaded scenario in place of the current one (the features start over).

        If the new one cannot be shown, the old session is put back as it was."""
        before = (self.stepper, self.decimals, self.selected, self.fresh, self.view.show_steps)
        stepper = Stepper(scenario)  # may refuse: nothing has changed yet
        self.stepper, self.decimals, self.selected, self.fresh = stepper, scenario.decimals, None, set()
        self.view.show_steps = False
        self.query_one(DerivationView).release_reserve()  # sized for the new scenario's derivations
        try:
            await self._rebuild_panels()
        except Exception:
            self.stepper, self.decimals, self.selected, self.fresh, self.view.show_steps = before
            await self._rebuild_panels()
            raise
        self.training.session_replaced()  # the old scenario's chart is not this one's

    async def _rebuild_panels(self) -> None:
        container = self.query_one("#panels")
        await container.remove_children()
        self._window = 0
        await container.mount_all(self.make_panels())
        self.refresh_view()
        self.panels[0].view.focus()
        self.story.open_scenario()

    # --- the view -------------------------------------------------------------------
    def refresh_view(self) -> None:
        self.show_status()
        self._draw_view_panels()
        self.show_derivation()
        self._refresh_keys()
        self.session_changed()

    def show_status(self) -> None:
        """The status line for the session as it is now. A step calls this first: Textual
        takes each widget's repaint into the next frame once that widget's own turn has come,
        in the order they were asked, and the status line says what the step did."""
        self.query_one(StatusLine).show(self.stepper, self.decimals,
                                        **(self.quiz_mode.status() or self.exercise.status()))

    def _draw_view_panels(self) -> None:
        """The mounted panels' values and marks, and "next" under the panel of the next step."""
        quiz_panel = self.quiz_mode.panel()
        next_panel = quiz_panel or self._next_panel()
        self._draw_panels()
        for panel in self.panels:
            is_next = panel.key == next_panel
            subtitle = (tr("quiz: ? below") if quiz_panel else tr("next: {key}", key=self.stepping.next_key())) \
                if is_next else ""
            panel.show_subtitle(subtitle)

    def _draw_panels(self, marks_only: bool = False) -> None:
        """Every panel's values from the stepper, with the marks of the selection's trace
        (``marks_only``: nothing else changed, so nothing is redrawn if the marks did not)."""
        hidden, asked = self.quiz_hidden(), self.quiz_mode.asked()
        blanks = frozenset(self.exercise.blanks())
        traced = self.tracing.marks()
        if marks_only and traced == self._traced:
            return
        panels = self.panels
        if marks_only:  # only the panels holding a value whose mark came, went or changed
            names = {name for name in traced.keys() | self._traced.keys() if traced.get(name) != self._traced.get(name)}
            keys = {self.panel_key_of(name) for name in names}
            panels = [panel for panel in panels if panel.key in keys]
        self._traced = traced
        marks = {name: self._by_panel(names) for name, names in
                 (("fresh", self.fresh), ("hidden", hidden), ("blanks", blanks), ("traced", traced))}
        for panel in panels:
            key = panel.key
            settings = (self.decimals, panel.mode, asked if asked and self.panel_key_of(asked) == key else None,
                        *(marks[name].get(key, frozenset()) for name in ("fresh", "hidden", "blanks")),
                        {name: traced[name] for name in marks["traced"].get(key, ())})
            made_from = (panel_sources(self.stepper, key), settings)
            if panel.drawn_from is not None and same_sources(panel.drawn_from, made_from):
                continue  # nothing it shows has changed: its rows (and heatmaps) stay as drawn
            panel.drawn_from = made_from
            if panel.mode == "heatmap":  # its grid is hidden: its rows are made when it is shown again
                panel.set_blocks(heat_blocks(self.stepper, key, self.fresh, hidden, traced))
            else:
                panel.set_rows(panel_rows(self.stepper, key, self.decimals, self.fresh, hidden, asked, blanks,
                                          traced))

    def _by_panel(self, names: Iterable[str]) -> dict[str | None, frozenset[str]]:
        """``names`` grouped by the panel that shows them."""
        grouped: dict[str | None, set[str]] = {}
        for name in names:
            grouped.setdefault(self.panel_key_of(name), set()).add(name)
        return {key: frozenset(group) for key, group in grouped.items()}

    def refresh_marks(self) -> None:
        self._draw_panels(marks_only=True)
        self.show_derivation()

    def session_changed(self) -> None:
        """The one place every change of the session passes (after the view is redrawn):
        whatever must follow each step, edit or answer (a recovery journal, the training
        chart after an undo) hooks in here."""
        self.training.session_changed()
        self.recovery.after_change()

    def on_unmount(self) -> None:
        self.recovery.close()  # ended without a clean quit: the journal stays for the next launch

    def _refresh_keys(self) -> None:
        """Redraw the key bar only when the set of keys that apply has changed."""
        states = tuple(self.key_applies(action) for action in self.owner)
        if states != self._key_states:
            self._key_states = states
            self.refresh_bindings()

    def _next_panel(self) -> str | None:
        ph = self.stepper.phase()
        if ph.stage == "forward" and "loss" not in self.stepper.state.values and \
                f"{ph.layer}.out" in self.stepper.state.values:
            return LOSS
        return ph.layer

    def show_derivation(self) -> None:
        """The derivation panel for the selected value; nothing while the panel is hidden (the
        scenario's story stands in its place at launch): it is written when it is shown."""
        view = self.query_one(DerivationView)
        if not view.display:
            return
        view.show(self.stepper, self.selected, self.decimals, self.view.full_precision, self.view.show_steps,
                  self.note_for(self.selected), self.tracing.current())
        self.quiz_mode.show_question(view)
        self.exercise.show_blank(view)

    def say(self, text: str, error: bool = False) -> None:
        self.messages.log.add(text, error)  # every message of the session, whole (m shows them)
        self.query_one(MessageLine).say(text, error)
        if error:
            self.app.bell()

    def quiz_hidden(self) -> frozenset[str]:
        return self.quiz_mode.hidden() | self.exercise.hidden()

    def note_for(self, name: str | None) -> Text | None:
        """The note below the derivation of ``name`` (a gradient check, a quiz verdict), while
        nothing has changed since it was made."""
        if self._note is None or name != self._note[0] or self._note[1] is not self.stepper.state:
            return None
        return self._note[2]

    def set_note(self, name: str, text: Text) -> None:
        self._note = (name, self.stepper.state, text)

    def select(self, name: str, redraw: bool = True) -> None:
        """Select the value ``name`` in its panel; when that panel is outside the window, the
        window moves to it first (just after this call). ``redraw=False``: the caller redraws
        the view next (``refresh_view``), so the panels' marks and the derivation are made once."""
        if self._select_shown(name, redraw):
            return
        key = self.panel_key_of(name)
        if key is not None and key not in self._shown:
            self.call_later(self._select_after_moving, key, name)

    async def _select_after_moving(self, key: str, name: str) -> None:
        await self.move_window_to(key)
        self._select_shown(name)

    def _select_shown(self, name: str, redraw: bool = True) -> bool:
        for panel in self.panels:
            if panel.view.select(name):
                self.focus_view(panel.view)
                self.selected = panel.view.selected_name
                if redraw:
                    self._draw_panels(marks_only=True)
                    self.show_derivation()
                self.keep_selection_in_view()
                return True
        return False

    def focus_view(self, view: Widget) -> None:
        """Focus a panel's values now, not scrolled to their top (the value is scrolled to).

        ``Widget.focus`` would repaint the whole view and move the focus later, in a callback
        of its own: the two panels whose border shows the focus were then restyled after the
        step, and their repaints came a frame after the rest. The view repaints the cursor's
        row itself as its focus changes (``ValueGrid.watch_has_focus``)."""
        self.set_focus(view, scroll_visible=False)

    def keep_selection_in_view(self) -> None:
        """Once the layout has settled, scroll the panels sideways (and the panel up or down)
        until the selected value shows: more decimals widen the grids and pushed it off."""
        self.call_after_refresh(self._scroll_to_selection)

    def _scroll_to_selection(self) -> None:
        name = self.selected
        if not name:
            return
        for panel in self.panels:
            region = panel.view.cell_region(name) if panel.view.display else None
            if region is None:
                continue
            cell = region.translate(panel.view.content_region.offset).grow((1, 2, 1, 2))  # on the screen
            box = self.query_one("#panels", PanelRow)
            # sideways, the whole panel when it fits (its border and title too), else the value
            wide = panel.region.width > box.content_region.width
            across = cell if wide else Region(panel.region.x, cell.y, panel.region.width, cell.height)
            for scroller, target in ((panel, cell), (box, across)):
                scroller.scroll_to_region(target.translate(scroller.scroll_offset - scroller.content_region.offset),
                                          animate=False, immediate=True)
            return

    def confirm_if_edited(self, question: str, then: Callable[[], None], always: bool = False) -> None:
        if not (self.stepper.edited or always):
            then()
            return
        from tui.screens.confirm_screen import ConfirmScreen

        self.ask(ConfirmScreen(question), lambda ok: then() if ok else self.say(tr("cancelled")))

    def ask(self, dialog: Screen[Result], then: Callable[[Result | None], Any]) -> None:
        async def answered(result: Result | None) -> None:
            try:
                await self.guarded(partial(then, result))
            finally:
                self.typeahead.answered(dialog)  # keys count again (on the next dialog, if it opened one)

        self.typeahead.asking(dialog)
        self.app.push_screen(dialog, answered)

    async def guarded(self, work: Callable[[], Any]) -> None:
        """The last resort at the UI boundary: typed errors from core are the normal path and
        are said by the features; anything unexpected is said here, the session kept (the
        engine replaces its state whole, never half-way) and kept in ``unexpected``."""
        try:
            result = work()
            if isinstance(result, Awaitable):
                await result
        except CnnTuiError as err:
            self.say(str(err), error=True)
        except Exception as err:  # noqa: BLE001 - the app must not die of a user's action
            self.unexpected.append(err)
            self.say(tr("that did not work: {problem}", problem=problem(err)), error=True)

    # --- keys -------------------------------------------------------------------------
    def blocked(self, action: str) -> str | None:
        """Why a running feature (a quiz, training) holds ``action`` back; None if nothing does."""
        for feature in self.features:
            reason = feature.blocks(action)
            if reason:
                return reason
        return None

    def key_applies(self, action: str) -> bool:
        return self.blocked(action) is None and self.owner[action].available(action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "key" and parameters and isinstance(parameters[0], str) and parameters[0] in self.owner:
            return self.key_applies(parameters[0])
        return True

    async def action_key(self, action: str) -> None:
        """Run one row of the key table on the feature that owns it."""
        await self.guarded(getattr(self.owner[action], f"action_{action}"))

    async def run_key(self, action: str) -> None:
        """A key from the palette: said why when it is held back, run otherwise."""
        reason = self.blocked(action) if action in self.owner else None
        if reason:
            self.say(reason, error=True)
            return
        if action in GLOBAL_ACTIONS:
            await self.app.run_action(action)
            return
        await self.action_key(action)

    async def key_not_applying(self, event: Key) -> None:
        """A key hidden because it does not apply now: say why instead of doing nothing.

        The app calls this as it looks the key's binding up (``CnnTuiApp.on_key``), in the
        order the keys were typed, once it knows the key was typed on this screen."""
        if self.app.screen is not self or isinstance(self.focused, Input):
            return
        if self.story.key_pressed(event):
            return
        action = KEY_ACTIONS.get(event.key)
        if action is None or action not in self.owner:
            return
        reason = self.blocked(action)
        if reason:
            event.prevent_default()
            self.say(reason, error=True)
            return
        if not self.owner[action].available(action):
            event.prevent_default()
            await self.action_key(action)  # the feature says why it does not apply

    # --- messages from the panels and the quiz bar, to the feature they belong to --------
    def on_value_grid_value_selected(self, message: ValueGrid.ValueSelected) -> None:
        if message.name != self.selected:
            self.selected = message.name
            self._draw_panels(marks_only=True)  # the trace follows the selection
            self.show_derivation()
            self.keep_selection_in_view()

    async def on_value_grid_edge_reached(self, message: ValueGrid.EdgeReached) -> None:
        panels = self.panels
        grids = [p.view for p in panels]
        here = grids.index(message.grid)
        i = here + message.direction
        if 0 <= i < len(grids):
            grids[i].enter_from(message.direction, message.grid.cursor[0])
            return
        keys = panel_keys(self.stepper)  # past the window's edge: move it, when there is more
        wanted = keys.index(panels[here].key) + message.direction
        if 0 <= wanted < len(keys):
            await self.move_window_to(keys[wanted])
            self.panel(keys[wanted]).view.enter_from(message.direction, message.grid.cursor[0])

    async def on_value_grid_edit_requested(self, message: ValueGrid.EditRequested) -> None:
        await self.guarded(partial(self.editing.edit_requested, message))

    async def on_layer_panel_edit_submitted(self, message: LayerPanel.EditSubmitted) -> None:
        await self.guarded(partial(self.editing.submitted, message))

    def on_layer_panel_edit_cancelled(self, message: LayerPanel.EditCancelled) -> None:
        self.editing.cancelled(message)

    # the α editor's and the quiz bar's messages, by their handlers' names: their widgets are
    # imported when first shown, not with this screen (the launch builds neither)
    @on(Input.Submitted, "#rate-editor")
    async def _rate_submitted(self, message: Input.Submitted) -> None:
        from tui.widgets.bars.rate_editor import RateEditor

        message.stop()
        if isinstance(message.input, RateEditor):
            await self.guarded(partial(self.samples.submitted, message.input, message.value))

    async def on_rate_editor_cancelled(self, message: RateEditor.Cancelled) -> None:
        from tui.widgets.bars.rate_editor import RateEditor

        for editor in self.query(RateEditor):
            await self.samples.close(editor)
        self.say(tr("α stays {rate:g}", rate=self.stepper.scenario.learning_rate))

    async def on_quiz_bar_answered(self, message: QuizBar.Answered) -> None:
        await self.guarded(partial(self.quiz_mode.answered, message.text))

    async def on_quiz_bar_reveal_requested(self, message: QuizBar.RevealRequested) -> None:
        await self.guarded(self.quiz_mode.reveal)

    async def on_quiz_bar_leave_requested(self, message: QuizBar.LeaveRequested) -> None:
        await self.guarded(self.quiz_mode.leave)

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        await self.guarded(partial(self.training.worker_changed, event))
