"""The scenario's story: its description shown when it opens, ``i`` to show it again.

The story takes the derivation panel's place and never holds a key back: the first key
closes it and still does what it does (so a learner, a test or a replay simply goes on).
"""

from __future__ import annotations

from typing import ClassVar

from textual.events import Key

from core.i18n import tr
from tui.bindings import KEY_ACTIONS, key_for
from tui.features.base import Feature
from tui.widgets.derivation.derivation_view import DerivationView
from tui.widgets.intro.intro_panel import IntroPanel


class StoryFeature(Feature):
    """``i``: the scenario's name, description and first keys, in place of the derivation."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({"intro"})

    @property
    def shown(self) -> bool:
        return bool(self.host.query_one(IntroPanel).display)

    def open_scenario(self) -> None:
        """A scenario was opened: tell its story when it has one."""
        self.show(bool(self.host.stepper.scenario.description.strip()))

    def show(self, visible: bool) -> None:
        host = self.host
        panel = host.query_one(IntroPanel)
        if visible:
            scenario = host.stepper.scenario
            panel.show_story(scenario.name, scenario.description)
            panel.scroll_home(animate=False)
        panel.display = visible
        view = host.query_one(DerivationView)
        if view.display == visible:
            view.display = not visible
            if not visible:  # not written while hidden (MainScreen.show_derivation)
                host.show_derivation()

    def key_pressed(self, event: Key) -> bool:
        """Any key but the story's own closes it (and goes on to do what it does); escape
        only closes it: True when the key was used up so."""
        if not self.shown or event.key == key_for("intro"):
            return False
        action = KEY_ACTIONS.get(event.key)
        if action in ("scroll_down", "scroll_up"):  # ] and [ page through the story
            panel = self.host.query_one(IntroPanel)
            if action == "scroll_down":
                panel.scroll_page_down(animate=False)
            else:
                panel.scroll_page_up(animate=False)
        else:
            self.show(False)
            if event.key != "escape":
                return False
        event.stop()
        event.prevent_default()
        return True

    def action_intro(self) -> None:
        host = self.host
        if self.shown:
            self.show(False)
            return
        self.show(True)
        if not host.stepper.scenario.description.strip():
            host.say(tr("{name} has no description; its name and the first keys are shown",
                        name=host.stepper.scenario.name))
