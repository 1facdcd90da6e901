"""Editing in place: enter changes a given value (a weight, bias, input or target); x records the
learner's own value for a computed one (checked ✓/✗, saved under ``expected``).

The panel hosts the editor and reports enter and escape (``LayerPanel.EditSubmitted`` /
``EditCancelled``); the stepper validates and applies. A refused value keeps the editor
open with the reason said; nothing is changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from core.engine.quantities import EDITABLE_KINDS
from core.engine.stepper import EDITABLE_WORDS
from core.errors import CnnTuiError
from core.i18n import tr
from core.numbers import as_written, fmt, parse_number, written_decimals
from tui.bindings import key_for
from tui.features.base import Feature
from tui.widgets.panels.layer_panel import CellEditor, LayerPanel
from tui.widgets.panels.value_grid import ValueGrid

if TYPE_CHECKING:  # the answer editor is imported when it first opens (or an editor's message comes)
    from tui.widgets.editing.answer_editor import AnswerEditor

GIVEN = EDITABLE_KINDS  # input, target, weight, bias, a dropout mask, the optimizer state an update starts from


class EditFeature(Feature):
    """enter on a given value, x on a computed one."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({"my_answer"})

    # --- enter: edit a given value --------------------------------------------------
    async def edit_requested(self, message: ValueGrid.EditRequested) -> None:
        host = self.host
        cell = message.grid.selected_cell
        if cell is None:
            return
        reason = host.blocked("edit")
        if reason:
            host.say(reason, error=True)
            return
        if not cell.editable:
            host.say(tr("{name} is computed, not given: {editable}", name=cell.name, editable=tr(EDITABLE_WORDS)),
                     error=True)
            return
        why = host.stepper.cannot_edit(cell.name)
        if why:
            host.say(f"{cell.name}: {why}", error=True)
            return
        panel = message.grid.parent
        if not isinstance(panel, LayerPanel):
            return
        await panel.start_edit(cell.name, fmt(host.stepper.value(cell.name), None))
        host.say(tr("editing {name}: type a number, enter to commit, escape to cancel", name=cell.name))

    # --- x: my answer -----------------------------------------------------------------
    async def action_my_answer(self) -> None:
        host = self.host
        name = host.selected
        # the panel's current view (numbers or heatmap) holds the value: the editor goes over it
        panel = next((p for p in host.panels if name and p.view.locate(name) is not None), None)
        if name is None or panel is None:
            host.say(tr("select a value first, then {key} to type the value you computed by hand",
                        key=key_for("my_answer")), error=True)
            return
        kind = name.split("[")[0].rpartition(".")[2]
        if kind in GIVEN:
            host.say(tr("{name} is given, not computed: {key} is for the values you work out by "
                        "hand (enter edits a given value)", name=name, key=key_for("my_answer")), error=True)
            return
        from tui.widgets.editing.answer_editor import AnswerEditor

        old = host.stepper.scenario.expected.get(name)
        await panel.start_edit(name, old.text if old else "", AnswerEditor)
        checks = tr("enter keeps it") if name in host.quiz_hidden() else tr("enter checks")
        host.say(tr("my answer for {name}: your value (its decimals set the tolerance) · {checks} · "
                    "empty removes · escape cancels", name=name, checks=checks))

    # --- the editors' messages -----------------------------------------------------------
    async def submitted(self, message: LayerPanel.EditSubmitted) -> None:
        from tui.widgets.editing.answer_editor import AnswerEditor

        if isinstance(message.editor, AnswerEditor):
            await self._my_answer(message.editor, message.text)
        else:
            await self._commit(message.editor, message.text)

    def cancelled(self, message: LayerPanel.EditCancelled) -> None:
        from tui.widgets.editing.answer_editor import AnswerEditor

        if isinstance(message.editor, AnswerEditor):
            self.host.say(tr("my answer for {name}: cancelled", name=message.editor.quantity))
        else:
            self.host.say(tr("edit of {name} cancelled", name=message.editor.quantity))

    async def _close(self, editor: CellEditor) -> None:
        panel = editor.parent
        if isinstance(panel, LayerPanel):
            await panel.close_editor(refocus=True)

    async def _commit(self, editor: CellEditor, text: str) -> None:
        host = self.host
        name = editor.quantity
        reason = host.blocked("edit")
        if reason:
            host.say(reason, error=True)
            return
        try:
            value = parse_number(text)
            before = host.stepper.value(name)
            cleared = host.stepper.edit(name, value)
        except (ValueError, CnnTuiError) as err:
            host.say(tr("{name} not changed: {reason}", name=name, reason=err), error=True)
            return
        await self._close(editor)
        host.fresh = {name}
        host.refresh_view()
        host.say(f"{name}: {fmt(before, host.decimals)} → {fmt(value, host.decimals)}; {cleared}")

    async def _my_answer(self, editor: AnswerEditor, text: str) -> None:
        from core.engine.scenario import Expected
        from core.learner.checks import check_for
        from core.learner.quiz import require_precision

        host = self.host
        name = editor.quantity
        written = as_written(text)  # what the file will hold under expected
        hidden = name in host.quiz_hidden()  # an exercise's value: no ✓/✗, no hint from the exact value
        try:
            if written:
                expected = Expected(parse_number(written), written_decimals(written), written)
                if host.stepper.has(name.split("[")[0]) and not hidden:  # as precise as the screen shows it
                    require_precision(written, host.stepper.value(name), host.decimals)
                host.stepper.set_expected(name, expected)
            else:
                host.stepper.set_expected(name, None)
        except (ValueError, CnnTuiError) as err:
            host.say(f"{name}: {err}", error=True)
            return
        await self._close(editor)
        host.refresh_view()
        if not written:
            host.say(tr("removed your answer for {name}", name=name))
            return
        shown = written.replace("-", "−")
        save = key_for("save")
        exercise = host.stepper.scenario.exercise
        if hidden and exercise is not None:
            done = sum(1 for n in exercise.ask if n in host.stepper.scenario.expected)
            host.say(tr("your {value} for {name} is kept ({done} of {total} answered) · saved with "
                        "{key} under expected; it is checked when your teacher grades it", value=shown, name=name,
                        done=done, total=len(exercise.ask), key=save))
            return
        check = check_for(host.stepper, name)
        if check is None:
            host.say(tr("your {value} for {name} is kept; it is checked once {name} is computed (saved with {key})",
                        value=shown, name=name, key=save))
        elif check.ok:
            said = (tr("{mark} your {value} for {name} is right ({rule}) · saved with {key} under expected",
                       mark=check.mark, value=shown, name=name, rule=check.rule, key=save) if check.exact_match else
                    tr("{mark} your {value} for {name} is close ({rule}) · saved with {key} under expected",
                       mark=check.mark, value=shown, name=name, rule=check.rule, key=save))
            host.say(said)
        else:
            why = (tr(" · likely slip: {slip} (explained below)", slip=check.diagnosis.slip) if check.diagnosis
                   else tr(" (the derivation below shows the formula with numbers)"))
            host.say(tr("✗ your {value} for {name}: the exact value is {exact}{why}", value=shown, name=name,
                        exact=fmt(check.actual, expected.decimals + 1), why=why), error=True)
