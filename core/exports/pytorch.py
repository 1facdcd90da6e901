"""Export a scenario's current iteration as a self-contained PyTorch script.

The script builds the same network with the same weights, runs the same iteration
(forward, backward, the update by the scenario's ``torch.optim`` optimizer, started from
the same optimizer state) in float64 and prints every value under the same names and in
the same JSON shape as ``cnn-tui solve --format json``, so a learner can check that a
real framework agrees.

Every string from the scenario (its name, layer names) enters the script only as a
Python string literal (``core.text.python_literal``), never inside a docstring or a
comment, so running an export can never run anything a file wrote.
"""

from __future__ import annotations

import json

import numpy as np

from core.engine.network import Network
from core.engine.quantities import KINDS
from core.engine.stepper import Stepper
from core.nn.optim import get_optimizer
from core.text import python_literal


def _lit(arr: np.ndarray) -> str:
    """A Python literal of ``arr``'s numbers (each float's shortest round-trip text). A value
    that overflowed before the exported iteration (an earlier update, a running variance) is
    ``float('inf')`` or ``float('nan')``: JSON's ``Infinity`` is no name in Python."""
    text = json.dumps(np.asarray(arr, dtype=np.float64).tolist())
    if "Infinity" in text or "NaN" in text:  # (no finite number's text holds a letter but e)
        text = text.replace("Infinity", "float('inf')").replace("NaN", "float('nan')")
    return text


def _key(layer: str, kind: str) -> str:
    """The literal of a ``layer.kind`` key (``'fc.weight'``), escaped as any file string is."""
    return python_literal(f"{layer}.{kind}")


def _reads(network: Network, name: str) -> list[str]:
    """What a layer reads, when it is not the previous layer's ``h``: ``h`` set to the tensor
    of its one input, or ``hs`` to the list of its inputs (a layer such as add)."""
    sources = ["x" if src == "input" else f"kept[{_key(src, 'out')}]" for src in network.inputs_of(name)]
    if len(sources) > 1:
        return [f"hs = [{', '.join(sources)}]"]
    return [] if network.reads_previous(name) else [f"h = {sources[0]}"]


def to_pytorch(stepper: Stepper) -> str:
    """The script text for the stepper's current iteration (its parameters and batch)."""
    network = stepper.network
    s = stepper.scenario
    x = stepper.batched("input")
    y = stepper.batched("target")
    assert x is not None and y is not None
    lines = [
        "#!/usr/bin/env python3",
        '"""One iteration of a cnn-tui scenario (SCENARIO below) in PyTorch, exported by cnn-tui.',
        "",
        "Builds the same network with the same weights, runs the same iteration in float64 and",
        "prints every value as JSON, in the shape of `cnn-tui solve --format json`.",
        '"""',
        f"SCENARIO = {python_literal(s.name)}",
        "",
        "import json",
        "",
        "import torch",
        "import torch.nn.functional as F",
        "",
        "torch.set_default_dtype(torch.float64)",
        f"BATCH = {stepper.batch_size}",
        f"LEARNING_RATE = {s.learning_rate!r}",
        f"x = torch.tensor({_lit(x)})",
        f"y = torch.tensor({_lit(y)})",
        "params = {}",
    ]
    for layer in network.param_layers():
        for pname in ("weight", "bias"):
            lines.append(f"params[{_key(layer.name, pname)}] = torch.tensor("
                         f"{_lit(stepper.params[layer.name][pname])}, requires_grad=True)")
    lines += _optimizer_lines(stepper)
    lines += _layer_state_lines(stepper)
    lines += ["", "values = {}", "kept = {}  # tensors whose gradients we report",
              "own = {}  # the layers' own quantities (batch statistics, masks), reported as they are", "", "h = x"]
    if any(not layer.has_params and "input" in network.inputs_of(layer.name) for layer in network.layers):
        # a layer without parameters reads the sample: its output needs a graph
        lines.insert(lines.index("h = x"), "x.requires_grad_(True)")
    for layer in network.layers:
        n = layer.name
        lines += _reads(network, n)
        lines += layer.torch_lines()  # the layer's own forward line(s): h → z (with a net) or h
        if layer.has_net:
            act = layer.activation
            assert act is not None
            lines += ["z.retain_grad()", f"kept[{_key(n, 'net')}] = z", f"h = {act.torch_expression()}"]
        lines += ["h.retain_grad()", f"kept[{_key(n, 'out')}] = h"]
    last = network.layers[-1]
    loss_expr = network.loss.torch
    lines += [
        "",
        "out = h.reshape(BATCH, -1)",
        f"loss = {loss_expr}",
        "loss.backward()",
        "loss_value = loss.item()",
    ]
    fused = network.fused
    if fused is not None and fused.torch_value is not None:
        lines += [
            "# the loss itself from the logits, as cnn-tui computes it",
            "with torch.no_grad():",
            f"    logits = kept[{_key(last.name, 'net')}].reshape(BATCH, -1)",
            f"    loss_value = ({fused.torch_value}).item()",
        ]
    lines += [
        "",
        "",
        "def plain(t):",
        '    """Per-sample arrays lose their batch axis when BATCH == 1, as in cnn-tui."""',
        "    return t.detach().tolist()",
        "",
        "",
        "def per_sample(t):",
        "    return plain(t[0] if BATCH == 1 else t)",
        "",
        "",
        'values = {"input": per_sample(x), "target": per_sample(y), "loss": loss_value}',
        "for name, t in kept.items():",
        '    layer, kind = name.split(".")',
        "    values[name] = per_sample(t)",
        '    values[layer + (".grad_out" if kind == "out" else ".delta")] = per_sample(t.grad)',
        "for name, t in own.items():",
        '    values[name] = per_sample(t) if name.split(".")[1] in PER_SAMPLE else plain(t)',
        "with torch.no_grad():",
        "    for name, p in params.items():",
        '        layer, kind = name.split(".")',
        "        values[name] = plain(p)",
        '        values[f"{layer}.grad_{kind}"] = plain(p.grad)',
        "optimizer.step()",
        "with torch.no_grad():",
        "    for name, p in params.items():",
        '        layer, kind = name.split(".")',
        '        values[f"{layer}.new_{kind}"] = plain(p)',
        "        for buffer in () if name in FROZEN else STATE:",
        '            values[f"{layer}.{buffer}_{kind}"] = plain(optimizer.state[p][buffer])',
        "",
        'print(json.dumps({"format": 1, "name": SCENARIO, "iterations": [',
        f'    {{"iteration": {stepper.iteration}, "samples": {stepper.sample_indices()}, '
        '"loss": loss_value, "values": values}]}))',
    ]
    frozen = [_key(layer.name, p) for layer in network.param_layers() for p in sorted(layer.frozen)]
    lines.insert(lines.index("params = {}"), f"FROZEN = [{', '.join(frozen)}]")
    return "\n".join(lines) + "\n"


