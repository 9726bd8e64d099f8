"""Every public entry point refuses bad input with a BpkitError, and changes nothing when it does.

Each entry below is a valid call of one public callable of ``bpkit``, ``bpkit.draw`` or
``bpkit.widgets``. The sweep replaces one argument at a time by each hostile value and expects
either success (only where the entry lists that value as legitimate for that argument) or a
BpkitError, never another exception and never a bad value silently accepted. After a refusal,
the networks, explorers, players, diagrams and question widgets the call touched are unchanged.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp
from learners import vectorised_backprop
from threads import method_outside_any_event_loop

import bpkit  # 10_graph (GRAPH): bpkit.Value, bpkit.draw.draw_graph, bpkit.widgets.SweepPlayer
import bpkit.draw
import bpkit.widgets
from bpkit import (
    BACKPROP_EQUATIONS,
    MAZUR_ALPHA,
    MAZUR_X,
    MAZUR_Y,
    XOR_X,
    XOR_Y,
    BpkitError,
    Diagnosis,
    GradientCheck,
    History,
    Network,
    Question,
    Setting,
    StepTrace,
    SymbolicNetwork,
    Table,
    Verdict,
    article_network,
    check_backprop,
    check_gradients,
    classic_bugs,
    compare_gradients,
    computations,
    delta_paths,
    delta_question,
    derive,
    direction_question,
    explain,
    f_prime,
    finite_difference_gradients,
    finite_difference_question,
    forward_question,
    forward_trace,
    linear_plane,
    mazur_links,
    mazur_names,
    mazur_network,
    mazur_units,
    mazur_update,
    new_weight_question,
    number,
    output_layer,
    parse_answer,
    parse_direction,
    pass_shapes,
    prediction_question,
    random_question,
    random_setting,
    shape_trick,
    train_at_rates,
    update_output_layer_first,
    with_bias,
)
from bpkit.core.computations import aligned, latex_result
from bpkit.draw import (
    NetworkDiagram,
    NotebookFigure,
    decision_boundary,
    draw,
    hidden_units_plot,
    learning_rate_curves,
    loss_curves,
)
from bpkit.draw.frames import Frames, png_bytes
from bpkit.draw.layout import NORMAL, Layout, labels
from bpkit.draw.plots import history_curve
from bpkit.widgets import (
    Explorer,
    QuestionWidget,
    RateExplorer,
    StepPlayer,
    show,
    train_with_progress,
)

HOSTILE: tuple[tuple[str, Callable[[], object]], ...] = (
    ("None", lambda: None), ("'abc'", lambda: "abc"), ("''", lambda: ""), ("1.5", lambda: 1.5),
    ("-1", lambda: -1), ("0", lambda: 0), ("True", lambda: True), ("10**400", lambda: 10**400),
    ("nan", lambda: math.nan), ("inf", lambda: math.inf), ("1j", lambda: 1j), ("[]", list),
    ("[1]", lambda: [1]), ("{}", dict), ("object()", object),
    ("array([nan])", lambda: np.array([math.nan])), ("b'x'", lambda: b"x"),
    ("[[None]]", lambda: [[None]]),
)
"""Each hostile value by the label the entries use, made fresh for every call."""
LABELS = frozenset(label for label, _ in HOSTILE)
TEXT = frozenset({"'abc'", "''"})
"""The hostile values that are text: legitimate wherever any text will do."""
REAL = frozenset({"1.5", "-1", "0"})
"""The hostile values that are finite real numbers."""


Maker = Callable[[], tuple[Callable[..., object], dict[str, object]]]
"""Builds fresh objects and returns (the callable, the keyword arguments of a valid call)."""


@dataclass(frozen=True)
class Entry:
    """A valid call of one public callable, and the hostile values each argument may take."""

    name: str
    make: Maker
    """A key of the arguments starting with '*' holds a list passed positionally; a hostile
    value replaces its first item."""
    accepts: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Per argument, the labels of hostile values that are legitimate there."""


class Fresh:
    """An argument built anew for every call (a network, a trace), from its maker."""

    def __init__(self, make: Callable[[], object]) -> None:
        self.make = make

    def __call__(self) -> object:
        return self.make()


def _built(kwargs: dict[str, object]) -> dict[str, object]:
    return {key: value() if isinstance(value, Fresh) else value for key, value in kwargs.items()}


def call_of(function: Callable[..., object], **kwargs: object) -> Maker:
    """A maker for ``function(**kwargs)``, with every Fresh argument built anew."""
    return lambda: (function, _built(kwargs))


def method_of(make_owner: Callable[[], object], method: str, **kwargs: object) -> Maker:
    """A maker for ``make_owner().method(**kwargs)``, on a fresh owner each time."""
    return lambda: (getattr(make_owner(), method), _built(kwargs))


# ----- fresh objects to call on -------------------------------------------------------------------
def net() -> Network:
    return article_network("squared")


def trace() -> StepTrace:
    return net().preview_step(XOR_X[:1], XOR_Y[:1], 0.1)


def history() -> History:
    return net().train(XOR_X, XOR_Y, 0.1, 3, snapshot_every=1)


def question() -> Question:
    return Question("What is 7/5?", 1.4, hints=["divide"], solution="1.4")


def forward_player() -> StepPlayer:
    return StepPlayer(trace(), "forward")


def question_widget() -> QuestionWidget:
    return QuestionWidget(question())


