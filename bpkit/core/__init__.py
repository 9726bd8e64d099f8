"""The maths of bpkit: the network in numpy, its formulas in sympy, step traces and questions.

numpy and sympy only: nothing here imports matplotlib, ipywidgets or IPython.
"""

from bpkit.core import steps
from bpkit.core.article import ALPHA, CONVENTIONS, XOR_X, XOR_Y, article_network
from bpkit.core.errors import BpkitError
from bpkit.core.exercises import (
    ANSWER_TOLERANCE,
    MISCONCEPTIONS,
    Diagnosis,
    Question,
    Setting,
    delta_question,
    direction_question,
    finite_difference_question,
    forward_question,
    new_weight_question,
    parse_answer,
    parse_direction,
    prediction_question,
    random_question,
    random_setting,
)
from bpkit.core.fmt import number
from bpkit.core.forward import forward_trace
from bpkit.core.functions import ACTIVATIONS, LOSSES, output_layer
from bpkit.core.gradcheck import (
    GradientCheck,
    check_gradients,
    compare_gradients,
    finite_difference_gradients,
)
from bpkit.core.linear import linear_plane
from bpkit.core.naming import PHASES
from bpkit.core.network import History, Network, train_at_rates, with_bias
from bpkit.core.orders import update_output_layer_first
from bpkit.core.symbolic import SymbolicNetwork, derive
from bpkit.core.table import Table
from bpkit.core.trace import Link, StepTrace, Unit

__all__ = [
    "ACTIVATIONS", "ALPHA", "ANSWER_TOLERANCE", "CONVENTIONS", "LOSSES", "MISCONCEPTIONS",
    "PHASES", "XOR_X", "XOR_Y", "BpkitError", "Diagnosis", "GradientCheck", "History", "Link",
    "Network", "Question", "Setting", "StepTrace", "SymbolicNetwork", "Table", "Unit",
    "article_network", "check_gradients", "compare_gradients", "delta_question", "derive",
    "direction_question", "finite_difference_gradients", "finite_difference_question",
    "forward_question", "forward_trace", "linear_plane", "new_weight_question", "number",
    "output_layer", "parse_answer", "parse_direction", "prediction_question", "random_question",
    "random_setting", "steps", "train_at_rates", "update_output_layer_first", "with_bias",
]
