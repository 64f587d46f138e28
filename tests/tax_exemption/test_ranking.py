"""The fuzzy pass's ranking: searching the line's model first, then widening to the rest of
its block, ranks exactly as scoring the whole block at once does."""

from decimal import Decimal

import pytest
from rapidfuzz import fuzz

from tax_exemption.domain.matching import DEFAULT_CONFIG, Blocker, DeclarationLine
from tax_exemption.domain.matching.fuzzy import blockers, rank
from tax_exemption.domain.matching.index import ItemIndex, other_models, same_model
from tax_exemption.domain.matching.ledger import RunningLedger
from tax_exemption.domain.matching.quantities import quantity_in
from tax_exemption.domain.matching.scoring import LineText, score
from tax_exemption.evaluation.corpus import Corpus, generate_corpus
from tests.tax_exemption.builders import ITEM, item, ledger, line


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return generate_corpus(1500, seed=17)


def _sample(corpus: Corpus) -> list[DeclarationLine]:
    """Lines whose block holds several models: where narrowing could change anything."""
    index = ItemIndex(corpus.items)
    sample = [
        declared
        for declared in corpus.lines
        if len({i.model_key for i in index.block(declared.importer_ban, declared.ccc_code)}) > 1
    ]
    assert len(sample) >= 50
    return sample


def test_widening_the_same_model_ranking_equals_ranking_the_whole_block(corpus: Corpus) -> None:
    index = ItemIndex(corpus.items)
    ledger_now = RunningLedger(corpus.ledger_view)
    for declared in _sample(corpus):
        text = LineText.of(declared)
        block = index.block(declared.importer_ban, declared.ccc_code)
        whole = rank(declared, text, block, ledger_now, DEFAULT_CONFIG)
        same = rank(declared, text, same_model(block, text.model_key), ledger_now, DEFAULT_CONFIG)
        widened = rank(
            declared,
            text,
            other_models(block, text.model_key),
            ledger_now,
            DEFAULT_CONFIG,
            ranked_already=same,
        )
        assert widened == whole


def test_same_and_other_models_split_the_block(corpus: Corpus) -> None:
    index = ItemIndex(corpus.items)
    for declared in _sample(corpus):
        model = LineText.of(declared).model_key
        block = index.block(declared.importer_ban, declared.ccc_code)
        same, others = same_model(block, model), other_models(block, model)
        assert sorted(i.key for i in same + others) == sorted(i.key for i in block)
        assert all(i.model_key in {"", model} for i in same)
        assert all(i.model_key not in {"", model} for i in others)


def test_rank_keeps_the_floor_and_orders_best_first_then_by_item_key(corpus: Corpus) -> None:
    index = ItemIndex(corpus.items)
    ledger_now = RunningLedger(corpus.ledger_view)
    for declared in _sample(corpus):
        text = LineText.of(declared)
        block = index.block(declared.importer_ban, declared.ccc_code)
        ranked = rank(declared, text, block, ledger_now, DEFAULT_CONFIG)
        floor = DEFAULT_CONFIG.review_floor
        expected = sorted(
            (s for s in block if score(text, s, DEFAULT_CONFIG).total >= floor),
            key=lambda s: (-score(text, s, DEFAULT_CONFIG).total, s.key),
        )
        assert [s.indexed for s in ranked] == expected
        assert all(s.candidate.scores == score(text, s.indexed, DEFAULT_CONFIG) for s in ranked)


def test_ties_rank_by_item_key_whatever_the_block_order() -> None:
    twins = [item(item_no=n, model="", spec="", description="BALL BEARING") for n in (3, 1, 2)]
    declared = line(goods_model="", goods_spec="", description="BALL BEARING", quantity=Decimal(1))
    index = ItemIndex(twins)
    block = index.block(declared.importer_ban, declared.ccc_code)
    running = RunningLedger(ledger(*twins))
    ranked = rank(declared, LineText.of(declared), block, running, DEFAULT_CONFIG)
    assert [s.indexed.key.item_no for s in ranked] == [1, 2, 3]
    assert len({s.total for s in ranked}) == 1


def test_a_block_is_its_firms_items_under_the_hs6_subheading() -> None:
    other_heading = item(item_no=2, ccc_code="84581100001")
    index = ItemIndex([ITEM, other_heading, item(item_no=3, business_id="10458575")])
    assert [i.key.item_no for i in index.block(ITEM.business_id, "84571099999")] == [1]


def test_rank_names_the_blockers_and_quantity_blockers_finds_for_each_candidate(
    corpus: Corpus,
) -> None:
    """rank settles the unblocked candidates inline and converts a quantity once per unit:
    both must give what ``blockers`` and ``quantity_in`` give for every candidate."""
    index = ItemIndex(corpus.items)
    # Half of every balance drawn already, so that over-balance blocks some candidates.
    ledger_now = RunningLedger({key: balance / 2 for key, balance in corpus.ledger_view.items()})
    seen: set[tuple[Blocker, ...]] = set()
    for declared in _sample(corpus):
        text = LineText.of(declared)
        block = index.block(declared.importer_ban, declared.ccc_code)
        for s in rank(declared, text, block, ledger_now, DEFAULT_CONFIG):
            quantity = quantity_in(declared, s.indexed.unit_code)
            assert s.quantity == quantity
            assert s.candidate.blockers == blockers(declared, s.indexed, quantity, ledger_now)
            seen.add(s.candidate.blockers)
    assert () in seen
    assert any(Blocker.OVER_BALANCE in found for found in seen)
    assert any(Blocker.CCC_MISMATCH in found for found in seen)


@pytest.mark.parametrize("declared_model", ["VF-2SS", ""])
def test_an_item_without_a_model_scores_the_line_model_as_rapidfuzz_does(
    declared_model: str,
) -> None:
    """score skips the call for an item without a model: the figure is rapidfuzz's own."""
    material = item(model="")
    declared = line(goods_model=declared_model)
    (indexed,) = ItemIndex([material]).block(material.business_id, material.ccc_code)
    text = LineText.of(declared)
    scores = score(text, indexed, DEFAULT_CONFIG)
    assert scores.model == fuzz.ratio(text.model_key, indexed.model_key)
    assert scores.model_agrees