def one_cell_table() -> Table:
    return Table.of(["a"], [[1.0]])


def article_diagram() -> NetworkDiagram:
    return NetworkDiagram(net().unit_names)


def article_layout() -> Layout:
    return Layout(net().unit_names)


NET, TRACE, HISTORY = Fresh(net), Fresh(trace), Fresh(history)
SETTING = Fresh(lambda: random_setting(3))
SYMBOLIC = Fresh(lambda: derive((2, 3, 1), ("identity", "identity"), "squared"))


def weights_setter() -> tuple[Callable[..., object], dict[str, object]]:
    """``net.weights = value`` as a call on a fresh network."""
    target = net()
    return functools.partial(setattr, target, "weights"), {"*weights": [target.weights]}


def diagram_label() -> tuple[Callable[..., object], dict[str, object]]:
    step = trace()
    return NetworkDiagram(step.unit_names).label, {"trace": step, "phase": "deltas",
                                                  "sample": 0, "highlight": "Z1"}


def frames_render(figure: object, axes: object, artists: object) -> object:
    """Build Frames and render once: a bad part must be refused when Frames is made."""
    return Frames(figure, axes, artists).render()


def frames_parts() -> tuple[Callable[..., object], dict[str, object]]:
    diagram = NetworkDiagram(net().unit_names)
    return frames_render, {"figure": diagram.figure, "axes": diagram.axes,
                           "artists": list(diagram.link_labels.values())}


# ----- the entries --------------------------------------------------------------------------------
def only(*labels: str) -> frozenset[str]:
    """The hostile values (by label) that are legitimate for one argument."""
    assert set(labels) <= LABELS, set(labels) - LABELS
    return frozenset(labels)


