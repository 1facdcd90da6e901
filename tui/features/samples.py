"""Which samples an iteration uses (``l``: a list with labels and a picture) and the
learning rate α (``a``: typed in the status line's place, checked as a file's is)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from core.errors import CnnTuiError
from core.i18n import tr, tr_n
from core.numbers import fmt
from core.scenario.load import check_learning_rate
from tui.bindings import key_for
from tui.features.base import Feature
from tui.widgets.bars.status_line import StatusLine

if TYPE_CHECKING:  # the α editor is imported when it first opens
    from tui.widgets.bars.rate_editor import RateEditor


class SamplesFeature(Feature):
    """``l`` picks the samples of this iteration; ``a`` changes α."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({"pick_samples", "learning_rate"})

    def action_pick_samples(self) -> None:
        from tui.screens.samples_screen import SamplesScreen

        host = self.host
        st = host.stepper

        def chosen(first: int | None) -> None:
            if first is None:
                host.say(tr("the iteration keeps its samples"))
                return
            try:
                cleared = st.choose_samples(first)
            except CnnTuiError as err:
                host.say(str(err), error=True)
                return
            host.fresh = set()
            host.refresh_view()
            picked = ", ".join(str(i + 1) for i in st.sample_indices())
            host.say(tr_n("iteration {iteration} uses sample {picked}: {cleared} ({key} undoes)",
                          "iteration {iteration} uses samples {picked}: {cleared} ({key} undoes)",
                          len(st.sample_indices()), iteration=st.iteration, picked=picked, cleared=cleared,
                          key=key_for("undo")))

        host.ask(SamplesScreen(st.state.samples, st.sample_indices()[0], st.batch_size), chosen)

    async def action_learning_rate(self) -> None:
        from tui.widgets.bars.rate_editor import RateEditor

        host = self.host
        if host.query(RateEditor):
            host.query_one(RateEditor).focus()
            return
        editor = RateEditor(fmt(host.stepper.scenario.learning_rate, None))
        status = host.query_one(StatusLine)
        status.display = False
        await host.mount(editor, before=status)
        editor.focus()
        host.say(tr("α: type the learning rate (a number > 0) and press enter; escape keeps it"))

    async def submitted(self, editor: RateEditor, text: str) -> None:
        """enter in the α editor: a bad value is said and stays to be corrected."""
        host = self.host
        try:
            rate = check_learning_rate(text)
            cleared = host.stepper.set_learning_rate(rate)
        except CnnTuiError as err:
            host.say(str(err), error=True)
            return
        await self.close(editor)
        host.refresh_view()
        host.say(tr("α = {rate}: {cleared} ({key} undoes)", rate=fmt(rate, None), cleared=cleared,
                    key=key_for("undo")))

    async def close(self, editor: RateEditor) -> None:
        host = self.host
        await editor.remove()
        host.query_one(StatusLine).display = True
        for panel in host.panels:
            if panel.view.selected_name == host.selected:
                panel.view.focus()
                return
        host.panels[0].view.focus()
