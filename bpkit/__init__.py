"""bpkit: backpropagation you can touch. One small network, every number and formula shown."""

from bpkit.article import ALPHA, XOR_X, XOR_Y, article_network
from bpkit.errors import BpkitError
from bpkit.functions import ACTIVATIONS, LOSSES
from bpkit.gradcheck import finite_difference_gradients
from bpkit.network import History, Network
from bpkit.symbolic import SymbolicNetwork, derive
from bpkit.trace import Link, StepTrace, Unit

__all__ = [
    "ACTIVATIONS", "ALPHA", "LOSSES", "XOR_X", "XOR_Y", "BpkitError", "History", "Link",
    "Network", "StepTrace", "SymbolicNetwork", "Unit", "article_network", "derive",
    "finite_difference_gradients",
]