CORE = [
    Entry("Network", call_of(Network, sizes=[2, 3, 1], activation="tanh",
                             output_activation="sigmoid", loss="logistic", weights="random",
                             seed=0),
          {"weights": REAL, "seed": only("0")}),
    Entry("article_network", call_of(article_network, loss="squared", activation="tanh")),
    Entry("Network.weight", method_of(net, "weight", link="X0->Z1")),
    Entry("Network.set_weight", method_of(net, "set_weight", link="X0->Z1", value=0.5),
          {"value": REAL}),
    Entry("Network.weights", weights_setter),
    Entry("Network.predict", method_of(net, "predict", X=XOR_X)),
    Entry("Network.loss", method_of(net, "loss", X=XOR_X, Y=XOR_Y)),
    Entry("Network.gradients", method_of(net, "gradients", X=XOR_X, Y=XOR_Y)),
    Entry("Network.step", method_of(net, "step", X=XOR_X, Y=XOR_Y, lr=0.1),
          {"lr": only("1.5")}),
    Entry("Network.preview_step", method_of(net, "preview_step", X=XOR_X, Y=XOR_Y, lr=0.1),
          {"lr": only("1.5")}),
    Entry("Network.train",
          method_of(net, "train", X=XOR_X, Y=XOR_Y, lr=0.1, epochs=3, mode="online",
                    snapshot_every=1, callback=lambda epoch, loss: None, callback_every=1),
          {"lr": only("1.5"), "snapshot_every": only("None", "10**400"),
           "callback": only("None"), "callback_every": only("10**400")}),
    Entry("Network.forward", method_of(net, "forward", z0=with_bias(XOR_X), weights=None),
          {"weights": only("None")}),
    Entry("Network.backprop",
          method_of(net, "backprop", z0=with_bias(XOR_X), targets=XOR_Y, weights=None),
          {"weights": only("None")}),
    Entry("Network.symbolic", method_of(net, "symbolic")),
    Entry("Network.copy", method_of(net, "copy")),
    Entry("with_bias", call_of(with_bias, inputs=XOR_X)),
    Entry("train_at_rates", call_of(train_at_rates, make_net=net, X=XOR_X, Y=XOR_Y,
                                    lrs=[0.1, 0.01], epochs=3),
          {"lrs": only("[1]")}),
    Entry("History.table", method_of(history, "table")),
    Entry("finite_difference_gradients",
          call_of(finite_difference_gradients, net=NET, X=XOR_X, Y=XOR_Y, eps=1e-6),
          {"eps": only("1.5")}),
    Entry("check_gradients", call_of(check_gradients, net=NET, X=XOR_X, Y=XOR_Y, eps=1e-6),
          {"eps": only("1.5")}),
    Entry("compare_gradients", call_of(compare_gradients, net=NET, X=XOR_X, Y=XOR_Y,
                                       estimates=Fresh(lambda: net().weights), method="sympy"),
          {"method": only("'abc'")}),
    Entry("GradientCheck", call_of(GradientCheck, method="finite difference",
                                   links=("w(X0->Z1)",), backprop=(0.5,), estimate=(0.5,)),
          {"method": only("'abc'")}),
    Entry("GradientCheck.table", method_of(Fresh(lambda: check_gradients(
        net(), XOR_X, XOR_Y)), "table")),
    Entry("update_output_layer_first", call_of(update_output_layer_first, net=NET, X=XOR_X,
                                               Y=XOR_Y, lr=0.1),
          {"lr": only("1.5")}),
    Entry("forward_trace", call_of(forward_trace, net=NET, X=XOR_X, Y=XOR_Y)),
    Entry("linear_plane", call_of(linear_plane, net=Fresh(lambda: article_network("squared")),
                                  output=0),
          {"output": only("0")}),
    Entry("number", call_of(number, value=1.5, digits=4),  # nan and inf are written as such
          {"value": REAL | only("nan", "inf")}),
    Entry("output_layer", call_of(output_layer, output_activation="sigmoid",
                                  loss_name="logistic")),
    Entry("parse_answer", call_of(parse_answer, text="7/5")),
    Entry("Question", call_of(Question, prompt="p", answer=1.4, tolerance=1e-3, hints=["h"],
                              solution="s", abs_tolerance=1e-9,
                              diagnoses=[Diagnosis("forgot_alpha", 0.4, "m")],
                              answer_form="number"),
          {"prompt": TEXT, "solution": TEXT, "answer": REAL, "tolerance": only("1.5"),
           "abs_tolerance": only("1.5"), "hints": only("[]"), "diagnoses": only("[]")}),
    Entry("Diagnosis", call_of(Diagnosis, mistake="forgot_alpha", value=-3.0,
                               message="m"),
          {"mistake": TEXT, "message": TEXT, "value": REAL}),
    Entry("parse_direction", call_of(parse_direction, text="up")),
    Entry("Question.check", method_of(question, "check", text="7/5"), {"text": LABELS}),
    Entry("Verdict", call_of(Verdict, correct=False, message="m", mistakes=("forgot_alpha",)),
          {"correct": only("True"), "message": TEXT, "mistakes": TEXT | only("[]")}),
    Entry("Verdict.assert_correct", method_of(lambda: Verdict(True, "right"), "assert_correct")),
    Entry("Verdict.graded", method_of(lambda: Verdict(False, "not yet"), "graded")),
    Entry("Question.is_close", method_of(question, "is_close", value=1.4), {"value": REAL}),
    Entry("Setting", call_of(Setting, net=NET, x=XOR_X[:1], y=XOR_Y[:1], lr=0.1),
          {"y": REAL | {"[1]"}, "lr": only("1.5")}),
    Entry("Setting.trace", method_of(SETTING, "trace")),
    Entry("forward_question", call_of(forward_question, setting=SETTING, unit="D0")),
    Entry("delta_question", call_of(delta_question, setting=SETTING, unit="Z1")),
    Entry("new_weight_question", call_of(new_weight_question, setting=SETTING,
                                         link="w(X0->Z1)")),
    Entry("prediction_question", call_of(prediction_question, setting=SETTING)),
    Entry("direction_question", call_of(direction_question, setting=SETTING,
                                        link="w(X0->Z1)")),
    Entry("finite_difference_question", call_of(finite_difference_question, setting=SETTING,
                                                link="w(Z1->D0)")),
    Entry("random_question", call_of(random_question, seed=3, kind="forward"),
          {"seed": only("0", "10**400"), "kind": only("None")}),
    Entry("random_setting", call_of(random_setting, seed=3, loss="squared",
                                    activation="identity", outputs=2, batch=True),
          {"seed": only("0", "10**400"), "batch": only("True")}),
    Entry("derive", call_of(derive, sizes=(2, 3, 1), activations=("identity", "identity"),
                            loss="squared")),
    Entry("SymbolicNetwork", call_of(SymbolicNetwork, sizes=[2, 1], activations=["sigmoid"],
                                     loss="logistic")),
    Entry("SymbolicNetwork.layer_of", method_of(SYMBOLIC, "layer_of", unit="Z1")),
    Entry("SymbolicNetwork.shortcut_terms", method_of(SYMBOLIC, "shortcut_terms", unit="Z1")),
    Entry("SymbolicNetwork.shortcut_matches",
          method_of(SYMBOLIC, "shortcut_matches", unit="D0")),
    Entry("SymbolicNetwork.delta_proved", method_of(SYMBOLIC, "delta_proved", unit="D0")),
    Entry("SymbolicNetwork.full_delta", method_of(SYMBOLIC, "full_delta", unit="D0")),
    Entry("SymbolicNetwork.full_gradient",
          method_of(SYMBOLIC, "full_gradient", link="w(Z0->D0)")),
    Entry("SymbolicNetwork.objective_in_layer",
          method_of(SYMBOLIC, "objective_in_layer", layer=2)),
    Entry("SymbolicNetwork.values",
          method_of(SYMBOLIC, "values", weights=net().weights, x=[0, 1], y=1),
          {"y": REAL | {"[1]"}}),
    Entry("SymbolicNetwork.symbol_values",
          method_of(SYMBOLIC, "symbol_values", trace=TRACE, sample=0),
          {"sample": only("0")}),
    Entry("SymbolicNetwork.full_deltas_at",
          method_of(SYMBOLIC, "full_deltas_at", weights=net().weights, x=[0, 1], y=1),
          {"y": REAL | {"[1]"}}),
    Entry("SymbolicNetwork.shortcut_minus_derivative",
          method_of(SYMBOLIC, "shortcut_minus_derivative", unit="Z1")),
    Entry("SymbolicNetwork.full_gradients",
          method_of(SYMBOLIC, "full_gradients", weights=net().weights, X=XOR_X, Y=XOR_Y)),
    Entry("SymbolicNetwork.latex",
          method_of(SYMBOLIC, "latex", expr=sp.Symbol("a_Z1", real=True))),
    Entry("Table", call_of(Table, header=("unit", "z"), rows=(("Z1", 0.5),)),
          {"rows": only("[]")}),
    Entry("Table.of", call_of(Table.of, header=["unit", "z"], rows=[["Z1", 0.5]]),
          {"rows": only("[]")}),
    Entry("Table.to_html", method_of(one_cell_table, "to_html", css_class="c"),
          {"css_class": TEXT}),
    Entry("Table.to_csv", method_of(one_cell_table, "to_csv")),
    Entry("Table.to_latex", method_of(one_cell_table, "to_latex", digits=3)),
    Entry("StepTrace.table", method_of(trace, "table", kind="units")),
    Entry("computations",
          call_of(computations, trace=TRACE, phase="forward", sample=0),
          {"sample": only("0")}),
    Entry("explain", call_of(explain, trace=TRACE, phase="deltas", name="Z1",
                                   sample=0, kind="delta"),
          {"sample": only("0"), "kind": only("None")}),
    Entry("aligned", call_of(aligned, lines=Fresh(
        lambda: computations(trace(), "forward")), formulas=True),
          {"formulas": only("True")}),
    Entry("latex_result", call_of(latex_result, value=-1.5), {"value": REAL}),
]

