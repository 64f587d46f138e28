"""Evaluation corpus for declaration matching: seeded, realistic, with known truth."""
