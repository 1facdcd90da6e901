"""Every key of the main screen, in one place: the bindings, the key bar, help and the command palette.

The table is the one place where a key is named. The main screen binds each row to its
dispatcher (``key('<action>')``), which runs the action on the feature that owns it; the
app binds the global rows (help, quit). Messages name keys through ``key_for``, never
by spelling a key out, so a key changed here changes everywhere.
"""

from __future__ import annotations

from textual.binding import Binding

# (key, action, short key-bar label, shown in the key bar, what it does)
KEYS: list[tuple[str, str, str, bool, str]] = [
    ("f", "step_forward", "forward", True, "forward one layer"),
    ("F", "forward_all", "all fwd", False, "the whole forward pass"),
    ("b", "step_backward", "backward", True, "backward one layer"),
    ("B", "backward_all", "all back", False, "the whole backward pass"),
    ("u", "update", "update", True, "update every weight and bias (SGD)"),
    ("space", "step_next", "next", True, "whatever comes next (forward, backward or update)"),
    ("n", "run_iteration", "iteration", False, "complete this iteration (or run the next one)"),
    ("z", "undo", "undo", True, "undo the last step or edit"),
    ("r", "reset", "reset", False, "reset to the scenario as loaded"),
    ("o", "open", "open", False, "open another scenario"),
    ("s", "save", "save", False, "save the scenario (current weights and samples)"),
    ("S", "save_as", "save as", False, "save the scenario to a new file"),
    ("plus,equals_sign", "more_decimals", "+dp", False, "show one more decimal"),
    ("minus", "fewer_decimals", "−dp", False, "show one decimal fewer"),
    ("p", "full_precision", "full", False, "full precision in the derivation panel (toggle)"),
    ("j", "jacobian", "Jacobian", False, "expand the softmax + cross-entropy Jacobian derivation (toggle)"),
    ("right_square_bracket", "scroll_down", "scroll ↓", False, "scroll the derivation panel down"),
    ("left_square_bracket", "scroll_up", "scroll ↑", False, "scroll the derivation panel up"),
    ("Q", "quiz", "quiz", True, "quiz: the next values are hidden and you type them (all, a layer or a kind)"),
    ("x", "my_answer", "my answer", False, "type your own value for the selected number: checked ✓/✗, saved "
     "under expected"),
    ("X", "next_mismatch", "next ✗", False, "jump to the next expected value marked ✗"),
    ("h", "toggle_heatmap", "heatmap", True, "numbers ↔ heatmap for the focused panel"),
    ("t", "train", "train", True, "train iterations or epochs in the background (live loss chart; z undoes)"),
    ("escape", "stop_training", "stop", True, "stop training at the end of the current iteration"),
    ("c", "toggle_chart", "chart", False, "show or hide the training panel (loss chart, epochs)"),
    ("R", "hand_rounding", "hand-round", False, "hand-rounding: round every value to the shown decimals before "
     "it is used (toggle)"),
    ("g", "gradient_check", "grad check", False, "gradient check of the selected weight or bias: backprop beside "
     "a finite difference"),
    ("e", "export", "export", False, "export the complete iteration: Markdown, LaTeX or a PyTorch script"),
    ("m", "messages", "messages", False, "the message log: every message of this session, whole, to scroll "
     "back through"),
    ("d", "trace_direction", "trace", True, "trace the selected value: what it reads → what reads it → off"),
    ("l", "pick_samples", "samples", False, "pick the sample (or batch) this iteration uses: a list with labels "
     "and pictures"),
    ("a", "learning_rate", "α", False, "change the learning rate α (typed in the status line, checked as in a file)"),
    ("N", "network_editor", "editor", True, "network editor: add, remove, reorder and change layers, loss and "
     "settings (checked as a file is)"),
    ("i", "intro", "story", False, "the scenario's story: its description and the keys to start (any key closes it)"),
    ("question_mark", "help", "help", True, "help: every key"),
    ("q", "quit", "quit", True, "quit (asks first when there are unsaved changes)"),
]

# the network editor's keys (its own screen; help and the palette list them too)
EDITOR_KEYS: list[tuple[str, str, str, bool, str]] = [
    ("enter", "edit_row", "edit", True, "edit the selected layer or setting as the file writes it (enter applies, "
     "escape cancels)"),
    ("a", "add_layer", "add", True, "add a dense layer after the selected one (edit its line to change its type)"),
    ("x,delete", "remove_layer", "remove", True, "remove the selected layer"),
    ("K,shift+up", "move_up", "up", True, "move the selected layer up (earlier)"),
    ("J,shift+down", "move_down", "down", True, "move the selected layer down (later)"),
    ("z", "undo_change", "undo", True, "undo the last change in the editor"),
    ("o", "open_design", "open", True, "open the network in the stepping view (S there saves it as a scenario)"),
    ("escape", "leave_editor", "back", True, "back to the stepping view without the changes (asks first)"),
]
EDITOR_BINDINGS: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    Binding(key, action, label, show=shown, tooltip=text) for key, action, label, shown, text in EDITOR_KEYS]
_EDITOR_KEYS_OF: dict[str, str] = {action: keys for keys, action, *_ in EDITOR_KEYS}

# moving and editing inside a panel's values (numbers or heatmap)
GRID_BINDINGS: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    Binding("up", "move(0,-1)", "up", show=False),
    Binding("down", "move(0,1)", "down", show=False),
    Binding("left", "move(-1,0)", "left", show=False),
    Binding("right", "move(1,0)", "right", show=False),
    Binding("home", "row_edge(-1)", show=False),
    Binding("end", "row_edge(1)", show=False),
    Binding("enter", "edit", "edit", tooltip="edit the selected weight, bias, input or target"),
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
    """The key bar's word for an action: ``short_label("step_next")`` → ``next``."""
    return _LABELS[action]
