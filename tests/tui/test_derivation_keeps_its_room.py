"""The derivation box keeps the tallest height it has had (so the panels above it keep
theirs and are not laid out and drawn again at each step), shows every line of its text,
and gives the room back when the Jacobian steps close or the terminal changes size."""

from __future__ import annotations

from tui_helpers import SIZE, derivation, press

from tui.app import CnnTuiApp


def heights(app: CnnTuiApp) -> tuple[int, int]:
    main = app.main
    return main.query_one("#derivation").outer_size.height, main.query_one("#panels").outer_size.height


async def test_the_box_never_shrinks_while_stepping_and_shows_its_whole_text(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")  # the story closes
        seen: list[tuple[int, int]] = []
        for _ in range(12):  # forward, backward, update and into iteration 2
            await press(pilot, "space")
            await pilot.pause()
            seen.append(heights(app))
            box = app.main.query_one("#derivation")
            lines = derivation(app).count("\n") + 1
            assert box.virtual_size.height >= lines  # every line is in the box (it scrolls past its height)
        boxes = [b for b, _ in seen]
        assert boxes == sorted(boxes)  # it grew with the longer derivations and never gave rows back
        assert boxes[0] < boxes[-1]  # (it did grow: the backward derivations are longer)
        panels = [p for _, p in seen]
        assert panels == sorted(panels, reverse=True)
        assert len(set(seen[7:])) == 1  # past the backward pass the layout no longer changes


async def test_the_room_is_given_back_on_a_new_terminal_size(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        for _ in range(6):
            await press(pilot, "space")
        await pilot.pause()
        tall, _ = heights(app)
        for _ in range(3):  # iteration done: the update's shorter derivations
            await press(pilot, "space")
        await pilot.pause()
        assert heights(app)[0] == tall  # kept
        await pilot.resize_terminal(*SIZE)  # the same size: nothing changes
        await pilot.pause()
        assert heights(app)[0] == tall
        await pilot.resize_terminal(SIZE[0], SIZE[1] + 4)
        await pilot.pause()
        await pilot.pause()
        box = app.main.query_one("#derivation")
        assert box.styles.min_height is None or box.outer_size.height < tall  # sized by its text again
        assert box.virtual_size.height >= derivation(app).count("\n") + 1


async def test_the_body_is_as_tall_as_its_wrapped_text_needs() -> None:
    """The body's height is counted without wrapping when no line is too wide: it must be what
    Textual's own wrapping gives, whether its lines wrap at that width or not."""
    from textual.geometry import Size

    from core.scenario.catalog import load
    from tui.widgets.derivation.derivation_view import DerivationView

    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        for key in ["space"] * 4 + ["F", "space", "plus", "plus"]:
            await press(pilot, key)
            await pilot.pause()
            view = app.main.query_one(DerivationView)
            body, nothing = view.body, Size(0, 0)
            for width in (body.content_size.width, 30, 60, 200):
                assert view._height_of(width) == body.get_content_height(nothing, nothing, width), (key, width)
                body._content_height_cache = (None, 0)  # Textual's own count again at the next width
