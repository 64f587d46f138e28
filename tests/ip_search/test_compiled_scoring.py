"""The trademark scorer and ranking as deployed: compiled by mypyc (setup.py), and ranking and
explaining exactly as their interpreted sources do."""

from __future__ import annotations

import hashlib
import json

from ip_search.search import ranking
from ip_search.search.backend import Candidate
from ip_search.synthetic import generate
from ip_search.text import query_keys, scoring
from ip_search.text.relevance import RELEVANCE_CASES
from ip_search.trademarks import documents
from tests.compiled_sources import run_interpreted
from tests.ip_search.test_ranking import candidate

MARKS = 1500
SEED = 20261127


def _register() -> list[Candidate]:
    return [
        candidate(r.application_no, r.name, r.nice_classes, *(w for w in words if w))
        for r in generate(MARKS, seed=SEED)
        for words in [(r.words_zh, r.words_en, r.words_ja)]
    ]


def ranking_digest() -> str:
    """A digest of every total, order and explanation the ranker gives the relevance queries
    (with and without their class filter) over a seeded synthetic register."""
    register = _register()
    answers: list[object] = []
    for case in RELEVANCE_CASES:
        for classes in (case.classes, ()):
            keys = query_keys(case.query)
            groups = ("0501",) if classes else ()
            ranked = ranking.rank_similar(keys, register, classes=classes, groups=groups)
            page = [r.candidate for r in ranked[:20]]
            hits = ranking.explain_hits(keys, page, classes=classes, groups=groups)
            answers.append([(r.candidate.application_no, r.total) for r in ranked])
            answers.append([(h.candidate.application_no, repr(h.score)) for h in hits])
            answers.append(
                ranking.explain_page(keys, page, classes=classes, groups=groups, digits=4)
            )
            answers.append(ranking.facets(r.candidate for r in ranked))
    return hashlib.sha256(repr(answers).encode()).hexdigest()


def test_the_scorer_and_the_ranking_run_compiled() -> None:
    modules = (scoring, ranking, documents)
    interpreted = [m.__name__ for m in modules if not str(m.__file__).endswith(".so")]
    assert not interpreted, f"not compiled (run `make install`): {interpreted}"


def test_the_compiled_ranking_answers_as_its_sources_do() -> None:
    output = run_interpreted(
        ranking,
        "from tests.ip_search.test_compiled_scoring import ranking_digest\n"
        "import ip_search.search.ranking as ranking, ip_search.text.scoring as scoring\n"
        "import json\n"
        "print(json.dumps([ranking.__file__, scoring.__file__, ranking_digest()]))\n",
    )
    ranking_file, scoring_file, digest = json.loads(output)
    assert ranking_file.endswith("ranking.py")  # the sources ran, not the extensions
    assert scoring_file.endswith("scoring.py")
    assert digest == ranking_digest()
