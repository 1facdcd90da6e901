"""Layer families: dense, conv (1-D and 2-D), pool (max/avg, 1-D and 2-D), flatten."""

from core.layers.base import Layer, Params
from core.layers.conv import Conv
from core.layers.dense import Dense
from core.layers.flatten import Flatten
from core.layers.pool import Pool

LAYER_TYPES = ("dense", "conv1d", "conv2d", "maxpool1d", "maxpool2d", "avgpool1d", "avgpool2d",
               "flatten")

__all__ = ["LAYER_TYPES", "Conv", "Dense", "Flatten", "Layer", "Params", "Pool"]