def _layer_state_lines(stepper: Stepper) -> list[str]:
    """The layers' state before this iteration (running statistics) and this iteration's
    given arrays (dropout's mask, used as it is: torch's random numbers differ from ours)."""
    network = stepper.network
    per_sample = sorted({kind for layer in network.layers for kind in layer.own_kinds() if KINDS[kind].per_sample})
    lines = ["", f"PER_SAMPLE = {per_sample!r}  # own kinds with one value per sample", "state = {}", "given = {}"]
    for layer in network.layers:
        if layer.state_defaults:
            for kind, arr in (stepper.layer_state.get(layer.name) or layer.initial_state()).items():
                lines.append(f"state[{_key(layer.name, kind)}] = torch.tensor({_lit(arr)})")
    for layer in network.layers:
        for kind in layer.given_kinds:
            given = stepper.batched(f"{layer.name}.{kind}")
            assert given is not None
            lines.append(f"given[{_key(layer.name, kind)}] = torch.tensor({_lit(given)})")
    return lines


def _optimizer_lines(stepper: Stepper) -> list[str]:
    """Build the scenario's optimizer over the parameters that are not frozen, with the
    state this iteration starts from (torch's own buffer names)."""
    config = stepper.scenario.optimizer
    rule = get_optimizer(config.type)
    lines = ["", "trainable = [p for name, p in params.items() if name not in FROZEN]",
             *rule.torch_lines(config, "trainable", "LEARNING_RATE"),
             f"STATE = {list(rule.kept_kinds(config.options))!r}  # the optimizer's buffers we report"]
    state = stepper.optimizer_state
    for key, arr in state.buffers.items():
        layer, _, kind = key.partition(".")
        buffer, _, pname = kind.rpartition("_")
        lines.append(f"optimizer.state[params[{_key(layer, pname)}]][{python_literal(buffer)}] = "
                     f"torch.tensor({_lit(arr)})")
    if rule.torch_step_key is not None and state.step:
        key = python_literal(rule.torch_step_key)
        lines += ["for p in trainable:  # updates already taken",
                  f"    optimizer.state[p][{key}] = torch.tensor({float(state.step)!r})"]
    return lines
