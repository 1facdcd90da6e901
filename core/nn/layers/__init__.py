"""The layer registry: type name → layer class. One line per layer module.

Importing a module registers its class (``@register`` in base.py), which refuses a
class that is not fully described. To add a layer, write its module (see base.py for
the interface and docs/development.md for the recipe) and import it here.
"""

from core.nn.layers.base import LAYER_CLASSES, Field, Layer, Params, register, shape_text
from core.nn.layers.conv import Conv
from core.nn.layers.dense import Dense
from core.nn.layers.flatten import Flatten
from core.nn.layers.pool import Pool

# isort: split
from core.nn.layers.add import Add  # registered last, so it is listed last in messages

LAYER_TYPES = tuple(LAYER_CLASSES)


def layer_class(type_name: str) -> type[Layer]:
    """The class that builds layers of ``type_name`` (one of LAYER_TYPES)."""
    return LAYER_CLASSES[type_name]


__all__ = ["LAYER_CLASSES", "LAYER_TYPES", "Add", "Conv", "Dense", "Field", "Flatten", "Layer", "Params", "Pool",
           "layer_class", "register", "shape_text"]
