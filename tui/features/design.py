"""``N``: the network editor on the current scenario (its weights as they are now)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from core.engine.scenario import Scenario
from core.i18n import tr
from tui.bindings import key_for
from tui.features.base import Feature

if TYPE_CHECKING:  # imported when the editor opens: the first frame does not need it
    from core.scenario.draft import Draft


class DesignFeature(Feature):
    """Opens the editor; the network it returns replaces the session (the old one is asked about
    first when it has unsaved edits)."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({"network_editor"})

    def action_network_editor(self) -> None:
        from core.scenario.draft import Draft

        self.open_editor(Draft.from_scenario(self.host.stepper.current_scenario()))

    def open_editor(self, draft: Draft) -> None:
        from tui.screens.editor_screen import EditorScreen

        host = self.host

        async def adopt(scenario: Scenario) -> None:
            await host.replace_session(scenario)
            host.say(tr("the designed network is open: {forward} steps it, {save_as} saves it as a scenario, "
                        "{editor} edits it again", forward=key_for("step_forward"), save_as=key_for("save_as"),
                        editor=key_for("network_editor")))

        def open_now(scenario: Scenario) -> None:
            host.app.call_later(host.guarded, partial(adopt, scenario))

        def designed(scenario: Scenario | None) -> None:
            if scenario is None:
                host.say(tr("left the network editor; nothing changed"))
                return
            # like opening a file, the design replaces the session: undo cannot go back past it
            host.confirm_if_edited(tr("Open the designed network in place of this session? Its unsaved edits "
                                      "are not saved (the design keeps the weights as they are now)."),
                                   partial(open_now, scenario))

        host.ask(EditorScreen(draft), designed)