DRAW = [
    Entry("draw", call_of(draw, trace=TRACE, phase="update", sample=0, large=False),
          {"sample": only("0"), "large": only("None", "True")}),
    Entry("NetworkDiagram", call_of(NetworkDiagram, unit_names=net().unit_names, large=False),
          {"large": only("None", "True")}),
    Entry("NetworkDiagram.label", diagram_label,
          {"sample": only("0"), "highlight": only("None")}),
    Entry("NetworkDiagram.to_png", method_of(article_diagram, "to_png")),
    Entry("NetworkDiagram.to_svg", method_of(article_diagram, "to_svg")),
    Entry("NotebookFigure", call_of(NotebookFigure, figsize=(4, 3), dpi=50),
          {"figsize": only("None"), "dpi": only("None", "1.5")}),
    Entry("loss_curves", call_of(loss_curves, histories=Fresh(lambda: {"run": history()}),
                                 log=False, title="t"),
          {"log": only("True"), "title": TEXT}),
    Entry("history_curve", call_of(history_curve, history=HISTORY, label="run", log=False),
          {"label": TEXT | {"None"}, "log": only("True")}),
    Entry("learning_rate_curves", call_of(learning_rate_curves,
                                          histories=Fresh(lambda: {0.1: history()}))),
    Entry("decision_boundary", call_of(decision_boundary, net=NET, X=XOR_X, Y=XOR_Y,
                                       resolution=20, output=0),
          {"output": only("0")}),
    Entry("hidden_units_plot", call_of(hidden_units_plot, history=HISTORY, layer=0),
          {"layer": only("0")}),
    Entry("Frames", frames_parts, {"artists": only("[]")}),
    Entry("png_bytes", call_of(png_bytes, rgba=np.zeros((2, 3, 4), dtype=np.uint8))),
    Entry("Layout", call_of(Layout, unit_names=net().unit_names, style=NORMAL)),
    Entry("Layout.highlight_key", method_of(article_layout, "highlight_key", name="X0->Z1"),
          {"name": only("None")}),
    Entry("Layout.label_positions",
          method_of(article_layout, "label_positions", label_chars=12, unit_chars=12),
          {"label_chars": only("0"), "unit_chars": only("0")}),
    Entry("labels", call_of(labels, trace=TRACE, phase="update", sample=0),
          {"sample": only("0")}),
]

WIDGETS = [
    Entry("show.table", call_of(show.table, header=["unit", "z"], rows=[["Z1", 0.5]]),
          {"rows": only("[]")}),
    Entry("show.dataset", call_of(show.dataset, X=XOR_X, Y=XOR_Y)),
    Entry("show.weights", call_of(show.weights, source=NET)),
    Entry("show.units", call_of(show.units, trace=TRACE)),
    Entry("show.math", call_of(show.math, **{"*lines": ["a = 1", "b := 2"]}),
          {"*lines": TEXT}),
    Entry("show.computations", call_of(show.computations, lines=Fresh(
        lambda: computations(trace(), "deltas")), formulas=False),
          {"formulas": only("True")}),
    Entry("show.equations", call_of(show.equations, sym=SYMBOLIC, kind="gradient")),
    Entry("show.activation", call_of(show.activation, name="tanh")),
    Entry("show.loss", call_of(show.loss, name="logistic")),
    Entry("show.source", call_of(show.source, obj=Network.backprop)),
    Entry("Explorer", call_of(Explorer, phase="deltas", large=False, net=None),
          {"large": only("None", "True"), "net": only("None")}),
    Entry("Explorer.update", method_of(Explorer, "update", weights={"X0->Z1": 0.5}, lr=0.2,
                                       sample=1, loss="squared"),
          {"weights": only("None", "{}"), "lr": only("None", "1.5"),
           "sample": only("None", "0"), "loss": only("None")}),
    Entry("Explorer.reset", method_of(Explorer, "reset")),
    Entry("Explorer.static_html", method_of(Explorer, "static_html")),
    Entry("RateExplorer", call_of(RateExplorer, make_net=net, X=XOR_X, Y=XOR_Y, epochs=5,
                                  rates=[0.1, 0.5], start=0.1)),
    Entry("RateExplorer.static_html",
          method_of(lambda: RateExplorer(net, XOR_X, XOR_Y, 5), "static_html")),
    Entry("StepPlayer", call_of(StepPlayer, trace=TRACE, phase="update", sample=0,
                                large=False),
          {"sample": only("0"), "large": only("None", "True")}),
    Entry("StepPlayer.go", method_of(forward_player, "go", index=2),
          {"index": only("-1", "0", "10**400")}),
    Entry("StepPlayer.next", method_of(forward_player, "next")),
    Entry("StepPlayer.previous", method_of(forward_player, "previous")),
    Entry("StepPlayer.static_html", method_of(forward_player, "static_html")),
    Entry("QuestionWidget", call_of(QuestionWidget, question=Fresh(question))),
    Entry("QuestionWidget.submit", method_of(question_widget, "submit", text="7/5"),
          {"text": LABELS}),
    Entry("QuestionWidget.hint", method_of(question_widget, "hint")),
    Entry("QuestionWidget.reveal", method_of(question_widget, "reveal")),
    Entry("QuestionWidget.static_html", method_of(question_widget, "static_html")),
    Entry("train_with_progress",
          call_of(train_with_progress, net=NET, X=XOR_X, Y=XOR_Y, lr=0.1, epochs=3,
                  mode="online", snapshot_every=None),
          {"lr": only("1.5"), "snapshot_every": only("None", "10**400")}),
]

