"""The maths of bpkit: the network in numpy, its formulas in sympy, step traces and questions.

numpy and sympy only: nothing here imports matplotlib, ipywidgets or IPython.
"""

from bpkit.core.article import ALPHA, CONVENTIONS, XOR_X, XOR_Y, article_network
from bpkit.core.autograd import Value, topological_order
from bpkit.core.computations import Computation, computations, delta_paths, explain
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.functions import ACTIVATIONS, LOSSES, output_layer
from bpkit.core.gradcheck import (
    GradientCheck,
    check_gradients,
    compare_gradients,
    finite_difference_gradients,
)
from bpkit.core.lessons.datasets import DATASETS, make_dataset
from bpkit.core.lessons.depth import (
    deep_network,
    delta_profile,
    delta_profiles,
    deltas_during,
    depth_data,
    slope_bound,
)
from bpkit.core.lessons.forward import forward_trace
from bpkit.core.lessons.linear import linear_plane
from bpkit.core.lessons.matrix_form import BACKPROP_EQUATIONS, f_prime, pass_shapes, shape_trick
from bpkit.core.lessons.mazur import (
    MAZUR_ALPHA,
    MAZUR_START,
    MAZUR_X,
    MAZUR_Y,
    mazur_links,
    mazur_names,
    mazur_network,
    mazur_units,
    mazur_update,
)
from bpkit.core.lessons.netgraph import engine_gradients, find_node, network_loss
from bpkit.core.lessons.passes import count_passes, time_gradients, timing_table
from bpkit.core.lessons.playground import PRESETS, PlaygroundSettings, TrainingRun, unit_maps
from bpkit.core.lessons.sweep import node_name, reverse_sweep
from bpkit.core.naming import PHASES
from bpkit.core.network import History, Network, train_at_rates, with_bias
from bpkit.core.practice.answers import parse_answer, parse_direction, parse_shape
from bpkit.core.practice.backprop_checker import check_backprop
from bpkit.core.practice.backward_rules import check_backward
from bpkit.core.practice.builders import (
    BUILDERS,
    delta_question,
    direction_question,
    finite_difference_question,
    forward_question,
    new_weight_question,
    prediction_question,
    random_question,
)
from bpkit.core.practice.classic_bugs import BUGS, classic_bugs
from bpkit.core.practice.mistakes import MISTAKES
from bpkit.core.practice.part2 import (
    PART2_BUILDERS,
    depth_question,
    fork_question,
    random_part2_question,
    shape_question,
    two_paths_question,
)
from bpkit.core.practice.prose import ANSWER_TOLERANCE
from bpkit.core.practice.question import MISCONCEPTIONS, Diagnosis, Question
from bpkit.core.practice.replay import update_output_layer_first
from bpkit.core.practice.setting import Setting, random_setting
from bpkit.core.practice.verdict import CheckFailedError, Verdict
from bpkit.core.symbolic import SymbolicNetwork, derive
from bpkit.core.table import Table
from bpkit.core.trace import Link, StepTrace, Unit

__all__ = [
    "ACTIVATIONS",
    "ALPHA",
    "ANSWER_TOLERANCE",
    "BACKPROP_EQUATIONS",
    "BUGS",
    "BUILDERS",
    "CONVENTIONS",
    "DATASETS",
    "LOSSES",
    "MAZUR_ALPHA",
    "MAZUR_START",
    "MAZUR_X",
    "MAZUR_Y",
    "MISCONCEPTIONS",
    "MISTAKES",
    "PART2_BUILDERS",
    "PHASES",
    "PRESETS",
    "XOR_X",
    "XOR_Y",
    "BpkitError",
    "CheckFailedError",
    "Computation",
    "Diagnosis",
    "GradientCheck",
    "History",
    "Link",
    "Network",
    "PlaygroundSettings",
    "Question",
    "Setting",
    "StepTrace",
    "SymbolicNetwork",
    "Table",
    "TrainingRun",
    "Unit",
    "Value",
    "Verdict",
    "article_network",
    "check_backprop",
    "check_backward",
    "check_gradients",
    "classic_bugs",
    "compare_gradients",
    "computations",
    "count_passes",
    "deep_network",
    "delta_paths",
    "delta_profile",
    "delta_profiles",
    "delta_question",
    "deltas_during",
    "depth_data",
    "depth_question",
    "derive",
    "direction_question",
    "engine_gradients",
    "explain",
    "f_prime",
    "find_node",
    "finite_difference_gradients",
    "finite_difference_question",
    "fork_question",
    "forward_question",
    "forward_trace",
    "linear_plane",
    "make_dataset",
    "mazur_links",
    "mazur_names",
    "mazur_network",
    "mazur_units",
    "mazur_update",
    "network_loss",
    "new_weight_question",
    "node_name",
    "number",
    "output_layer",
    "parse_answer",
    "parse_direction",
    "parse_shape",
    "pass_shapes",
    "prediction_question",
    "random_part2_question",
    "random_question",
    "random_setting",
    "reverse_sweep",
    "shape_question",
    "shape_trick",
    "slope_bound",
    "time_gradients",
    "timing_table",
    "topological_order",
    "train_at_rates",
    "two_paths_question",
    "unit_maps",
    "update_output_layer_first",
    "with_bias",
]
