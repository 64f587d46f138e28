"""Public checks: is this mark, certificate, CNS mark or instrument valid? Cached and signed."""
