"""Layer families: dense, conv (1-D and 2-D), pool (max/avg, 1-D and 2-D), flatten, add."""

from core.nn.layers.add import Add
from core.nn.layers.base import Layer, Params
from core.nn.layers.conv import Conv
from core.nn.layers.dense import Dense
from core.nn.layers.flatten import Flatten
from core.nn.layers.pool import Pool

LAYER_TYPES = ("dense", "conv1d", "conv2d", "maxpool1d", "maxpool2d", "avgpool1d", "avgpool2d",
               "flatten", "add")

__all__ = ["LAYER_TYPES", "Add", "Conv", "Dense", "Flatten", "Layer", "Params", "Pool"]
