"""Help: the scenario's name and description, what the screen shows and every key
(Markdown is imported only when help opens)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from core.ascii_text import shown
from core.i18n import mark, tr
from tui.ascii_view import SpelledStatic
from tui.bindings import EDITOR_KEYS, KEYS, key_label
from tui.literal import literal

NETWORK_EDITOR = next(keys for keys, action, *_ in KEYS if action == "network_editor")

INTRO = mark("""\
# cnn-tui — backpropagation one number at a time

Panels follow the data from the **input** on the left to the **loss** on the right.
Each layer shows its parameters (**weight**, **bias**), the forward pass (**net** = z,
**out** = a), the backward pass (**∂out** = ∂{E}/∂out, **delta** = δ = ∂{E}/∂net, **grad_w**,
**grad_b**) and the update (**new_w**, **new_b**). `·` marks a value not computed yet;
just-computed values are highlighted; ✓/✗ compare the scenario's expected values.

Select any value (arrows, tab, mouse) and the panel below shows its formula, the formula
with numbers and the result. **enter** on a weight, bias, input or target edits it in place
(enter commits, escape cancels); the values that depend on it are cleared.
""")
# the keys the table of KEYS does not hold: (keys as shown, what they do)
EXTRA_KEYS = (
    ("`arrows` `tab`", mark("move between values and panels")),
    ("`enter`", mark("edit the selected weight, bias, input or target")),
    ("`enter` ({quiz})", mark("check the value typed in the answer box")),
    ("`ctrl+r` ({quiz})", mark("reveal the value asked, without scoring it")),
    ("`escape` ({quiz})", mark("leave the quiz (the values computed so far stay)")),
    ("`ctrl+p`", mark("command palette (every action)")),
)


def help_markdown(loss: str = "E") -> str:
    """The help text; ``loss`` is the loss's symbol as the derivations write it (C or E)."""
    rows = "\n".join(f"| `{key_label(keys)}` | {tr(text)} |" for keys, _a, _l, _s, text in KEYS)
    quiz = tr("quiz")
    extra = "\n".join(f"| {keys.format(quiz=quiz)} | {tr(text)} |" for keys, text in EXTRA_KEYS)
    editor = "\n".join(f"| `{key_label(keys)}` | {tr(text)} |" for keys, _a, _l, _s, text in EDITOR_KEYS)
    head = f"| {tr('key')} | {tr('does')} |\n|---|---|"
    title = tr("The network editor ({key})", key=key_label(NETWORK_EDITOR))
    return f"{tr(INTRO, E=loss)}\n{head}\n{rows}\n{extra}\n\n## {title}\n\n{head}\n{editor}\n"


class HelpScreen(ModalScreen[None]):
    """Closes with escape, q or ?. The scenario's title and description come from its file:
    they are shown literally (no markup, control characters visible)."""

    CSS_PATH = "dialogs.tcss"  # the dialogs' styles, read when it first opens (not for the first frame)

    BINDINGS = [Binding("escape,q,question_mark", "dismiss_help", mark("close"))]

    CLOSE = mark("escape, q or ? closes the help")

    def __init__(self, title: str = "", description: str = "", loss: str = "E") -> None:
        super().__init__()
        self.scenario_title = title
        self.description = description
        self.loss = loss

    def compose(self) -> ComposeResult:
        box = VerticalScroll(id="help", classes="dialog help-dialog")
        box.border_title = shown(tr(self.CLOSE))  # on the frame: seen however far the text is scrolled
        box.border_subtitle = shown(tr("↑↓ page up/down scroll"))
        with box:
            if self.scenario_title:
                yield SpelledStatic(literal(self.scenario_title), id="help-scenario")
            if self.description.strip():
                yield SpelledStatic(literal(self.description.strip(), keep_newlines=True), id="help-description")
            yield Markdown(shown(help_markdown(self.loss)))

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
