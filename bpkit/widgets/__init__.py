"""What a learner moves and clicks, with ipywidgets: explorers, the step player, questions."""

from bpkit.widgets import show
from bpkit.widgets.explorer import Explorer
from bpkit.widgets.player import StepPlayer
from bpkit.widgets.progress import train_with_progress
from bpkit.widgets.questions import QuestionWidget
from bpkit.widgets.rates import RateExplorer

__all__ = ["Explorer", "QuestionWidget", "RateExplorer", "StepPlayer", "show",
           "train_with_progress"]
