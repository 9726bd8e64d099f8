"""Everything a learner answers or writes: questions, the checkers of their code, one catalogue
of mistakes, and one verdict type."""
