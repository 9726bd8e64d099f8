"""A learner's vectorised backprop as notebook 11 asks for it, shared by the tests that need one."""

from bpkit import f_prime


def vectorised_backprop(net, z0, Y, slope_at_z=False):
    """dJ/dW of every layer from the four equations; ``slope_at_z`` takes f' at z, a slip."""
    weights, (a, z) = net.weights, net.forward(z0)
    at = [*(layer[:, 1:] for layer in z[1:-1]), z[-1]] if slope_at_z else a
    slopes = f_prime(net, at)
    delta = (z[-1] - Y) * slopes[-1]
    grads = [delta.T @ z[-2] / len(z0)]
    for layer in range(len(weights) - 1, 0, -1):
        delta = (delta @ weights[layer][:, 1:]) * slopes[layer - 1]
        grads.insert(0, delta.T @ z[layer - 1] / len(z0))
    return grads
