"""One module per notebook's example: each names its notebook in its docstring."""
