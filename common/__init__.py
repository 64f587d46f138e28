"""The library every moea-cloud service stands on.

Nothing here imports a service package (import-linter enforces it). Each module is one idea:
settings, database sessions, errors, auth, audit, personal-data encryption, idempotency, rate
limits, caching, observability, jobs and the app factory that wires them together.
"""
