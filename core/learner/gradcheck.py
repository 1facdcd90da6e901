"""Gradient check: the analytic gradient of one parameter beside a central finite difference."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.engine.passes import forward_pass, loss_value
from core.engine.quantities import PARAM_KINDS, parse_name
from core.errors import QuantityError
from core.i18n import tr

if TYPE_CHECKING:
    from core.engine.stepper import Stepper


@dataclass(frozen=True)
class GradientCheck:
    """∂E/∂p from backprop and (E(p+h) − E(p−h)) / 2h from the forward pass alone."""

    name: str
    analytic: float
    numeric: float
    step: float

    @property
    def relative_error(self) -> float:
        """|a − n| / max(|a|, |n|), 0 when both are 0."""
        scale = max(abs(self.analytic), abs(self.numeric))
        return 0.0 if scale == 0 else abs(self.analytic - self.numeric) / scale

    @property
    def agrees(self) -> bool:
        return self.relative_error < 1e-5 or abs(self.analytic - self.numeric) < 1e-9


def batch_loss(stepper: Stepper, params: dict[str, dict[str, np.ndarray]]) -> float:
    """The loss of the current batch under ``params`` (exact arithmetic, no hand-rounding)."""
    x = stepper.batched("input")
    y = stepper.batched("target")
    assert x is not None and y is not None
    arrays, nets, _ = forward_pass(stepper.network, params, x, stepper.run())  # its state, its mask
    last = stepper.network.layers[-1].name
    return loss_value(stepper.network, nets[last], arrays[f"{last}.out"], y)


def gradient_check(stepper: Stepper, name: str, step: float = 1e-6) -> GradientCheck:
    """Check ``LAYER.weight[...]`` or ``LAYER.bias[...]`` (or their grad_ names) once the
    backward pass has computed its gradient."""
    ref = parse_name(name)
    kind = ref.kind.removeprefix("grad_").removeprefix("new_")
    if ref.layer is None or kind not in PARAM_KINDS or ref.index is None:
        raise QuantityError(tr("'{name}': a gradient check needs one weight or bias, like fc.weight[0,1]", name=name))
    grad_name = f"{ref.layer}.grad_{kind}{name[name.index('['):]}"
    analytic = stepper.value(grad_name)
    params = stepper.params

    def shifted(delta: float) -> float:
        arr = params[ref.layer][kind].copy()  # type: ignore[index]
        arr[ref.index] += delta
        changed = dict(params)
        changed[ref.layer] = {**params[ref.layer], kind: arr}  # type: ignore[index]
        return batch_loss(stepper, changed)

    numeric = (shifted(step) - shifted(-step)) / (2 * step)
    return GradientCheck(f"{ref.layer}.{kind}{name[name.index('['):]}", analytic, numeric, step)
