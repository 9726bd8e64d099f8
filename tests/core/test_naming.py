"""naming: the article's unit and link names, built and read back the same way everywhere."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpkit import BpkitError, Network
from bpkit.core import naming

layouts = st.lists(st.integers(1, 5), min_size=2, max_size=5)


def test_the_articles_names():
    assert naming.unit_names([2, 3, 1]) == [["X0", "X1", "X2"], ["Z0", "Z1", "Z2", "Z3"], ["D0"]]
    assert naming.target_names([2, 3, 1], 1) == ["Z1", "Z2", "Z3"]
    assert naming.target_names([2, 3, 1], 2) == ["D0"]
    assert naming.link_name("X0", "Z1") == "w(X0->Z1)"


def test_several_hidden_layers_are_numbered():
    names = naming.unit_names([2, 2, 2, 1])
    assert names[1] == ["Z1_0", "Z1_1", "Z1_2"] and names[2] == ["Z2_0", "Z2_1", "Z2_2"]
    assert [naming.layer_prefix(layer, 4) for layer in range(4)] == ["X", "Z1_", "Z2_", "D"]
    assert naming.unit_names([3, 2]) == [["X0", "X1", "X2", "X3"], ["D0", "D1"]]


@given(layouts)
def test_every_layer_but_the_output_has_a_bias_unit_first(sizes):
    names = naming.unit_names(sizes)
    kinds = naming.unit_kinds(names)
    assert list(kinds) == [name for layer in names for name in layer]
    for layer, layer_names in enumerate(names[:-1]):
        assert kinds[layer_names[0]] == "bias"
        assert len(layer_names) == sizes[layer] + 1
    assert {kinds[name] for name in names[0][1:]} == {"input"}
    assert {kinds[name] for name in names[-1]} == {"output"}
    assert all(kinds[name] == "hidden" for layer in names[1:-1] for name in layer[1:])


@given(layouts)
def test_sizes_from_names_undoes_unit_names(sizes):
    assert naming.sizes_from_names(naming.unit_names(sizes)) == tuple(sizes)


def test_unit_kind_of_single_units():
    names = naming.unit_names([2, 3, 1])
    assert [naming.unit_kind(names, 0, i) for i in range(3)] == ["bias", "input", "input"]
    assert [naming.unit_kind(names, 1, i) for i in (0, 3)] == ["bias", "hidden"]
    assert naming.unit_kind(names, 2, 0) == "output"  # the output layer has no bias unit


@pytest.mark.parametrize("link", ["w(X0->Z1)", "X0->Z1"])
def test_a_link_is_read_with_or_without_w(link):
    assert naming.parse_link(link) == ("X0", "Z1")
    assert naming.link_key(link) == "w(X0->Z1)"


def test_every_network_link_name_reads_back_to_its_units():
    net = Network([2, 2, 2, 1])
    for layer, rows in enumerate(net.link_names):
        for row, names in enumerate(rows):
            for col, name in enumerate(names):
                source, target = naming.parse_link(name)
                assert source == net.unit_names[layer][col]
                assert target == naming.target_names(net.sizes, layer + 1)[row]
                assert naming.link_key(f"{source}->{target}") == name


@pytest.mark.parametrize("link", ["X0Z1", "X0->", "->Z1", "w(X0->Z1", "A->B->C", "", None, 3,
                                  "w()", "w(->)"])
def test_what_is_not_a_link_is_refused_with_both_forms_named(link):
    with pytest.raises(BpkitError, match=r"not a link name: write one as 'w\(X0->Z1\)' or "
                                         r"'X0->Z1'"):
        naming.parse_link(link)
    with pytest.raises(BpkitError):
        naming.link_key(link)


def test_the_phases_in_order():
    assert naming.PHASES == ("forward", "deltas", "update")
