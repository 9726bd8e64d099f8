"""bpkit: backpropagation you can touch. One small network, every number and formula shown.

Three layers, each a folder, data flowing one way: ``bpkit.core`` (the maths, numpy and sympy)
-> ``bpkit.draw`` (diagrams and plots, matplotlib) -> ``bpkit.widgets`` (explorers, player,
questions, ipywidgets) -> the notebooks. ``import bpkit`` loads the core alone.
"""

from bpkit.core import (
    ACTIVATIONS,
    ALPHA,
    ANSWER_TOLERANCE,
    CONVENTIONS,
    LOSSES,
    XOR_X,
    XOR_Y,
    BpkitError,
    History,
    Link,
    Network,
    Question,
    Setting,
    StepTrace,
    SymbolicNetwork,
    Unit,
    article_network,
    delta_question,
    derive,
    finite_difference_gradients,
    forward_question,
    new_weight_question,
    number,
    parse_answer,
    prediction_question,
    random_question,
    random_setting,
    steps,
)

__all__ = [
    "ACTIVATIONS", "ALPHA", "ANSWER_TOLERANCE", "CONVENTIONS", "LOSSES", "PHASES", "XOR_X", "XOR_Y",
    "BpkitError", "History", "Link", "Network", "Question", "Setting", "StepTrace",
    "SymbolicNetwork", "Table", "Unit", "article_network", "delta_question", "derive",
    "finite_difference_gradients", "forward_question", "new_weight_question", "number",
    "parse_answer", "prediction_question", "random_question", "random_setting", "steps",
    "train_at_rates",
]
