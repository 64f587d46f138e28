"""Test support shipped with the library: a pytest plugin on real PostgreSQL and Redis."""
