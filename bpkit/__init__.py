"""bpkit: backpropagation you can touch. One small network, every number and formula shown.

Three layers, each a folder, data flowing one way: ``bpkit.core`` (the maths, numpy and sympy)
-> ``bpkit.draw`` (diagrams and plots, matplotlib) -> ``bpkit.widgets`` (explorers, player,
questions, ipywidgets) -> the notebooks. ``import bpkit`` loads the core alone.
"""

from bpkit.core import *  # noqa: F403 -- the core's public face is the package's
from bpkit.core import __all__ as __all__

