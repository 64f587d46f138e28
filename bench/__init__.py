"""Benchmarks (not timed tests): ``python bench/<name>.py [--quick] [--out FILE]``."""