# Part II: one list per notebook's new public callables (each kept by its own author).
def mazur_trace() -> StepTrace:
    """09_two_outputs: Mazur's one step at his learning rate."""
    return mazur_network().preview_step(MAZUR_X, MAZUR_Y, MAZUR_ALPHA)


def mazur_explorer() -> Explorer:
    return Explorer("update", net=mazur_network(), X=MAZUR_X, Y=MAZUR_Y, lr=MAZUR_ALPHA)


def paths_label() -> tuple[Callable[..., object], dict[str, object]]:
    step = mazur_trace()
    return NetworkDiagram(step.unit_names).label, {
        "trace": step, "phase": "deltas", "sample": 0,
        "highlight": ["Z1", "w(Z1->D0)", "D0", "w(Z1->D1)", "D1"]}


MAZUR_TRACE = Fresh(mazur_trace)
TWO_OUTPUTS: list[Entry] = [  # 09_two_outputs
    Entry("mazur_network", call_of(mazur_network)),
    Entry("mazur_links", call_of(mazur_links)),
    Entry("mazur_units", call_of(mazur_units)),
    Entry("mazur_names", call_of(mazur_names)),
    Entry("mazur_update", call_of(mazur_update, trace=MAZUR_TRACE)),
    Entry("delta_paths", call_of(delta_paths, trace=MAZUR_TRACE, sample=0),
          {"sample": only("0")}),
    Entry("NetworkDiagram.label (a list)", paths_label,
          {"sample": only("0"), "highlight": only("None")}),
    Entry("Layout.highlight_keys (a list)",
          method_of(article_layout, "highlight_keys", names=["Z1", "X0->Z1"]),
          {"names": only("None")}),
    Entry("StepPlayer (paths)", call_of(StepPlayer, trace=MAZUR_TRACE, phase="deltas",
                                        sample=0, large=False, paths=True),
          {"sample": only("0"), "large": only("None", "True"), "paths": only("True")}),
    Entry("Explorer (own samples)",
          call_of(Explorer, phase="update", large=False, net=Fresh(mazur_network),
                  X=MAZUR_X, Y=MAZUR_Y, lr=MAZUR_ALPHA),
          {"large": only("None", "True"), "lr": only("None", "1.5")}),
    Entry("Explorer.update (own samples)",
          method_of(mazur_explorer, "update", weights={"X0->Z1": 0.5}, lr=0.2, sample=0,
                    loss="squared"),
          {"weights": only("None", "{}"), "lr": only("None", "1.5"),
           "sample": only("None", "0"), "loss": only("None")}),
]
def graph_unit() -> object:
    """10_graph: one unit z = tanh(w0 X0 + w1 X1) in autograd Values, swept backwards."""
    w0, w1 = bpkit.Value(0.5, "w0"), bpkit.Value(-1.0, "w1")
    z = (w0 * bpkit.Value(1.0, "X0") + w1 * bpkit.Value(2.0, "X1")).tanh()
    z.backward()
    return z


def graph_player() -> object:
    return bpkit.widgets.SweepPlayer(graph_unit())


