"""The one error type bpkit raises for bad input, so callers can catch exactly that."""


class BpkitError(ValueError):
    """Bad input to bpkit: the message names the problem and what was expected."""
