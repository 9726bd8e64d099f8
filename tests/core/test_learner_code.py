from bpkit.core.practice.learner_code import learner_line


def raising(x):
    y = x + 1
    return y / 0


def test_the_line_inside_the_learners_function_with_its_code():
    try:
        raising(1)
    except ZeroDivisionError as error:
        number, code = learner_line(raising, error)
    assert code == "return y / 0"
    assert number == raising.__code__.co_firstlineno + 2


def test_an_error_that_never_entered_the_function_has_no_line():
    try:
        raising(1, 2)  # a wrong number of arguments fails before the body runs
    except TypeError as error:
        assert learner_line(raising, error) is None
    try:
        len(5)
    except TypeError as error:
        assert learner_line(len, error) is None  # no Python code to point into
