"""Every mistake bpkit recognises, in one catalogue: what it is, what to say, how to replay it.

A question, ``check_backward`` and ``check_backprop`` all name a learner's mistake by a key of
``MISTAKES`` and say its message. A mistake made inside backprop (the article's sign, a
forgotten f'(a), the sum over a batch, hidden deltas from updated weights, ...) carries a
``Slip``, and ``practice.replay.replay`` runs a step of backprop with that slip in it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpkit.core.errors import BpkitError


@dataclass(frozen=True)
class Slip:
    """How a learner's backprop step differs from the right one (every field at its default: none).

    ``layers`` limits the gradient slips (``batch``, ``gradient_sign``) to those layers of
    weights, counted from 0 as ``net.weights`` is; None means every layer.
    """

    output_sign: float = 1.0
    """Times the output delta: -1 takes the other sign convention."""
    output_scale: float = 1.0
    """Times the output delta: 2 for a stray factor 2, 0.5 for a missing one."""
    output_slope: bool = True
    """False: f'(a) left out of the output delta."""
    hidden_slope: bool = True
    """False: f'(a) left out of the hidden deltas."""
    slope_at_z: bool = False
    """True: f' evaluated at the activation z instead of the weighted sum a, in every delta."""
    path: int | None = None
    """Each hidden delta from one link out only, to unit ``path`` of the next layer (counted
    from 0; -1 the last, as ``=`` instead of ``+=`` in a loop over them leaves it)."""
    updated: bool = False
    """Hidden deltas through the next layer's weights after their update (the update order)."""
    back_weights: str = "W[:, 1:]"
    """The weights a delta goes back through: 'W[:, 1:]' (right), 'W[:, 1:].T' (transposed),
    'W' (the bias column kept) or 'W[:, :-1]' (the last column dropped instead of the bias's)."""
    batch: str = "mean"
    """How a gradient comes from the samples: 'mean' (right), 'sum', 'mean twice' (divided by n
    twice), 'active' (divided by the samples whose z is not 0) or 'first' (the first only)."""
    gradient_sign: float = 1.0
    """Times a layer's gradient: -1 flips it in that layer alone."""
    transposed_gradient: bool = False
    """z_(l-1)ᵀ δ_l instead of δ_lᵀ z_(l-1)."""
    alpha: bool = True
    """False: w - gradient, the learning rate left out."""
    layers: tuple[int, ...] | None = None


NO_SLIP = Slip()
"""The step as backprop takes it."""


@dataclass(frozen=True)
class Mistake:
    """One mistake: its key, what it is in a few words, what to tell the learner, its replay."""

    key: str
    what: str
    message: str
    """What the learner probably did, and the idea that fixes it."""
    slip: Slip | None = None
    """How ``replay`` makes it, for a mistake inside backprop; None for the others."""


def _catalogue(*mistakes: Mistake) -> dict[str, Mistake]:
    return {mistake.key: mistake for mistake in mistakes}


