"""The evaluation corpus: seeded, and on it the engine never auto-matches wrongly."""

from tax_exemption.domain.matching import Outcome, match_batch
from tax_exemption.evaluation.corpus import generate_corpus
from tax_exemption.evaluation.metrics import evaluate


def test_generation_is_deterministic_per_seed() -> None:
    first, again, other = (
        generate_corpus(600, seed=3),
        generate_corpus(600, seed=3),
        generate_corpus(600, seed=4),
    )
    assert first.lines == again.lines and first.truth == again.truth
    assert first.lines != other.lines


def test_corpus_has_the_noise_and_the_unmatched_kinds() -> None:
    corpus = generate_corpus(3000, seed=5)
    kinds = "+".join(corpus.kinds.values())
    for kind in (
        "cite_missing",
        "cite_typo",
        "desc_typo",
        "model_format",
        "unit_spelling",
        "ccc_digit_11",
        "split",
        "merged",
        "wrong_firm",
        "expired",
        "over_balance",
        "not_covered_sibling",
    ):
        assert kind in kinds, kind
    assert any(truth is None for truth in corpus.truth.values())


def test_zero_false_auto_matches_and_every_unmatched_line_held() -> None:
    corpus = generate_corpus(3000, seed=11)
    result = match_batch(corpus.lines, corpus.items, corpus.ledger_view)
    score = evaluate(corpus, result)
    assert score.false_auto_matches == 0
    assert score.unmatched_refused_or_reviewed == score.truly_unmatched > 0
    assert score.auto_match_rate >= 0.98  # the full-size goal (99.5 %) is the benchmark's
    drawn = {d.line for d in result.drawdowns}
    assert drawn == {d.line for d in result.decisions if d.outcome is Outcome.AUTO_MATCHED}
