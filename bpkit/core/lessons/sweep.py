"""The reverse sweep of an autograd graph, one node at a time, with each gradient's shares.

``Value.backward`` does the sweep in one go; ``reverse_sweep`` runs it and then lists it as
steps, in the order the engine finishes each node: the output first, and each node after every
node it feeds. A node's gradient is the sum of one share per use, local derivative × the
gradient of the node that used it, so a node used twice adds two shares.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpkit.core import validate
from bpkit.core.autograd import Value, topological_order
from bpkit.core.fmt import number

OP_NAMES = {"+": "add", "*": "multiply"}
"""How a step names an unlabelled node's operation (others by their own name: tanh, **2)."""
SYMBOLS = {"+": " + ", "*": "·"}
"""How ``node_name`` writes an unlabelled add or multiply between its inputs' names."""


@dataclass(frozen=True)
class Share:
    """What one use of a node sends back to it: the user's gradient × the local derivative."""

    user: Value
    """The node that used this one (a child in the graph)."""
    local: float
    """d(user)/d(node), the factor the user's operation recorded."""

    @property
    def amount(self) -> float:
        """The share of the node's gradient this use sends: local × the user's gradient."""
        return self.local * self.user.grad


@dataclass(frozen=True)
class SweepStep:
    """One node of the reverse sweep: the node, and the shares that add to its gradient."""

    node: Value
    shares: tuple[Share, ...]

    @property
    def text(self) -> str:
        """The step as a learner reads it: the shares, their sum, and where each came from."""
        if not self.shares:
            return f"{node_name(self.node)}: the output, so its gradient is 1"
        terms = [f"{number(s.local)} × {number(s.user.grad)} from {node_name(s.user)}"
                 for s in self.shares]
        fork = f" (used {len(self.shares)} times: the shares add)" if len(self.shares) > 1 else ""
        return (f"{node_name(self.node)}: gradient = {' + '.join(terms)} = "
                f"{number(self.node.grad)}{fork}")


def node_name(node: Value, depth: int = 2) -> str:
    """A node as a learner reads it: its label, else what it computes, e.g. 'w(X0->Z1)·X0'.

    An unlabelled add or multiply is written with its inputs' names, ``depth`` levels deep;
    deeper, or for another operation, by the operation and its value, e.g. 'add (-0.88)'.
    """
    node = validate.instance(node, Value, "node", "a Value, such as Value(2.0) * Value(3.0)")
    depth = validate.whole_number(depth, "depth (levels of inputs to name)", 0, 10)
    if node.label:
        return node.label
    if not node.parents:
        return number(node.data)
    symbol = SYMBOLS.get(node.op)
    if symbol and depth > 0:
        return symbol.join(node_name(p, depth - 1) for p in node.parents)
    kind = OP_NAMES.get(node.op, node.op)
    return f"{kind} ({number(node.data)})"


def reverse_sweep(root: Value) -> list[SweepStep]:
    """Run ``root.backward()`` and return the sweep as steps, the output first."""
    root = validate.instance(root, Value, "root", "a Value, such as Value(2.0) * Value(3.0)")
    root.backward()
    order = topological_order(root)
    shares: dict[Value, list[Share]] = {node: [] for node in order}
    for user in order:
        for parent, local in zip(user.parents, user.local_grads):
            shares[parent].append(Share(user, local))
    return [SweepStep(node, tuple(shares[node])) for node in reversed(order)]
