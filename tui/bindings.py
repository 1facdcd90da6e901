"""Every key of the main screen, in one place: the bindings, the key bar, help and the command palette.

The table is the one place where a key is named. The main screen binds each row to its
dispatcher (``key('<action>')``), which runs the action on the feature that owns it; the
app binds the global rows (help, quit). Messages name keys through ``key_for``, never
by spelling a key out, so a key changed here changes everywhere.

Labels and texts are English, ``mark``ed for the catalogue (core/i18n/zh/shell.py), and said in
the current language where they are shown: the key bar translates every binding's description
and tooltip, help and the palette each row's text, ``short_label`` its label. A binding of any
screen or widget needs only ``mark`` on its description to be said in Chinese in the key bar.
"""

from __future__ import annotations

from textual.binding import Binding

from core.i18n import mark, tr

# (key, action, short key-bar label, shown in the key bar, what it does)
KEYS: list[tuple[str, str, str, bool, str]] = [
    ("f", "step_forward", mark("forward"), True, mark("forward one layer")),
    ("F", "forward_all", mark("all fwd"), False, mark("the whole forward pass")),
    ("b", "step_backward", mark("backward"), True, mark("backward one layer")),
    ("B", "backward_all", mark("all back"), False, mark("the whole backward pass")),
    ("u", "update", mark("update"), True, mark("update every weight and bias (SGD)")),
    ("space", "step_next", mark("next"), True, mark("whatever comes next (forward, backward or update)")),
    ("n", "run_iteration", mark("iteration"), False, mark("complete this iteration (or run the next one)")),
    ("z", "undo", mark("undo"), True, mark("undo the last step or edit")),
    ("r", "reset", mark("reset"), False, mark("reset to the scenario as loaded")),
    ("o", "open", mark("open"), False, mark("open another scenario")),
    ("s", "save", mark("save"), False, mark("save the scenario (current weights and samples)")),
    ("S", "save_as", mark("save as"), False, mark("save the scenario to a new file")),
    ("plus,equals_sign", "more_decimals", mark("+dp"), False, mark("show one more decimal")),
    ("minus", "fewer_decimals", mark("−dp"), False, mark("show one decimal fewer")),
    ("p", "full_precision", mark("full"), False, mark("full precision in the derivation panel (toggle)")),
    ("j", "jacobian", mark("Jacobian"), False, mark("expand the softmax + cross-entropy Jacobian derivation (toggle)")),
    ("right_square_bracket", "scroll_down", mark("scroll ↓"), False, mark("scroll the derivation panel down")),
    ("left_square_bracket", "scroll_up", mark("scroll ↑"), False, mark("scroll the derivation panel up")),
    ("Q", "quiz", mark("quiz"), True,
     mark("quiz: the next values are hidden and you type them (all, a layer or a kind)")),
    ("x", "my_answer", mark("my answer"), False, mark("type your own value for the selected number: checked ✓/✗, saved "
     "under expected")),
    ("X", "next_mismatch", mark("next ✗"), False, mark("jump to the next expected value marked ✗")),
    ("h", "toggle_heatmap", mark("heatmap"), True, mark("numbers ↔ heatmap for the focused panel")),
    ("t", "train", mark("train"), True,
     mark("train iterations or epochs in the background (live loss chart; z undoes)")),
    ("escape", "stop_training", mark("stop"), True, mark("stop training at the end of the current iteration")),
    ("c", "toggle_chart", mark("chart"), False, mark("show or hide the training panel (loss chart, epochs)")),
    ("R", "hand_rounding", mark("hand-round"), False,
     mark("hand-rounding: round every value to the shown decimals before "
     "it is used (toggle)")),
    ("g", "gradient_check", mark("grad check"), False,
     mark("gradient check of the selected weight or bias: backprop beside "
     "a finite difference")),
    ("e", "export", mark("export"), False, mark("export the complete iteration: Markdown, LaTeX or a PyTorch script")),
    ("m", "messages", mark("messages"), False, mark("the message log: every message of this session, whole, to scroll "
     "back through")),
    ("d", "trace_direction", mark("trace"), True,
     mark("trace the selected value: what it reads → what reads it → off")),
    ("l", "pick_samples", mark("samples"), False,
     mark("pick the sample (or batch) this iteration uses: a list with labels "
     "and pictures")),
    ("a", "learning_rate", "α", False,
     mark("change the learning rate α (typed in the status line, checked as in a file)")),
    ("N", "network_editor", mark("editor"), True,
     mark("network editor: add, remove, reorder and change layers, loss and "
     "settings (checked as a file is)")),
    ("i", "intro", mark("story"), False,
     mark("the scenario's story: its description and the keys to start (any key closes it)")),
    ("question_mark", "help", mark("help"), True, mark("help: every key")),
    ("q", "quit", mark("quit"), True, mark("quit (asks first when there are unsaved changes)")),
]

