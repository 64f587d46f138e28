"""Compiles two CPU-bound cores with mypyc; everything else is built from pyproject.toml as
usual.

The declaration-matching engine (``tax_exemption.domain.matching`` and the unit and CCC code
tables it reads) is pure, strictly typed, CPU-bound code on every declaration line: compiled to C
extensions it matches a batch about a quarter faster (issue #4, ``bench/tax_exemption.py``), with
the same sources and the same decisions. The trademark scorer (``ip_search.text.scoring``) and
the ranking that calls it (``ip_search.search.ranking``) score every candidate of a similar
search and explain its page, the largest share of its CPU: compiled, they do it about 1.6 times
as fast, with the same totals and explanations (issue #3).

Every install compiles them, editable ones included, so the tests run the code that is
deployed; ``common.testing.compiled`` stops a test run whose extensions are older than their
sources.
"""

from mypyc.build import mypycify
from setuptools import Extension, setup

# The Makefile's COMPILED_SOURCES names the same files, so that an edit of one rebuilds them.
COMPILED = [
    "tax_exemption/domain/matching/",
    "tax_exemption/domain/units.py",
    "tax_exemption/domain/ccc_levels.py",
    "ip_search/text/scoring.py",
    "ip_search/search/ranking.py",
]

# Score totals of a similar search's candidates in C, equal to ``scoring.total`` to the last bit:
# no fused multiply-add may round a product and a sum once instead of twice.
TOTALS = Extension(
    "ip_search.text._totals",
    ["ip_search/text/_totals.c"],
    extra_compile_args=["-O2", "-ffp-contract=off"],
)

# The resident index's key sources (``sql.key_source`` on its arrays) in C.
KEY_SOURCE = Extension(
    "ip_search.search.resident._key_source",
    ["ip_search/search/resident/_key_source.c"],
    extra_compile_args=["-O2", "-ffp-contract=off"],
)

# No config file: the project's mypy configuration loads the pydantic plugin, which the
# isolated build environment does not have and these modules do not need.
setup(
    ext_modules=[
        *mypycify(["--config-file=", "--strict", *COMPILED], opt_level="3"),
        TOTALS,
        KEY_SOURCE,
    ]
)
