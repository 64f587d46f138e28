"""Compiles the CPU-bound cores to C extensions; everything else is built from pyproject.toml as
usual.

With mypyc, from their typed Python sources:
- the declaration-matching engine (``tax_exemption.domain.matching`` and the unit and CCC code
  tables it reads), pure, strictly typed code run on every declaration line: compiled, it
  matches a batch about a quarter faster (issue #4, ``bench/tax_exemption.py``), with the same
  sources and the same decisions;
- the trademark scorer (``ip_search.text.scoring``), the ranking that calls it
  (``ip_search.search.ranking``) and the search's response documents
  (``ip_search.trademarks.documents``): they score every candidate of a similar search and
  explain and write its page, the largest share of its CPU (issue #3); and the packed keys
  those read (``ip_search.text.packed_keys``), unpacked for every hit explained.

Written in C, each with its Python counterpart as the fallback and the test oracle (issue #3):
- ``ip_search/text/_totals.c``, the score total of every candidate (``scoring.total``);
- ``ip_search/search/resident/_key_source.c``, the resident index's key sources;
- ``ip_search/search/resident/_page.c``, its buffers read and a similar page ranked.

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
    "ip_search/text/packed_keys.py",
    "ip_search/search/ranking.py",
    "ip_search/trademarks/documents.py",
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

# The resident index's trigram word-similarity source (``sql.words_source``) in C.
TRIGRAMS = Extension(
    "ip_search.search.resident._trigrams",
    ["ip_search/search/resident/_trigrams.c"],
    extra_compile_args=["-O2", "-ffp-contract=off"],
)

# The resident index's per-mark buffers read, and a similar page ranked, in C.
PAGE = Extension(
    "ip_search.search.resident._page",
    ["ip_search/search/resident/_page.c"],
    extra_compile_args=["-O2", "-ffp-contract=off"],
)

# No config file: the project's mypy configuration loads the pydantic plugin, which the
# isolated build environment does not have and these modules do not need.
setup(
    ext_modules=[
        *mypycify(["--config-file=", "--strict", *COMPILED], opt_level="3"),
        TOTALS,
        KEY_SOURCE,
        TRIGRAMS,
        PAGE,
    ]
)
