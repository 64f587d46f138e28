"""Composition only: the registry of the four services, the all-in-one app and the CLI."""
