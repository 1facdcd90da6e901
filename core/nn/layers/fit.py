"""Shape checks shared by the window layers (conv, pool): does the window fit the input?

A misfit is a ScenarioError naming the layer's field, e.g. ``layers[1].kernel``.
"""

from __future__ import annotations

from typing import Any

from core.errors import ScenarioError
from core.nn.layers.base import shape_text


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
        raise ScenarioError(f"a {kind} layer needs a {want} input, but {previous} gives "
                            f"{shape_text(in_shape)}", field=field)


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
    for axis, what in ((0, "height"), (1, "width" if dims == 2 else "length")):
        if dims == 1 and axis == 0:
            continue
        room = spatial[axis] + 2 * padding[axis]
        if size[axis] > room:
            pad = f" + 2·padding {padding[axis]}" if padded else ""
            raise ScenarioError(f"{size_key} {size[axis]} does not fit the input {what} "
                                f"{spatial[axis]}{pad} (input {shape_text(in_shape)} from "
                                f"{previous})", field=f"{path}.{size_key}")
    return dims, size, stride, padding