# the network editor's keys (its own screen; help and the palette list them too)
EDITOR_KEYS: list[tuple[str, str, str, bool, str]] = [
    ("enter", "edit_row", mark("edit"), True,
     mark("edit the selected layer or setting as the file writes it (enter applies, "
     "escape cancels)")),
    ("a", "add_layer", mark("add"), True,
     mark("add a dense layer after the selected one (edit its line to change its type)")),
    ("x,delete", "remove_layer", mark("remove"), True, mark("remove the selected layer")),
    ("K,shift+up", "move_up", mark("up"), True, mark("move the selected layer up (earlier)")),
    ("J,shift+down", "move_down", mark("down"), True, mark("move the selected layer down (later)")),
    ("z", "undo_change", mark("undo"), True, mark("undo the last change in the editor")),
    ("o", "open_design", mark("open"), True,
     mark("open the network in the stepping view (S there saves it as a scenario)")),
    ("escape", "leave_editor", mark("back"), True, mark("back to the stepping view without the changes (asks first)")),
]
EDITOR_BINDINGS: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    Binding(key, action, label, show=shown, tooltip=text) for key, action, label, shown, text in EDITOR_KEYS]
_EDITOR_KEYS_OF: dict[str, str] = {action: keys for keys, action, *_ in EDITOR_KEYS}

# moving and editing inside a panel's values (numbers or heatmap)
GRID_BINDINGS: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    Binding("up", "move(0,-1)", mark("up"), show=False),
    Binding("down", "move(0,1)", mark("down"), show=False),
    Binding("left", "move(-1,0)", mark("left"), show=False),
    Binding("right", "move(1,0)", mark("right"), show=False),
    Binding("home", "row_edge(-1)", show=False),
    Binding("end", "row_edge(1)", show=False),
    Binding("enter", "edit", mark("edit"), tooltip=mark("edit the selected weight, bias, input or target")),
]

# keys the app itself answers on every screen; the others belong to the main screen's features
GLOBAL_ACTIONS = frozenset({"help", "quit"})

SCREEN_BINDINGS: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    Binding(key, f"key('{action}')", label, show=shown, tooltip=text)
    for key, action, label, shown, text in KEYS if action not in GLOBAL_ACTIONS]
APP_BINDINGS: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    Binding(key, action, label, show=shown, tooltip=text)
    for key, action, label, shown, text in KEYS if action in GLOBAL_ACTIONS]

KEY_ACTIONS: dict[str, str] = {k: action for keys, action, *_ in KEYS for k in keys.split(",")}
_KEYS_OF: dict[str, str] = {action: keys for keys, action, *_ in KEYS}
_LABELS: dict[str, str] = {action: label for _keys, action, label, *_ in KEYS}


def key_label(keys: str) -> str:
    """A key as a person reads it: ``question_mark`` → ``?``."""
    names = {"question_mark": "?", "plus": "+", "equals_sign": "=", "minus": "-", "space": "space",
             "left_square_bracket": "[", "right_square_bracket": "]"}
    return " ".join(names.get(k, k) for k in keys.split(","))


def key_for(action: str) -> str:
    """The key of an action as messages name it: ``key_for("undo")`` → ``z``."""
    return key_label(_KEYS_OF[action]).split(" ")[0]


def binding_keys(action: str) -> str:
    """The keys of an action as a binding names them: ``binding_keys("help")`` → ``question_mark``."""
    return _KEYS_OF[action]


def editor_key(action: str) -> str:
    """The key of a network editor action as messages name it: ``editor_key("add_layer")`` → ``a``."""
    return key_label(_EDITOR_KEYS_OF[action]).split(" ")[0]


def short_label(action: str) -> str:
    """The key bar's word for an action, in the current language: ``short_label("step_next")`` → ``next``."""
    return tr(_LABELS[action])