GRAPH_J = Fresh(lambda: bpkit.network_loss(net(), XOR_X[:1], XOR_Y[:1])[0])
GRAPH: list[Entry] = [  # 10_graph
    Entry("Value", call_of(bpkit.Value, data=2.0, label="w"),
          {"data": REAL, "label": TEXT}),
    Entry("Value.log", method_of(lambda: bpkit.Value(2.0), "log")),
    Entry("Value.activate", method_of(lambda: bpkit.Value(0.5), "activate", name="tanh")),
    Entry("Value.backward", method_of(graph_unit, "backward")),
    Entry("topological_order", call_of(bpkit.topological_order, root=Fresh(graph_unit))),
    Entry("network_loss", call_of(bpkit.network_loss, net=NET, X=XOR_X, Y=XOR_Y)),
    Entry("engine_gradients", call_of(bpkit.engine_gradients, net=NET, X=XOR_X, Y=XOR_Y)),
    Entry("find_node", call_of(bpkit.find_node, root=GRAPH_J, label="a(Z1)")),
    Entry("reverse_sweep", call_of(bpkit.reverse_sweep, root=Fresh(graph_unit))),
    Entry("node_name", call_of(bpkit.node_name, node=Fresh(graph_unit), depth=2),
          {"depth": only("0")}),
    Entry("check_backward", call_of(bpkit.check_backward, operation="multiply",
                                    rule=lambda a, b, grad: (grad * b, grad * a))),
    Entry("draw_graph", call_of(bpkit.draw.draw_graph, root=Fresh(graph_unit), done=3,
                                title="t", fold=True, large=False),
          {"done": only("0", "None"), "title": TEXT, "fold": only("True"),
           "large": only("None", "True")}),
    Entry("SweepPlayer", call_of(bpkit.widgets.SweepPlayer, root=Fresh(graph_unit),
                                 fold=False, large=False),
          {"fold": only("True"), "large": only("None", "True")}),
    Entry("SweepPlayer.go", method_of(graph_player, "go", index=2),
          {"index": only("-1", "0", "10**400")}),
    Entry("SweepPlayer.next", method_of(graph_player, "next")),
    Entry("SweepPlayer.previous", method_of(graph_player, "previous")),
    Entry("SweepPlayer.static_html", method_of(graph_player, "static_html")),
]
MATRICES: list[Entry] = [  # 11_matrices
    Entry("pass_shapes", call_of(pass_shapes, net=NET, n=7)),
    Entry("shape_trick", call_of(shape_trick, net=NET, n=4, layer=1, quantity="delta")),
    Entry("classic_bugs", call_of(classic_bugs, net=NET, X=XOR_X, Y=XOR_Y,
                                  bugs=["batch_sum", "stray_two"]),
          {"bugs": only("None")}),
    Entry("f_prime", call_of(f_prime, net=NET,
                             a=Fresh(lambda: net().forward(with_bias(XOR_X))[0]))),
    Entry("check_backprop", call_of(check_backprop, backprop=vectorised_backprop)),
    Entry("show.line_by_line", call_of(show.line_by_line, obj=Network.backprop,
                                       notes=BACKPROP_EQUATIONS)),
]
def trained_with_snapshots() -> tuple[Callable[..., object], dict[str, object]]:
    """12_depth: deltas_during on a short sigmoid run and the network it trained."""
    trained = bpkit.Network([2, 3, 1], activation="sigmoid", weights="random", seed=1)
    run = trained.train(XOR_X, XOR_Y, 0.1, 4, snapshot_every=2)
    return bpkit.deltas_during, {"net": trained, "history": run, "X": XOR_X, "Y": XOR_Y}


def small_depth_explorer() -> object:
    return bpkit.widgets.DepthExplorer(scale=0.5, depth=2, width=3)


DEPTH: list[Entry] = [  # 12_depth
    Entry("slope_bound", call_of(bpkit.slope_bound, activation="sigmoid")),
    Entry("deep_network", call_of(bpkit.deep_network, activation="tanh", scale=0.5, depth=2,
                                  width=3, seed=0),
          {"scale": only("1.5"), "seed": only("0")}),
    Entry("depth_data", call_of(bpkit.depth_data, width=3, samples=4, seed=0),
          {"seed": only("0")}),
    Entry("delta_profile", call_of(bpkit.delta_profile, activation="relu", scale=0.5, depth=2,
                                   width=3, seed=0),
          {"scale": only("1.5"), "seed": only("0")}),
    Entry("delta_profiles", call_of(bpkit.delta_profiles, scale=0.5, depth=2, width=3, seed=0,
                                    activations=["sigmoid", "relu"]),
          {"scale": only("1.5"), "seed": only("0")}),
    Entry("deltas_during", trained_with_snapshots),
    Entry("count_passes", call_of(bpkit.count_passes, net=NET, X=XOR_X, Y=XOR_Y)),
    Entry("time_gradients", call_of(bpkit.time_gradients, widths=[2], repeats=1, seed=0),
          {"widths": only("[1]"), "seed": only("0")}),
    Entry("timing_table", call_of(bpkit.timing_table, timings=Fresh(
        lambda: bpkit.time_gradients([2], 1)))),
    Entry("delta_profiles_plot", call_of(bpkit.draw.delta_profiles_plot, profiles=Fresh(
        lambda: bpkit.delta_profiles(0.5, 2, 3)))),
    Entry("training_deltas_plot", call_of(bpkit.draw.training_deltas_plot, record=Fresh(
        lambda: call(*trained_with_snapshots())))),
    Entry("gradient_cost_plot", call_of(bpkit.draw.gradient_cost_plot, timings=Fresh(
        lambda: bpkit.time_gradients([2], 1)))),
    Entry("DepthExplorer", call_of(bpkit.widgets.DepthExplorer, scale=0.5, depth=2, width=3,
                                   seed=0),
          {"scale": only("1.5"), "seed": only("0")}),
    Entry("DepthExplorer.update", method_of(small_depth_explorer, "update", scale=0.25, depth=3),
          {"scale": only("None", "1.5"), "depth": only("None")}),
    Entry("DepthExplorer.reset", method_of(small_depth_explorer, "reset")),
    Entry("DepthExplorer.static_html", method_of(small_depth_explorer, "static_html")),
]

def playground_settings() -> object:
    """13_playground: a small run on the moons."""
    return bpkit.PlaygroundSettings(dataset="moons", hidden=(3,), batch=8, seed=1)


