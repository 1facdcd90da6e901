"""Issue 8: a pooling layer without ``stride`` strides by its size, written as one number or a list."""

from __future__ import annotations

import pytest

from core.scenario.load import parse_scenario

SCENARIO = """format: 1
name: pool stride default
input: {input}
samples:
  - {{x: {x}, y: [1.0]}}
layers:
  - {{name: pool, type: {kind}, size: {size}}}
  - {{name: flat, type: flatten}}
  - {{name: fc, type: dense, units: 1}}
loss: mse
learning_rate: 0.1
"""


def _grid(height: int, width: int) -> str:
    return str([[[float(r * width + c) for c in range(width)] for r in range(height)]])


@pytest.mark.parametrize("kind", ["maxpool2d", "avgpool2d"])
@pytest.mark.parametrize(("size", "stride", "out"), [
    ("[2, 3]", (2, 3), (1, 2, 2)),   # a list size: stride [2, 3], 4×6 → 2×2
    ("2", (2, 2), (1, 2, 3)),        # one number: stride 2, 4×6 → 2×3
])
def test_2d_pool_stride_defaults_to_size(kind: str, size: str, stride: tuple[int, int],
                                         out: tuple[int, ...]) -> None:
    text = SCENARIO.format(input="[1, 4, 6]", x=_grid(4, 6), kind=kind, size=size)
    scenario = parse_scenario(text)
    pool = scenario.network.layers[0]
    assert scenario.layer_specs[0]["stride"] == (stride if size.startswith("[") else stride[0])
    assert pool.geometry.stride == stride
    assert pool.out_shape == out


@pytest.mark.parametrize("kind", ["maxpool1d", "avgpool1d"])
def test_1d_pool_stride_defaults_to_size(kind: str) -> None:
    text = SCENARIO.format(input="[1, 6]", x="[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]]", kind=kind, size="3")
    scenario = parse_scenario(text)
    pool = scenario.network.layers[0]
    assert scenario.layer_specs[0]["stride"] == 3
    assert pool.out_shape == (1, 2)


def test_1d_pool_refuses_a_list_size() -> None:
    from core.errors import ScenarioError

    text = SCENARIO.format(input="[1, 6]", x="[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]]", kind="maxpool1d",
                           size="[2, 2]")
    with pytest.raises(ScenarioError, match="layers\\[0\\].size: expected one whole number"):
        parse_scenario(text)


def test_2d_max_pool_with_a_list_size_takes_each_window_maximum() -> None:
    from core.engine.stepper import Stepper

    text = SCENARIO.format(input="[1, 4, 6]", x=_grid(4, 6), kind="maxpool2d", size="[2, 3]")
    stepper = Stepper(parse_scenario(text))
    stepper.run_iteration()
    # windows rows 0-1 × cols 0-2 → max 8; cols 3-5 → 11; rows 2-3 → 20, 23
    assert stepper.array("pool.out").tolist() == [[[8.0, 11.0], [20.0, 23.0]]]
