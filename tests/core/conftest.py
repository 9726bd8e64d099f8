"""Every core test starts from a cold symbolic cache, so none passes on another test's leftovers.

``derive`` caches one SymbolicNetwork per layout; the worked steps print their templates once per
SymbolicNetwork, so a fresh one also means freshly printed templates.
"""

import pytest

from bpkit import derive


@pytest.fixture(autouse=True)
def cold_symbolic_cache():
    derive.cache_clear()
    yield
    derive.cache_clear()