def playground_run() -> object:
    return bpkit.TrainingRun(playground_settings())


def small_playground() -> object:
    return bpkit.widgets.Playground(playground_settings(), steps_per_frame=2)


PLAYGROUND_RUN = Fresh(playground_run)
PLAYGROUND: list[Entry] = [  # 13_playground
    Entry("make_dataset", call_of(bpkit.make_dataset, name="circles", noise=0.1,
                                  test_share=0.3, points=40, seed=0),
          {"noise": only("0"), "seed": only("0")}),
    Entry("PlaygroundSettings", call_of(bpkit.PlaygroundSettings, dataset="moons", noise=0.1,
                                        test_share=0.5, hidden=(3, 2), activation="relu",
                                        lr=0.2, batch=8, init="random", scale=1.0, seed=0),
          {"noise": only("0"), "hidden": only("[1]"), "lr": only("1.5"),
           "scale": only("1.5", "0"), "seed": only("0")}),
    Entry("PlaygroundSettings.changed",
          method_of(playground_settings, "changed", lr=0.3, activation="sigmoid"),
          {"lr": only("1.5")}),
    Entry("PlaygroundSettings.network", method_of(playground_settings, "network")),
    Entry("PlaygroundSettings.data", method_of(playground_settings, "data")),
    Entry("TrainingRun", call_of(bpkit.TrainingRun, settings=Fresh(playground_settings)),
          {"settings": only("None")}),
    Entry("TrainingRun.next_batch", method_of(playground_run, "next_batch")),
    Entry("TrainingRun.preview", method_of(playground_run, "preview")),
    Entry("TrainingRun.step", method_of(playground_run, "step")),
    Entry("TrainingRun.advance", method_of(playground_run, "advance", steps=3)),
    Entry("TrainingRun.observe", method_of(playground_run, "observe")),
    Entry("TrainingRun.change", method_of(playground_run, "change", dataset="blobs", lr=0.2),
          {"lr": only("1.5")}),
    Entry("TrainingRun.loss_text", call_of(bpkit.TrainingRun.loss_text, loss=0.25),
          {"loss": only("0", "1.5")}),
    Entry("unit_maps", call_of(bpkit.unit_maps, net=NET, resolution=5)),
    Entry("PlaygroundPicture", call_of(bpkit.draw.PlaygroundPicture, hidden=(3,)),
          {"hidden": only("[1]")}),
    Entry("PlaygroundPicture.render", method_of(lambda: bpkit.draw.PlaygroundPicture((3,)),
                                                "render", run=PLAYGROUND_RUN)),
    Entry("PlaygroundPicture.png", method_of(lambda: bpkit.draw.PlaygroundPicture((3,)),
                                             "png", run=PLAYGROUND_RUN)),
    Entry("Playground", call_of(bpkit.widgets.Playground, settings=Fresh(playground_settings),
                                steps_per_frame=2),
          {"settings": only("None")}),
    Entry("Playground.update", method_of(small_playground, "update", dataset="blobs", lr=0.2),
          {"lr": only("1.5")}),
    Entry("Playground.use_preset", method_of(small_playground, "use_preset",
                                             name="diverging rate")),
    Entry("Playground.reset", method_of(small_playground, "reset")),
    Entry("Playground.step", method_of(small_playground, "step")),
    Entry("Playground.frame", method_of(small_playground, "frame")),
    Entry("Playground.play", lambda: (functools.partial(
        method_outside_any_event_loop, small_playground(), "play"), {"frames": 2})),
    Entry("Playground.pause", method_of(small_playground, "pause")),
    Entry("Playground.pick_item", method_of(small_playground, "pick_item", name="X0->Z1")),
    Entry("Playground.picked", method_of(small_playground, "picked")),
    Entry("Playground.static_html", method_of(small_playground, "static_html")),
]

def shape_asked() -> Question:
    """14_part2_practice: a question answered with a shape, such as (7, 5)."""
    return bpkit.shape_question(3, "W1")


SEEDS = only("0", "10**400")
PART2_PRACTICE: list[Entry] = [  # 14_part2_practice
    Entry("two_paths_question", call_of(bpkit.two_paths_question, seed=3, unit="Z1"),
          {"seed": SEEDS, "unit": only("None")}),
    Entry("shape_question", call_of(bpkit.shape_question, seed=3, array="W1"),
          {"seed": SEEDS, "array": only("None")}),
    Entry("fork_question", call_of(bpkit.fork_question, seed=3, graph="x·y + x"),
          {"seed": SEEDS, "graph": only("None")}),
    Entry("depth_question", call_of(bpkit.depth_question, seed=3, activation="tanh"),
          {"seed": SEEDS, "activation": only("None")}),
    Entry("random_part2_question", call_of(bpkit.random_part2_question, seed=3, kind="shape"),
          {"seed": SEEDS, "kind": only("None")}),
    Entry("parse_shape", call_of(bpkit.parse_shape, text="(7, 5)")),
    Entry("Question.check (a shape)", method_of(shape_asked, "check", text="(7, 5)"),
          {"text": LABELS}),
    Entry("QuestionWidget (a shape)", call_of(QuestionWidget, question=Fresh(shape_asked))),
]

ENTRIES = [*CORE, *DRAW, *WIDGETS, *TWO_OUTPUTS, *GRAPH, *MATRICES, *DEPTH, *PLAYGROUND,
           *PART2_PRACTICE]


