"""Which quantities a scenario's network has, and the shape of each (contract §3).

Per-sample quantities (input, target, net, out, grad_out, delta) carry a leading batch
axis when batch_size > 1; parameters and their gradients never do; loss is a scalar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.engine.quantities import PER_SAMPLE_KINDS, QuantityRef
from core.errors import QuantityError
from core.i18n import tr

if TYPE_CHECKING:
    from core.engine.network import Network
    from core.engine.scenario import Scenario

PER_SAMPLE = PER_SAMPLE_KINDS  # net, out, grad_out, delta


def quantity_shape(network: Network, batch_size: int, ref: QuantityRef) -> tuple[int, ...]:
    """Shape of the whole array ``ref`` names; QuantityError if the network has no such array."""
    lead = (batch_size,) if batch_size > 1 else ()
    if ref.layer is None:
        if ref.kind == "loss":
            return ()
        if ref.kind == "input":
            return lead + network.input_shape
        return lead + (network.output_size,)
    try:
        layer = network.layer(ref.layer)
    except KeyError:
        names = ", ".join(layer.name for layer in network.layers)
        raise QuantityError(tr("there is no layer '{layer}' (layers: {names})", layer=ref.layer, names=names)) from None
    kinds = network.kinds(layer)
    if ref.kind not in kinds:
        raise QuantityError(tr("layer '{name}' ({kind}) has no '{asked}' (it has: {kinds})",
                               name=layer.name, kind=layer.kind, asked=ref.kind, kinds=', '.join(kinds)))
    own = layer.own_kinds()
    if ref.kind in own:  # batch norm's statistics, dropout's mask: the layer gives the shape
        return (lead if ref.kind in PER_SAMPLE else ()) + own[ref.kind]
    if ref.kind in PER_SAMPLE:
        return lead + layer.out_shape
    param = ref.kind.rsplit("_", 1)[-1]
    return layer.param_shapes()[param]


def check_index(shape: tuple[int, ...], ref: QuantityRef, require_scalar: bool) -> None:
    """Raise QuantityError unless ``ref.index`` fits ``shape`` (a full index if required)."""
    index = ref.index
    if index is None:
        if require_scalar and shape:
            raise QuantityError(tr("'{ref}' is an array of shape {shape}: name one value, like {array_name}[{zeros}]",
                                   ref=ref, shape=list(shape), array_name=ref.array_name,
                                   zeros=','.join('0' for _ in shape)))
        return
    if len(index) != len(shape) or any(i >= n for i, n in zip(index, shape)):
        what = tr("is a single number") if not shape else tr("has shape {shape}", shape=list(shape))
        raise QuantityError(tr("'{ref}' does not exist: {array_name} {what}",
                               ref=ref, array_name=ref.array_name, what=what))


def check_reference(scenario: Scenario, ref: QuantityRef, require_scalar: bool = False) -> tuple[int, ...]:
    """Validate ``ref`` against a scenario's network and batch size; return the array's shape."""
    shape = quantity_shape(scenario.network, scenario.batch_size, ref)
    check_index(shape, ref, require_scalar)
    return shape