MISTAKES: dict[str, Mistake] = _catalogue(
    # ----- the output delta ----------------------------------------------------------------------
    Mistake("article_sign", "the article's sign, δ = y − h",
            "That is what the article's sign gives: δ(D0) = actual − predicted = y − h. The "
            "derivative of J = ½(h − y)² gives δ(D0) = h − y (predicted − actual); with the "
            "article's sign every step climbs the error.", Slip(output_sign=-1.0)),
    Mistake("correct_sign", "the correct sign where the article's is asked for",
            "That is what the correct sign gives, δ(D0) = h − y. This question follows the "
            "article's convention, δ(D0) = y − h (actual − predicted), to show where its step "
            "goes.", Slip(output_sign=-1.0)),
    Mistake("stray_two", "a stray factor 2: 2 (h − y)",
            "That has a stray factor 2. The derivative of ½(h − y)² is h − y: the ½ cancels "
            "the 2 that the square brings down.", Slip(output_scale=2.0)),
    Mistake("missing_two", "a factor ½ too many: ½ (h − y)",
            "That is off by a factor 2 (a ½ too many). Differentiating ½(h − y)² brings down a "
            "2 that cancels the ½, so δ(D0) = h − y, not ½(h − y).", Slip(output_scale=0.5)),
    Mistake("output_as_delta", "h taken as the output delta",
            "That is h, the prediction itself. The output delta compares it with the target: "
            "δ(D0) = (h − y) · f'(a), the error times the slope."),
    # ----- f'(a) --------------------------------------------------------------------------------
    Mistake("forgot_derivative", "f'(a) left out of every delta",
            "That leaves out f'(a). A delta is f'(a) times what comes back to the unit: for "
            "tanh f'(a) = 1 − z², for sigmoid f'(a) = z(1 − z); only a linear unit has "
            "f'(a) = 1.", Slip(output_slope=False, hidden_slope=False)),
    Mistake("forgot_output_derivative", "f'(a) left out of the output delta",
            "That leaves f'(a) out of the output delta: δ_L = (h − y) ⊙ f'(a_L). Only a linear "
            "output has f'(a) = 1.", Slip(output_slope=False)),
    Mistake("forgot_hidden_derivative", "f'(a) left out of the hidden deltas",
            "That leaves f'(a) out of the hidden deltas: δ_l = (δ_(l+1) W_(l+1)[:, 1:]) ⊙ "
            "f'(a_l). Only a linear unit has f'(a) = 1.", Slip(hidden_slope=False)),
    Mistake("slope_of_a", "f'(a)'s z form with a put in for z",
            "That puts the weighted sum a where f'(a)'s z form needs the activation z = f(a): "
            "tanh's slope is 1 − z² (not 1 − a²), sigmoid's is z(1 − z)."),
    Mistake("slope_at_z", "f' evaluated at z instead of a",
            "That evaluates f' at the unit's activation z instead of its weighted sum a: "
            "f'(a) takes a (net.forward's first list); only the z form, such as z(1 − z), is "
            "written in z.", Slip(slope_at_z=True)),
    Mistake("mean_over_outputs", "divided by the number of outputs as well",
            "That also divides by the number of outputs. J sums each sample's loss over the "
            "outputs and takes the mean over the samples only (np.mean over the whole array "
            "divides by both)."),
    Mistake("other_slope", "the other activation's slope",
            "That is the other activation's slope: sigmoid's f'(a) is z(1 − z), tanh's is "
            "1 − z²."),
    # ----- a hidden delta -----------------------------------------------------------------------
    Mistake("one_path", "one path of a hidden delta's sum",
            "That follows only one path back. A hidden unit's delta sums w · δ over every link "
            "leaving it (here one to each output), then multiplies by f'(a); in code, += over "
            "the outputs, not =."),
    Mistake("weight_into_unit", "a weight into the unit instead of out of it",
            "That multiplies δ by a weight coming into the unit. A delta travels back along the "
            "links leaving the unit: δ(S) = f'(a) · Σ w(S→T) · δ(T), with T after S."),
    Mistake("forgot_weight", "the link's weight left out of a path",
            "That leaves out the weight: each path back is the link's weight times the delta it "
            "reaches, w(S→T) · δ(T), summed over T and times f'(a)."),
    Mistake("updated_weights", "hidden deltas from already-updated weights",
            "That computes the hidden deltas from weights that were already updated. Compute "
            "every delta from the old weights first, then change every weight together.",
            Slip(updated=True)),
    Mistake("transposed_w", "W where the hidden delta needs it untransposed",
            "That sends the deltas back through W[:, 1:]ᵀ where they need W[:, 1:]: with one "
            "sample per row, δ_l = (δ_(l+1) W_(l+1)[:, 1:]) ⊙ f'(a_l) (the column form's Wᵀ δ "
            "becomes δ W). It only runs where the two layers have the same size.",
            Slip(back_weights="W[:, 1:].T")),
    Mistake("bias_not_dropped", "the bias column kept when sending deltas back",
            "That keeps W's bias column when sending deltas back: use W[:, 1:], because a bias "
            "unit has no weighted sum and so no delta.", Slip(back_weights="W")),
    Mistake("wrong_bias_column", "the last column of W dropped instead of the bias column",
            "That drops W's last column, but the bias weights are column 0: send deltas back "
            "through W[:, 1:], not W[:, :-1].", Slip(back_weights="W[:, :-1]")),
    # ----- a gradient ---------------------------------------------------------------------------
    Mistake("batch_sum", "the sum over the batch instead of the mean",
            "That is the sum of z · δ over the batch. J is the mean loss over the samples, so "
            "the gradient is the mean of z · δ: divide the sum by the number of samples n.",
            Slip(batch="sum")),
    Mistake("mean_twice", "divided by n twice",
            "That divides by n twice: the gradient is the mean of z · δ over the batch, the sum "
            "divided by n once.", Slip(batch="mean twice")),
    Mistake("mean_over_active", "divided by the samples whose z is not 0",
            "That divides by the samples whose z is not 0. J is the mean over all n samples: a "
            "sample whose z(S) is 0 adds 0 to the sum but still counts in n.",
            Slip(batch="active")),
    Mistake("first_sample_only", "the first sample only, in a batch",
            "That uses the first sample only. A batch step's gradient is the mean of z · δ over "
            "every sample of the batch.", Slip(batch="first")),
    Mistake("gradient_sign", "a gradient's sign flipped in one layer",
            "That flips the sign of a layer's gradient: ∂J/∂W_l = δ_lᵀ z_(l−1) / n, with the "
            "deltas as they come, in every layer.", Slip(gradient_sign=-1.0)),
    Mistake("transposed_gradient", "z_(l−1)ᵀ δ_l instead of δ_lᵀ z_(l−1)",
            "That gradient is transposed: ∂J/∂W_l = δ_lᵀ z_(l−1) / n has one row per unit of "
            "layer l, like W_l.", Slip(transposed_gradient=True)),
    Mistake("no_bias_column", "a gradient without the bias column",
            "That gradient has no bias column: use z_(l−1) with the bias unit 1 as column 0; "
            "that column's gradient is the bias weight's."),
    # ----- the update ---------------------------------------------------------------------------
    Mistake("gradient_as_weight", "the gradient given as the new weight",
            "That is the gradient z · δ itself, not the new weight. The new weight starts from "
            "the old one: w − α · gradient."),
    Mistake("step_as_weight", "the step α · gradient given as the new weight",
            "That is the step α · gradient on its own. Subtract it from the old weight: the new "
            "weight is w − α · gradient."),
    Mistake("forgot_alpha", "w − gradient, without α",
            "That is w − gradient: the learning rate α is missing. Each weight moves by α times "
            "its gradient, w − α · gradient.", Slip(alpha=False)),
    Mistake("article_alpha", "the article's α = 0.1 where another is given",
            "That uses the article's α = 0.1, but this question gives its own learning rate "
            "(in its first line): the step is that α times the gradient."),
    Mistake("weight_unchanged", "the old weight: the weight does not move",
            "That is the old weight, as if it did not move. Every link whose z and δ are both "
            "non-zero changes by −α · z · δ (if you rounded the new weight to the old one, keep "
            "4 significant figures)."),
    Mistake("prediction_unchanged", "the old prediction: the step changes nothing",
            "That is the prediction before the step. The step changes the weights, so the same "
            "input now gives a new h: run the forward pass again with the new weights."),
    # ----- the direction of a step --------------------------------------------------------------
    Mistake("weights_only_fall", "every weight falls",
            "Not every weight falls. Backprop does not “punish” a unit by lowering its weights: "
            "when the gradient z · δ is negative, w − α · z · δ is larger than w, and the "
            "weight rises."),
    Mistake("article_direction", "the way the article's sign moves it",
            "That is the way the article's sign would move it: y − h flips every delta, so "
            "every weight moves the wrong way and the error climbs. With δ(D0) = h − y, a "
            "positive z · δ moves w down and a negative one moves it up."),
    Mistake("correct_direction", "the way the correct sign moves it",
            "That is the way the correct sign, δ(D0) = h − y, would move it. This question "
            "follows the article's convention, y − h, which moves every weight the other way."),
    Mistake("weight_stays", "the weight stays, though z and δ are not 0",
            "Only a link whose source activation z or target delta δ is 0 keeps its weight. "
            "Here neither is 0, so the weight moves: the sign of z · δ says which way."),
    Mistake("zero_gradient", "the weight moves, though z · δ is 0",
            "Look at the gradient z · δ: one of its factors is 0 here, so w − α · 0 = w and the "
            "weight stays."),
    # ----- the forward pass ---------------------------------------------------------------------
    Mistake("forgot_activation", "z = a, f left out",
            "That leaves out f: a unit's activation is z = f(a), not its weighted sum a."),
    Mistake("forgot_bias", "the bias left out of a weighted sum",
            "That leaves out the bias: each weighted sum also adds the bias weight times the "
            "bias unit's activation, which is always 1 (X0 = 1, Z0 = 1)."),
    # ----- how a number is typed ----------------------------------------------------------------
    Mistake("unreadable", "an answer bpkit cannot read as a number",
            "bpkit reads plain numbers such as 1.4, -4 or 7/5, never formulas or code: the "
            "message says what to type instead."),
    Mistake("wrong_sign", "the right size with the wrong sign",
            "That has the right size but the wrong sign: check the sign of each factor, and "
            "which way round the output delta's difference goes."),
    Mistake("too_few_figures", "the answer rounded to too few figures",
            "That is the answer rounded too far: keep more significant figures, as many as "
            "the question asks for."),
    Mistake("rounding", "close, but rounded along the way",
            "That is close: rounding in the middle of a computation adds up. Keep more digits "
            "until the end."),
    # ----- a backward rule (notebook 10) ---------------------------------------------------------
    Mistake("swapped", "multiply's gradients swapped",
            "The gradients are swapped: a's gradient is grad times the OTHER factor, b (and b's "
            "is grad × a), because ∂(a·b)/∂a = b."),
    Mistake("forgot_incoming", "the local derivative without the incoming gradient",
            "That is the local derivative alone: the chain rule multiplies it by grad, the "
            "gradient that reaches the node's output."),
    Mistake("forward_value", "the node's forward value returned",
            "That is the node's forward value (a·b, or z), not a gradient."),
    Mistake("forward_value_times_grad", "grad times the node's forward value",
            "That is grad times the node's forward value a·b: each input's gradient is grad "
            "times its local derivative, b for a and a for b."),
    Mistake("add_rule", "the add node's rule used for multiply",
            "That is the add node's rule, which passes grad on unchanged; a multiply node "
            "scales it by the other factor."),
    Mistake("inputs_returned", "the inputs returned",
            "That returns the inputs themselves, not their gradients."),
    Mistake("flipped_sign", "a backward rule with its sign flipped",
            "The sign is flipped: each gradient is +grad times the local derivative (b and a "
            "for a·b; tanh's slope 1 − z², which is positive)."),
    Mistake("z_not_slope", "grad times z instead of tanh's slope",
            "That multiplies grad by z, the node's output; multiply by tanh's slope 1 − z²."),
    Mistake("forgot_square", "1 − z where tanh's slope is 1 − z²",
            "That uses 1 − z; tanh's slope is 1 − z², with z squared."),
    Mistake("passed_through", "grad passed on unchanged through tanh",
            "That passes grad on unchanged (the identity's rule); tanh's node multiplies it by "
            "its slope 1 − z²."),
    # ----- learner code that cannot be judged yet ------------------------------------------------
    Mistake("not_written", "the stub is still in place",
            "Not written yet: write the function's body, run its cell, then run the check "
            "again."),
    Mistake("error", "the code raised an exception",
            "Your code stopped with an exception: its line and message say where."),
    Mistake("changed_weights", "net.weights changed",
            "Your backprop changed net.weights: it should only compute the gradients. Every "
            "delta comes from the old weights; the update comes after, in step."),
    Mistake("changed_inputs", "z0 or Y changed in place",
            "Your backprop changed z0 or Y in place (for example with -= or *=): compute new "
            "arrays instead."),
    Mistake("not_numbers", "something other than numbers returned",
            "That is not what the function must return: numbers, in the form its docstring "
            "gives."),
    Mistake("wrong_count", "the wrong number of results",
            "That returns the wrong number of results: one gradient per input of the node, or "
            "one array per layer of weights."),
    Mistake("reversed", "the layers' gradients in reverse order",
            "Your gradients are in reverse order: grads[0] is layer 1's (like net.weights[0]), "
            "and the output layer's comes last. Insert each new gradient at the front."),
    Mistake("wrong_shape", "a gradient of the wrong shape",
            "A gradient has the wrong shape: ∂J/∂W_l has W_l's shape, one row per unit of layer "
            "l and one column per unit of layer l − 1, plus the bias column."),
    Mistake("not_finite", "nan or inf in a gradient",
            "A gradient holds nan or inf: look for a division by 0 or an overflow."),
    Mistake("scaled", "every gradient off by one constant factor",
            "Every gradient is the right one times a constant factor that no single mistake "
            "explains: look for a stray division or multiplication."),
    Mistake("wrong_values", "a gradient no known mistake explains",
            "A gradient is wrong in a way no known slip explains: the message says which one, "
            "and which are right."),
    Mistake("a_wrong", "multiply's gradient reaching a is wrong",
            "The gradient reaching a is wrong (b's is right): it is grad times the other factor, "
            "b, because ∂(a·b)/∂a = b."),
    Mistake("b_wrong", "multiply's gradient reaching b is wrong",
            "The gradient reaching b is wrong (a's is right): it is grad times the other factor, "
            "a, because ∂(a·b)/∂b = a."),
    # ----- finite differences -------------------------------------------------------------------
    Mistake("fd_over_eps", "divided by ε instead of 2ε",
            "That divides by ε, but w − ε and w + ε are 2ε apart: the central difference is "
            "(J(w + ε) − J(w − ε)) / (2ε)."),
    Mistake("fd_not_divided", "the change in J, not divided by 2ε",
            "That is J(w + ε) − J(w − ε), a change in J. A slope is a change in J per change in "
            "w: divide by 2ε."),
    Mistake("fd_backwards", "J(w − ε) − J(w + ε)",
            "That is J(w − ε) − J(w + ε), the wrong way round: the slope is the change in J "
            "going from w − ε up to w + ε."),
    Mistake("fd_one_sided", "a one-sided difference",
            "That is a one-sided difference through J(w). The question asks for the central "
            "one, (J(w + ε) − J(w − ε)) / (2ε), the more accurate of the two."),
    # ----- Part II (notebook 14) ------------------------------------------------------------------
    Mistake("fork_one_branch", "one branch of a fork only",
            "That is one branch's share only. The value is used in more than one place, and "
            "each use sends a share back: its local derivative times the gradient that reached "
            "the node using it. At a fork the shares add (in code, grad += share, not "
            "grad = share)."),
    Mistake("fork_multiplied", "a fork's shares multiplied instead of added",
            "That multiplies the shares. The chain rule multiplies along one path, but the "
            "paths leaving a forked value add: its gradient is the sum of one share per use."),
    Mistake("fork_forgot_incoming", "a fork's local derivatives without the incoming gradients",
            "That adds the local derivatives alone. Each share is a local derivative times the "
            "gradient that arrived at the node using the value (the chain rule); only at the "
            "output is that gradient 1."),
    Mistake("shape_transposed", "rows and columns swapped (the transpose)",
            "That is the transpose, rows and columns swapped. bpkit keeps one sample per row: "
            "z, a and δ have n rows (Nielsen's column form has one sample per column), and W_l "
            "and ∂J/∂W_l have a row per unit of layer l and a column per unit of layer l − 1, "
            "the bias included."),
    Mistake("shape_no_bias_column", "the bias column left out",
            "That leaves out the bias column. z of a layer that feeds another starts with "
            "column 0, the bias unit 1 (X0, Z0), so W_l and ∂J/∂W_l have a column for the bias "
            "weight: one more column than layer l − 1 has units."),
    Mistake("shape_extra_bias_column", "a bias column where there is none",
            "That adds a bias column where there is none. Only z of a layer that feeds another "
            "carries the bias unit 1 as column 0; a and δ have one column per unit that "
            "receives weights, and the output h has no bias unit."),
    Mistake("shape_bias_row", "a row for a bias unit, which receives no link",
            "That gives W_l a row for layer l's bias unit, but a bias unit receives no link: it "
            "is always 1. W_l and ∂J/∂W_l have one row per unit of layer l that receives "
            "weights."),
    Mistake("shape_batch_size", "n, the batch size, in a weight's shape",
            "That puts n, the number of samples, into a weight's shape. W_l and ∂J/∂W_l have no "
            "batch dimension: in δ_lᵀ z_(l−1) / n the n samples meet in the middle and are "
            "summed away (the inner sizes meet, the outer ones make the result)."),
    Mistake("shape_previous_layer", "the shape of the layer before",
            "That is the shape of the layer before, l − 1. a_l, z_l and δ_l have one column "
            "per unit of layer l itself, and W_l holds the weights into layer l, from layer "
            "l − 1."),
    Mistake("shape_one_sample", "the shape for one sample, not the batch",
            "That is the shape for one sample. The batch holds n samples, one per row, so z, "
            "a and δ have n rows."),
    Mistake("depth_summed", "the layers' factors added instead of multiplied",
            "That adds the layers' factors. On the way back each layer multiplies δ by its own "
            "f'(a) · w (the chain rule), so the factors multiply: that product is what "
            "vanishes or explodes with depth."),
    Mistake("slope_bound_used", "the largest slope used for every f'(a)",
            "That uses the activation's largest slope (sigmoid's 1/4, at a = 0; tanh's 1) for "
            "every f'(a). It is only an upper bound: each layer's f'(a) is z(1 − z) (tanh: "
            "1 − z²) at its own z, and is usually smaller."),
    # ----- learner code that does more than compute its answer ------------------------------
    Mistake("timed_out", "the function did not return in time",
            "That is usually a loop that never ends (a while whose condition stays true) or a "
            "long sleep. Find it, make sure it ends, run the cell, then run the check again."),
    Mistake("changed_bpkit", "bpkit's own functions changed",
            "bpkit has put it back: a checked function must only compute and return its "
            "answer, and an assignment to bpkit's (or numpy's) functions inside it would change "
            "them for every later cell. Remove the assignment and run the check again."),
    Mistake("used_bpkit", "bpkit's own solution called",
            "bpkit's own solution cannot be the answer: write the computation yourself, "
            "from the numbers your function receives, then run the check again."),
    Mistake("exited", "sys.exit() or exit() called",
            "sys.exit() ends a whole program, not a function: use return to hand back the "
            "answer, then run the check again."),
    Mistake("unreadable_result", "a result bpkit cannot read",
            "What your function returned raised an error when bpkit read it as numbers: return "
            "plain numbers (floats) or numpy arrays of them."),
)
"""Every mistake the practice names, by key (see /work/shared/teaching-conventions.md)."""


def mistake(key: str) -> Mistake:
    """The catalogue's entry for ``key``, or a BpkitError listing the keys."""
    if not isinstance(key, str) or key not in MISTAKES:
        raise BpkitError(f"unknown mistake {key!r:.40}: expected one of {', '.join(MISTAKES)}")
    return MISTAKES[key]


__all__ = ["MISTAKES", "NO_SLIP", "Mistake", "Slip", "mistake"]