# ----- the sweep ----------------------------------------------------------------------------------
def call(function: Callable[..., object], kwargs: dict[str, object]) -> object:
    """Call with the '*' keys spread as positional arguments."""
    args = [item for key, items in kwargs.items() if key.startswith("*") for item in items]
    keywords = {key: value for key, value in kwargs.items() if not key.startswith("*")}
    return function(*args, **keywords)


def replaced(kwargs: dict[str, object], name: str, value: object) -> dict[str, object]:
    """``kwargs`` with argument ``name`` (or the first item of a '*' list) set to ``value``."""
    if name.startswith("*"):
        return {**kwargs, name: [value, *kwargs[name][1:]]}
    return {**kwargs, name: value}


def watched(function: Callable[..., object], kwargs: dict[str, object]) -> list[object]:
    """The objects whose state a refused call must leave alone: its owner and arguments."""
    owners = [getattr(function, "__self__", None), *getattr(function, "args", ())]
    return [obj for obj in (*owners, *kwargs.values()) if _state(obj) is not None]


def _state(obj: object) -> object:
    """What a refused call must not change in ``obj``, or None if nothing is watched."""
    if isinstance(obj, Network):
        return [w.tolist() for w in obj.weights]
    if isinstance(obj, Setting):
        return _state(obj.net)
    if isinstance(obj, Explorer):
        return obj.settings, id(obj.trace), obj.image.value
    if isinstance(obj, StepPlayer):
        return obj.index
    if isinstance(obj, QuestionWidget):
        return obj.hints_shown
    if isinstance(obj, NetworkDiagram):
        return (obj.phase, obj.highlighted,
                [text.get_text() for text in (*obj.unit_labels.values(),
                                              *obj.link_labels.values())])
    return None


def problems_with(entry: Entry, name: str) -> list[str]:
    """Every hostile value of one argument that crashes, slips through, or changes state."""
    function, kwargs = entry.make()
    found = []
    for label, make_value in HOSTILE:
        where = f"{entry.name}({name}={label})"
        arguments = replaced(kwargs, name, make_value())
        objects = watched(function, kwargs)
        before = [_state(obj) for obj in objects]
        try:
            call(function, arguments)
        except BpkitError as err:
            if label in entry.accepts.get(name, ()):
                found.append(f"{where} refused a legitimate value: {err}")
            elif [_state(obj) for obj in objects] != before:
                found.append(f"{where} changed state before refusing: {err}")
        except Exception as err:  # the sweep reports every other exception
            found.append(f"{where} raised {type(err).__name__}: {str(err)[:120]}")
        else:
            if label not in entry.accepts.get(name, ()):
                found.append(f"{where} accepted it silently")
    return found




def _param(entry: Entry) -> object:
    return pytest.param(entry, id=entry.name)


@pytest.fixture(autouse=True)
def no_figures_left_open():
    yield
    plt.close("all")


@pytest.mark.parametrize("entry", [pytest.param(e, id=e.name) for e in ENTRIES])
def test_the_valid_call_succeeds(entry):
    function, kwargs = entry.make()
    call(function, kwargs)


@pytest.mark.parametrize("entry", [_param(e) for e in ENTRIES])
def test_every_hostile_argument_is_refused_with_a_bpkit_error(entry):
    _, kwargs = entry.make()
    unknown = set(entry.accepts) - set(kwargs)
    assert not unknown, f"accepts names arguments the call does not have: {unknown}"
    problems = [problem for name in kwargs for problem in problems_with(entry, name)]
    assert not problems, "\n".join(problems)


RECORDS = {"BpkitError", "CheckFailedError", "Computation", "History", "Link", "StepTrace",
           "Unit"}
"""Exceptions and records that bpkit makes and a learner reads: their methods are swept, but
no one builds them by hand."""


def public_callables() -> set[str]:
    """Every public function, class and method of bpkit, bpkit.draw and bpkit.widgets."""
    import bpkit
    import bpkit.draw
    import bpkit.widgets

    found = set()
    for face in (bpkit, bpkit.draw, bpkit.widgets):
        for name in face.__all__:
            obj = getattr(face, name)
            if inspect.ismodule(obj):
                found |= {f"{name}.{inner}" for inner in getattr(obj, "__all__", dir(obj))
                          if _defined_callable(obj, inner)}
            elif inspect.isclass(obj):
                found |= {name} - RECORDS
                found |= {f"{name}.{method}" for method, member in vars(obj).items()
                          if not method.startswith("_") and _is_method(member)}
            elif callable(obj) and name not in RECORDS:
                found.add(name)
    return found


def _defined_callable(module: object, name: str) -> bool:
    """True for a public function of ``module`` defined in it (not a class or an import)."""
    obj = getattr(module, name)
    return (not name.startswith("_") and inspect.isfunction(obj)
            and obj.__module__ == module.__name__)


def _is_method(member: object) -> bool:
    """True for a method written in bpkit (not one a base class such as Figure generates)."""
    function = getattr(member, "__func__", member)
    return (callable(function) and not inspect.isclass(function)
            and getattr(function, "__module__", "").startswith("bpkit"))


def test_the_sweep_calls_every_public_callable():
    missing = public_callables() - {entry.name for entry in ENTRIES}
    assert not missing, f"no entry for {sorted(missing)}"
