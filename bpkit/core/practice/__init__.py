"""Everything a learner answers or writes, one catalogue of mistakes and one verdict type."""
