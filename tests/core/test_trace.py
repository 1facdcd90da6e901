"""Trace: what a value's formula reads, and what reads it, on every layer type and the optimizer state."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures.helpers import build, random_samples, scenario_text

from core.engine.quantities import format_index
from core.engine.stepper import Stepper
from core.errors import QuantityError
from core.explain.trace import dependents, precedents
from core.scenario.catalog import load


def stepped(layers: list[dict], shape: list[int], loss: str = "squared_error", outputs: int = 2, batch: int = 1,
            extra: str = "", seed: int = 1) -> Stepper:
    rng = np.random.default_rng(seed)
    text = scenario_text(shape, layers, loss, random_samples(rng, tuple(shape), outputs, loss, 2), 0.1, batch,
                         seed=seed, extra=extra)
    st = Stepper(build(text))
    st.run_iteration()
    return st


def reads(st: Stepper, name: str) -> set[str]:
    return set(precedents(st, name).names)


def read_by(st: Stepper, name: str) -> set[str]:
    return set(dependents(st, name).names)


def every_name(st: Stepper) -> list[str]:
    """Every scalar value of the network, by name."""
    from core.engine.quantities import parse_name
    from core.engine.quantity_shapes import quantity_shape
    from core.exports.report import quantity_names

    names = []
    for array in quantity_names(st):
        shape = quantity_shape(st.network, st.batch_size, parse_name(array))
        names += [array + (format_index(tuple(int(i) for i in idx)) if shape else "") for idx in np.ndindex(*shape)]
    return names


# --- tiny-cnn, the notes' network: conv1d, max-pool, dense, softmax + cross-entropy ---------

def test_a_dense_net_reads_its_weight_row_the_inputs_and_its_bias() -> None:
    st = Stepper(load("tiny-cnn"))
    st.run_iteration()
    trace = precedents(st, "fc.net[0]")
    assert trace.direction == "reads"
    assert [(link.name, link.role) for link in trace.links] == [
        ("fc.weight[0,0]", "param"), ("pool.out[0,0]", "value"), ("fc.weight[0,1]", "param"),
        ("pool.out[1,0]", "value"), ("fc.bias[0]", "param")]


def test_a_max_pool_output_reads_its_window_and_marks_the_winner() -> None:
    st = Stepper(load("tiny-cnn"))
    st.forward_all()
    conv = st.array("conv.out")
    assert conv is not None
    winner = int(np.argmax(conv[0, :2]))
    trace = precedents(st, "pool.out[0,0]")
    assert {link.name: link.role for link in trace.links} == {
        f"conv.out[0,{winner}]": "chosen", f"conv.out[0,{1 - winner}]": "value"}


def test_the_pool_gradient_reaches_only_the_winner() -> None:
    st = Stepper(load("tiny-cnn"))
    st.run_iteration()
    conv = st.array("conv.out")
    assert conv is not None
    winner = int(np.argmax(conv[0, :2]))
    assert reads(st, f"conv.grad_out[0,{winner}]") == {"pool.grad_out[0,0]"}
    assert reads(st, f"conv.grad_out[0,{1 - winner}]") == set()
    assert read_by(st, "pool.grad_out[0,0]") == {f"conv.grad_out[0,{winner}]", f"conv.delta[0,{winner}]"}


def test_a_hidden_delta_reads_the_deltas_and_weights_above_and_its_own_activation() -> None:
    st = Stepper(load("tiny-cnn"))
    st.run_iteration()
    # δ_fc[0] = (δ_out[0]·w_out[0,0] + δ_out[1]·w_out[1,0]) · a_fc[0]·(1 − a_fc[0]): sigmoid's f′ reads a
    assert reads(st, "fc.delta[0]") == {"out.delta[0]", "out.weight[0,0]", "out.delta[1]", "out.weight[1,0]",
                                        "fc.out[0]"}


def test_softmax_and_its_fused_delta_and_the_loss() -> None:
    st = Stepper(load("tiny-cnn"))
    st.run_iteration()
    assert reads(st, "out.out[0]") == {"out.net[0]", "out.net[1]"}  # e^z_0 / Σ e^z_k
    assert reads(st, "out.delta[1]") == {"out.out[1]", "target[1]"}  # a − y
    assert reads(st, "loss") == {"out.out[0]", "out.out[1]", "target[0]", "target[1]"}
    assert read_by(st, "target[0]") == {"out.grad_out[0]", "out.delta[0]", "loss"}
    st.edit("target[1]", 0.5)  # the targets sum to 1.5: δ_i = a_i·Σ_j y_j − y_i reads every target
    st.run_iteration()
    assert reads(st, "out.delta[0]") == {"out.out[0]", "target[0]", "target[1]"}


def test_the_update_of_a_dense_weight_reads_what_its_formula_writes_in() -> None:
    st = Stepper(load("tiny-cnn"))
    st.run_iteration()
    # one sample: w′ = w − α·δ·x, the gradient written in as its product
    assert reads(st, "fc.new_weight[0,1]") == {"fc.weight[0,1]", "fc.delta[0]", "pool.out[1,0]"}
    assert reads(st, "fc.new_bias[1]") == {"fc.bias[1]", "fc.delta[1]"}
    # a conv gradient is a sum over positions: its update names ∂E/∂w
    assert reads(st, "conv.new_weight[1,0,2]") == {"conv.weight[1,0,2]", "conv.grad_weight[1,0,2]"}


def test_a_weight_is_read_by_the_nets_it_multiplies_and_its_update() -> None:
    st = Stepper(load("tiny-cnn"))
    st.run_iteration()
    assert read_by(st, "conv.weight[0,0,1]") == {"conv.net[0,0]", "conv.net[0,1]", "conv.new_weight[0,0,1]"}
    assert read_by(st, "out.weight[1,0]") == {"out.net[1]", "fc.grad_out[0]", "fc.delta[0]", "out.new_weight[1,0]"}


def test_a_given_value_reads_nothing_and_a_bad_name_is_refused() -> None:
    st = Stepper(load("tiny-cnn"))
    assert precedents(st, "conv.weight[0,0,0]").links == ()
    assert precedents(st, "input[0,2]").links == ()
    with pytest.raises(QuantityError):
        precedents(st, "fc.net[7]")
    with pytest.raises(QuantityError):
        dependents(st, "nothing.out[0]")


# --- dense with a batch ------------------------------------------------------------------

def test_dense_in_a_batch_reads_the_sample_s_own_inputs() -> None:
    st = stepped([{"name": "fc", "type": "dense", "units": 2, "activation": "relu"}], [3], batch=2)
    assert reads(st, "fc.net[1,0]") == {"fc.weight[0,0]", "fc.weight[0,1]", "fc.weight[0,2]", "fc.bias[0]",
                                        "input[1,0]", "input[1,1]", "input[1,2]"}
    # relu's f′ reads z; the output's ∂E/∂a of a squared error reads a and y
    assert reads(st, "fc.delta[1,0]") == {"fc.out[1,0]", "target[1,0]", "fc.net[1,0]"}
    assert reads(st, "fc.grad_weight[0,2]") == {"fc.delta[0,0]", "input[0,2]", "fc.delta[1,0]", "input[1,2]"}
    # two samples: the update names the gradient (a sum over the batch)
    assert reads(st, "fc.new_weight[0,2]") == {"fc.weight[0,2]", "fc.grad_weight[0,2]"}


# --- convolutions with stride and padding -------------------------------------------------------

def conv_window(out_pos: int, stride: int, padding: int, kernel: int, length: int) -> list[tuple[int, int]]:
    """(kernel tap, input position) of the taps of one output position that fall inside the input."""
    return [(k, out_pos * stride - padding + k) for k in range(kernel)
            if 0 <= out_pos * stride - padding + k < length]


def test_conv1d_with_stride_and_padding_reads_the_window_inside_the_input() -> None:
    layers = [{"name": "c", "type": "conv1d", "filters": 2, "kernel": 3, "stride": 2, "padding": 1,
               "activation": "tanh"},
              {"name": "flat", "type": "flatten"},
              {"name": "out", "type": "dense", "units": 2, "activation": "linear"}]
    st = stepped(layers, [2, 5])
    for p in range(3):
        expected = {f"c.weight[1,{ch},{k}]" for ch in range(2) for k, _ in conv_window(p, 2, 1, 3, 5)}
        expected |= {f"input[{ch},{x}]" for ch in range(2) for _, x in conv_window(p, 2, 1, 3, 5)}
        assert reads(st, f"c.net[1,{p}]") == expected | {"c.bias[1]"}
    # the first output's window starts on padding: tap 0 reads nothing
    assert "c.weight[1,0,0]" not in reads(st, "c.net[1,0]")
    # ∂E/∂w sums δ·x over the positions whose window puts that tap inside the input
    assert reads(st, "c.grad_weight[0,1,0]") == {"c.delta[0,1]", "input[1,1]", "c.delta[0,2]", "input[1,3]"}
    # flatten copies: out[j] is c.out at the same C-order position, and passes the gradient back
    assert reads(st, "flat.out[4]") == {"c.out[1,1]"}
    assert reads(st, "c.grad_out[1,1]") == {"flat.grad_out[4]"}


def test_conv2d_with_stride_and_padding() -> None:
    layers = [{"name": "c", "type": "conv2d", "filters": 1, "kernel": 2, "stride": 2, "padding": 1,
               "activation": "relu"},
              {"name": "flat", "type": "flatten"},
              {"name": "out", "type": "dense", "units": 2, "activation": "sigmoid"}]
    st = stepped(layers, [1, 3, 3])
    # output (1, 1) covers input rows 1..2, cols 1..2 (row 0 and col 0 of the window start at 2·1 − 1)
    assert reads(st, "c.net[0,1,1]") == {"c.weight[0,0,0,0]", "c.weight[0,0,0,1]", "c.weight[0,0,1,0]",
                                         "c.weight[0,0,1,1]", "input[0,1,1]", "input[0,1,2]", "input[0,2,1]",
                                         "input[0,2,2]", "c.bias[0]"}
    # output (0, 0) has only its last tap inside: input (0, 0)
    assert reads(st, "c.net[0,0,0]") == {"c.weight[0,0,1,1]", "input[0,0,0]", "c.bias[0]"}
    assert read_by(st, "input[0,0,0]") == {"c.net[0,0,0]", "c.grad_weight[0,0,1,1]"}


# --- pools ---------------------------------------------------------------------------

def test_avg_pool_reads_its_whole_window_and_shares_the_gradient() -> None:
    layers = [{"name": "c", "type": "conv1d", "filters": 1, "kernel": 1, "activation": "linear"},
              {"name": "pool", "type": "avgpool1d", "size": 2},
              {"name": "flat", "type": "flatten"},
              {"name": "out", "type": "dense", "units": 2, "activation": "linear"}]
    st = stepped(layers, [1, 4])
    trace = precedents(st, "pool.out[0,1]")
    assert {(link.name, link.role) for link in trace.links} == {("c.out[0,2]", "value"), ("c.out[0,3]", "value")}
    assert reads(st, "c.grad_out[0,3]") == {"pool.grad_out[0,1]"}
    assert read_by(st, "pool.grad_out[0,1]") == {"c.grad_out[0,2]", "c.grad_out[0,3]", "c.delta[0,2]",
                                                 "c.delta[0,3]"}


def test_max_pool_2d_winner() -> None:
    layers = [{"name": "pool", "type": "maxpool2d", "size": 2},
              {"name": "flat", "type": "flatten"},
              {"name": "out", "type": "dense", "units": 2, "activation": "linear"}]
    st = stepped(layers, [1, 2, 4])
    x = st.array("input")
    assert x is not None
    window = x[0, 0:2, 2:4]
    r, c = divmod(int(np.argmax(window)), 2)
    trace = precedents(st, "pool.out[0,0,1]")
    assert trace.role_of(f"input[0,{r},{2 + c}]") == "chosen"
    assert [link.role for link in trace.links].count("chosen") == 1
    assert len(trace.links) == 4


# --- add (a graph) -------------------------------------------------------------------------

RESIDUAL = [
    {"name": "h1", "type": "dense", "units": 2, "activation": "tanh"},
    {"name": "h2", "type": "dense", "units": 2, "activation": "sigmoid"},
    {"name": "skip", "type": "add", "inputs": ["h1", "h2"], "activation": "relu"},
    {"name": "out", "type": "dense", "units": 2, "activation": "softmax"},
]


def test_add_reads_each_input_and_the_fan_out_gathers_both_paths() -> None:
    st = stepped(RESIDUAL, [2], loss="cross_entropy")
    assert reads(st, "skip.net[1]") == {"h1.out[1]", "h2.out[1]"}
    # h1 is read by h2 and by skip: its ∂E/∂a sums both paths
    assert reads(st, "h1.grad_out[0]") == {"h2.delta[0]", "h2.weight[0,0]", "h2.delta[1]", "h2.weight[1,0]",
                                           "skip.delta[0]"}
    assert read_by(st, "skip.delta[0]") == {"h1.grad_out[0]", "h1.delta[0]", "h2.grad_out[0]", "h2.delta[0]"}
    assert read_by(st, "h1.out[1]") >= {"h2.net[0]", "h2.net[1]", "skip.net[1]", "h1.delta[1]"}


# --- optimizer state --------------------------------------------------------------------------

MOMENTUM = "optimizer: {type: sgd, momentum: 0.9}\n"


def momentum_stepper(extra: str) -> Stepper:
    layers = [{"name": "fc", "type": "dense", "units": 2, "activation": "linear"}]
    return stepped(layers, [2], batch=2, extra=extra)


def test_sgd_momentum_update_reads_the_buffer_and_the_buffer_reads_the_gradient() -> None:
    st = momentum_stepper(MOMENTUM)
    trace = precedents(st, "fc.new_weight[1,0]")
    assert {(link.name, link.role) for link in trace.links} == {
        ("fc.weight[1,0]", "param"), ("fc.momentum_buffer_weight[1,0]", "param")}
    assert reads(st, "fc.momentum_buffer_weight[1,0]") == {"fc.grad_weight[1,0]"}
    assert read_by(st, "fc.momentum_buffer_bias[0]") == {"fc.new_bias[0]"}
    assert read_by(st, "fc.grad_bias[0]") == {"fc.momentum_buffer_bias[0]"}


def test_nesterov_and_weight_decay_read_what_their_formulas_add() -> None:
    st = momentum_stepper("optimizer: {type: sgd, momentum: 0.5, nesterov: true, weight_decay: 0.1}\n")
    # v′ = μ·v + (g + λ·w); w′ = w − α·((g + λ·w) + μ·v′)
    assert reads(st, "fc.momentum_buffer_weight[0,1]") == {"fc.grad_weight[0,1]", "fc.weight[0,1]"}
    assert reads(st, "fc.new_weight[0,1]") == {"fc.grad_weight[0,1]", "fc.weight[0,1]",
                                               "fc.momentum_buffer_weight[0,1]"}


def test_plain_sgd_update_reads_the_weight_and_its_gradient() -> None:
    st = momentum_stepper("")
    assert reads(st, "fc.new_bias[1]") == {"fc.bias[1]", "fc.grad_bias[1]"}


def test_a_frozen_parameter_keeps_its_value() -> None:
    layers = [{"name": "fc", "type": "dense", "units": 2, "activation": "linear", "frozen": ["weight"]}]
    st = stepped(layers, [2])
    assert reads(st, "fc.new_weight[0,0]") == {"fc.weight[0,0]"}


# --- the two directions agree, on every value of several networks ------------------------------

@pytest.mark.parametrize("which", ["tiny-cnn", "residual", "momentum", "batchnorm-tiny", "dropout-tiny"])
def test_dependents_are_exactly_the_inverse_of_precedents(which: str) -> None:
    st = {"tiny-cnn": lambda: _run(Stepper(load("tiny-cnn"))),
          "batchnorm-tiny": lambda: _run(Stepper(load("batchnorm-tiny"))),
          "dropout-tiny": lambda: _run(Stepper(load("dropout-tiny"))),
          "residual": lambda: stepped(RESIDUAL, [2], loss="cross_entropy", batch=2),
          "momentum": lambda: momentum_stepper(MOMENTUM)}[which]()
    names = every_name(st)
    forward = {name: reads(st, name) for name in names}
    for name in names:
        assert read_by(st, name) == {other for other, got in forward.items() if name in got}, name
        for got in forward[name]:
            assert got in names, (name, got)


def _run(st: Stepper) -> Stepper:
    st.run_iteration()
    return st


def test_every_precedent_names_one_existing_value() -> None:
    st = Stepper(load("digits"))
    st.run_iteration()
    trace = precedents(st, "out.net[3,7]")
    assert len(trace.links) == 128 + 128 + 1  # 128 weights, 128 inputs, the bias
    for link in trace.links:
        st.value(link.name)  # raises when the name is not a value
    assert "input[3,0,2,5]" not in trace.names and "flat.out[3,5]" in trace.names


def test_a_max_pool_value_not_computed_yet_says_so_and_a_net_is_traced_before_it_is_computed() -> None:
    st = Stepper(load("tiny-cnn"))
    with pytest.raises(QuantityError, match="not computed yet"):
        precedents(st, "pool.out[0,0]")
    assert reads(st, "conv.net[1,1]") == {"conv.weight[1,0,0]", "conv.weight[1,0,1]", "conv.weight[1,0,2]",
                                          "input[0,1]", "input[0,2]", "input[0,3]", "conv.bias[1]"}
    # before the forward pass the max's winners are unknown, and so is what reads a conv output
    assert read_by(st, "conv.out[0,0]") == set()
    st.forward_all()
    assert "pool.out[0,0]" in read_by(st, "conv.out[0,0]")


def test_a_max_pool_winner_is_not_named_from_before_an_edit() -> None:
    st = Stepper(load("tiny-cnn"))
    st.forward_all()
    assert precedents(st, "pool.out[0,0]").role_of("conv.out[0,1]") == "chosen"
    st.edit("input[0,3]", 0.0)  # the forward pass is cleared: the old choice no longer holds
    with pytest.raises(QuantityError, match="not computed yet"):
        precedents(st, "pool.out[0,0]")
# --- layers that write their own formulas (batch norm, dropout) ------------------------------

def test_batch_norm_statistics_and_its_route_back_read_the_whole_batch() -> None:
    st = _run(Stepper(load("batchnorm-tiny")))  # fc → bn → out, a batch of 4
    batch = [f"fc.out[{b},0]" for b in range(4)]
    assert reads(st, "bn.mean[0]") == set(batch)
    assert reads(st, "bn.var[0]") == set(batch) | {"bn.mean[0]"}
    assert reads(st, "bn.xhat[2,0]") == {"fc.out[2,0]", "bn.mean[0]", "bn.var[0]"}
    assert reads(st, "bn.net[2,0]") == {"bn.weight[0]", "bn.xhat[2,0]", "bn.bias[0]"}
    assert reads(st, "bn.running_mean[0]") == {"bn.mean[0]"}
    # ∂E/∂x of batch norm: its three terms read every δ of the batch, γ, σ² and every x̂
    assert reads(st, "fc.grad_out[1,0]") == ({f"bn.delta[{b},0]" for b in range(4)} | {"bn.weight[0]", "bn.var[0]"}
                                            | {f"bn.xhat[{b},0]" for b in range(4)})
    assert "bn.mean[0]" in read_by(st, "fc.out[3,0]")


def test_dropout_reads_its_mask() -> None:
    st = _run(Stepper(load("dropout-tiny")))
    assert reads(st, "drop.out[1]") == {"h.out[1]", "drop.mask[1]"}
    assert reads(st, "h.grad_out[1]") == {"drop.grad_out[1]", "drop.mask[1]"}
    assert read_by(st, "drop.mask[1]") == {"drop.out[1]", "h.grad_out[1]", "h.delta[1]"}
