"""The layer registry: type name → layer class, found by itself.

Every module of this package is imported once, in name order; a module that defines a
layer registers its class (``@register`` in base.py), which refuses a class that is not
fully described. To add a layer, write its module (see base.py for the interface and
docs/development.md for the recipe): nothing here or elsewhere lists it.
"""

import importlib
import pkgutil

from core.nn.layers.base import LAYER_CLASSES, Field, Layer, Params, register, shape_text


def _import_every_module() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}")


_import_every_module()
LAYER_TYPES = tuple(LAYER_CLASSES)


def layer_class(type_name: str) -> type[Layer]:
    """The class that builds layers of ``type_name`` (one of LAYER_TYPES)."""
    return LAYER_CLASSES[type_name]


__all__ = ["LAYER_CLASSES", "LAYER_TYPES", "Field", "Layer", "Params", "layer_class", "register", "shape_text"]
