"""What a learner moves and clicks, with ipywidgets: explorers, the step player, questions."""

from bpkit.widgets import show
from bpkit.widgets.depth import DepthExplorer
from bpkit.widgets.explorer import Explorer
from bpkit.widgets.graph import SweepPlayer
from bpkit.widgets.player import StepPlayer
from bpkit.widgets.playground import Playground
from bpkit.widgets.progress import train_with_progress
from bpkit.widgets.questions import QuestionWidget
from bpkit.widgets.rates import RateExplorer

__all__ = [
    "DepthExplorer", "Explorer", "Playground", "QuestionWidget", "RateExplorer", "StepPlayer",
    "SweepPlayer", "show", "train_with_progress",
]
