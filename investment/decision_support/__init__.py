"""HTTP side of the decision-support catalogue (the pure items live in investment.decision)."""
