"""Shape checks shared by the window layers (conv, pool): does the window fit the input?

A misfit is a ScenarioError naming the layer's field, e.g. ``layers[1].kernel``.
"""

from __future__ import annotations

from typing import Any

from core.errors import ScenarioError
from core.i18n import mark, tr
from core.nn.layers.base import SpecSize, shape_text


def pair(value: int | tuple[int, int] | list[int], dims: int, fill: int = 1) -> tuple[int, int]:
    """A size as (height, width); a 1-D layer has height ``fill`` (1 for sizes, 0 for padding)."""
    if dims == 1:
        assert isinstance(value, int)
        return (fill, int(value))
    if isinstance(value, int):
        return (value, value)
    return (int(value[0]), int(value[1]))


def dims_of(kind: str) -> int:
    """1 for ``conv1d``/``maxpool1d``…, else 2."""
    return 1 if kind.endswith("1d") else 2


def needs_spatial(kind: str, dims: int, in_shape: tuple[int, ...], previous: str, field: str) -> None:
    """Refuse an input that is not ``[channels, length]`` (1-D) or ``[channels, height, width]``."""
    if len(in_shape) != dims + 1:
        want = "[channels, length]" if dims == 1 else "[channels, height, width]"
        raise ScenarioError(tr("a {kind} layer needs a {want} input, but {previous} gives {shape}", kind=kind,
                               want=want, previous=previous, shape=shape_text(in_shape)), field=field)


def window(spec: Any, in_shape: tuple[int, ...], previous: str, path: str, size_key: str,
           padded: bool) -> tuple[int, tuple[int, int], tuple[int, int], tuple[int, int]]:
    """(dims, size, stride, padding) of a window layer's spec, checked against its input."""
    kind = spec["type"]
    dims = dims_of(kind)
    needs_spatial(kind, dims, in_shape, previous, f"{path}.type")
    size = pair(spec[size_key], dims)
    stride = pair(spec.get("stride", 1 if padded else spec[size_key]), dims)
    padding = pair(spec.get("padding", 0), dims, fill=0) if padded else (0, 0)
    spatial = in_shape[1:] if dims == 2 else (1, in_shape[1])
    for axis, what in ((0, mark("height")), (1, mark("width") if dims == 2 else mark("length"))):
        if dims == 1 and axis == 0:
            continue
        room = spatial[axis] + 2 * padding[axis]
        if size[axis] > room:
            pad = f" + 2·padding {padding[axis]}" if padded else ""
            raise ScenarioError(tr("{key} {size} does not fit the input {what} {room}{pad} (input {shape} from "
                                   "{previous})", key=size_key, size=size[axis], what=tr(what), room=spatial[axis],
                                   pad=pad, shape=shape_text(in_shape), previous=previous), field=f"{path}.{size_key}")
    return dims, size, stride, padding


def _loose_pair(value: Any, dims: int) -> tuple[int, int] | None:
    """A validated size as (height, width); None when it is not one (the loader reports it)."""
    if dims == 1:
        return (1, value) if isinstance(value, int) else None
    if isinstance(value, int):
        return (value, value)
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return (int(value[0]), int(value[1]))
    return None


def window_size(spec: Any, in_shape: tuple[int, ...], size_key: str, padded: bool, channels_out: int | None,
                kept_per_output: int) -> SpecSize | None:
    """A window layer's sizes from its spec alone (None when it does not fit its input).

    ``channels_out`` is a convolution's filter count (None: a pool keeps its channels);
    each output keeps ``kept_per_output`` values, plus the window reads (one per element)
    and the (zero-padded) input grid a pass may allocate: with a huge stride and padding
    few windows can stand on a vast grid.
    """
    kind = spec["type"]
    dims = dims_of(kind)
    if len(in_shape) != dims + 1:
        return None
    size = _loose_pair(spec.get(size_key), dims)
    stride = _loose_pair(spec.get("stride", 1 if padded else spec.get(size_key)), dims)
    padding = _loose_pair(spec.get("padding", 0), dims) if padded else (0, 0)
    if size is None or stride is None or padding is None:
        return None
    if dims == 1:
        padding = (0, padding[1])
    channels = in_shape[0]
    spatial = (1, in_shape[1]) if dims == 1 else (in_shape[1], in_shape[2])
    rooms = [spatial[a] + 2 * padding[a] for a in (0, 1)]
    if any(size[a] > rooms[a] or stride[a] < 1 for a in (0, 1)):
        return None
    window = size[0] * size[1]
    out_spatial = [(rooms[a] - size[a]) // stride[a] + 1 for a in (0, 1)]
    positions = out_spatial[0] * out_spatial[1]
    columns = channels * window * positions  # the window elements of one sample
    grid = channels * rooms[0] * rooms[1]  # the (zero-padded) input grid
    out_channels = channels if channels_out is None else channels_out
    out = out_channels * positions
    params = 0 if channels_out is None else channels_out * channels * window + channels_out
    return SpecSize((out_channels, *out_spatial[2 - dims:]), kept_per_output * out + columns + grid, params,
                    window=(size[0], size[1]), window_field=size_key, window_entries=positions * window)
