"""The main screen's first resume leaves out Textual's restyle of the whole screen (issue 15:
start-up, ~4 ms of tiny-cnn's launch): every node was styled as it was mounted, just before.
These tests check that nothing is left stale by that: after the first frame, each node's
styles and the screen drawn are exactly those a full restyle gives, on several networks, in
Chinese and with --ascii; and that the first resume did leave the restyle out."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from tui_helpers import SIZE

from core.ascii_text import using_ascii
from core.i18n import using_language
from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.screens.main_screen import MainScreen


def styles_of(app: CnnTuiApp) -> dict[str, str]:
    """Every node's resolved rules, by its place in the screen."""
    return {f"{i}:{type(node).__name__}#{node.id}": repr(sorted(node.styles.get_rules().items(), key=repr))
            for i, node in enumerate(app.screen.walk_children(with_self=True))}


@pytest.fixture
def restyled(monkeypatch: pytest.MonkeyPatch) -> list[DOMNode]:
    """The first node of every batch of nodes Textual restyles (``Stylesheet.update_nodes``)."""
    seen: list[DOMNode] = []
    update_nodes = Stylesheet.update_nodes

    def recording(self: Stylesheet, nodes: Iterator[DOMNode], animate: bool = False) -> None:
        nodes = list(nodes)
        seen.extend(nodes[:1])
        update_nodes(self, nodes, animate=animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", recording)
    return seen


@pytest.mark.parametrize(("name", "mode"), [("tiny-cnn", ""), ("digits", ""), ("residual-block", ""),
                                            ("x-vs-o", "zh"), ("tiny-cnn", "ascii")])
async def test_the_first_frame_is_styled_as_a_full_restyle_would_style_it(name: str, mode: str,
                                                                          restyled: list[DOMNode]) -> None:
    with ExitStack() as modes:
        if mode == "zh":
            modes.enter_context(using_language("zh"))
        if mode == "ascii":
            modes.enter_context(using_ascii())
        app = CnnTuiApp(load(name))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert not any(isinstance(node, MainScreen) for node in restyled)  # left out at the first resume
            first_styles, first_frame = styles_of(app), app.export_screenshot()
            app.screen.update_node_styles(animate=False)  # the restyle Textual would have done
            app.screen.refresh(layout=True)
            await pilot.pause()
            assert any(isinstance(node, MainScreen) for node in restyled)
            assert styles_of(app) == first_styles
            assert app.export_screenshot() == first_frame
