"""The patent query language parser, the CJK terms and the snippet rendering (pure, no I/O)."""

from __future__ import annotations

from datetime import date

import pytest

from ip_search.patents.cjk import index_text, query_grams
from ip_search.patents.highlight import START, STOP, render
from ip_search.patents.query_language import (
    MAX_TERMS,
    And,
    CodeTerm,
    DateTerm,
    Field,
    Not,
    Or,
    QuerySyntaxError,
    TextTerm,
    parse,
)


def ti(text: str, **flags: bool) -> TextTerm:
    return TextTerm(Field.TI, text, **flags)


def word(text: str) -> TextTerm:
    return TextTerm(Field.ALL, text)


def test_the_brief_example_parses_with_field_groups_and_binary_not() -> None:
    node = parse("TI=(battery AND lithium) AND PA=toyota NOT IC=H01M10/05*")
    assert node == And(
        (
            And((ti("battery"), ti("lithium"))),
            TextTerm(Field.PA, "toyota"),
            Not(CodeTerm(Field.IC, "H01M10/05", prefix=True)),
        )
    )


def test_and_binds_tighter_than_or_and_not_tighter_than_and() -> None:
    assert parse("a OR b AND c") == Or((word("a"), And((word("b"), word("c")))))
    assert parse("a b OR c") == Or((And((word("a"), word("b"))), word("c")))
    assert parse("NOT a AND b") == And((Not(word("a")), word("b")))
    assert parse("(a OR b) c") == And((Or((word("a"), word("b"))), word("c")))


def test_keywords_are_case_insensitive_and_quoted_keywords_are_words() -> None:
    assert parse("a or b") == Or((word("a"), word("b")))
    assert parse('"and"') == TextTerm(Field.ALL, "and", phrase=True)


def test_phrases_prefixes_and_field_codes() -> None:
    assert parse('TI="solid state battery"') == ti("solid state battery", phrase=True)
    assert parse("ab=batter*") == TextTerm(Field.AB, "batter", prefix=True)
    assert parse("IN=王志明") == TextTerm(Field.IN, "王志明")
    assert parse("PN=US-11,234,567B2") == CodeTerm(Field.PN, "US11234567B2")
    assert parse("IC=h01m") == CodeTerm(Field.IC, "H01M", prefix=True)
    assert parse("IC=H01M10/052") == CodeTerm(Field.IC, "H01M10/052")


def test_full_width_operators_fold_without_moving_positions() -> None:
    assert parse("ＴＩ＝（鋰電池）") == ti("鋰電池")
    with pytest.raises(QuerySyntaxError) as caught:
        parse("ＴＩ＝（鋰電池")
    assert caught.value.position == 7


def test_dates_ranges_and_comparisons() -> None:
    day = date(2020, 1, 1)
    assert parse("AD=2020-01-01") == DateTerm(Field.AD, day, day)
    assert parse("AD=2020-01-01:2021-12-31") == DateTerm(Field.AD, day, date(2021, 12, 31))
    assert parse("AD=:2020-01-01") == DateTerm(Field.AD, None, day)
    assert parse("AD>=2020-01-01") == DateTerm(Field.AD, day, None)
    assert parse("PD>2020-01-01") == DateTerm(Field.PD, date(2020, 1, 2), None)
    assert parse("AD<20200101") == DateTerm(Field.AD, None, date(2019, 12, 31))


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        ("TI=(battery AND", 15, "expected a search term but found end of query"),
        ("TI=", 3, "expected a value for TI but found end of query"),
        ("TI=(battery", 11, "expected ')' but found end of query"),
        ("battery)", 7, "unexpected ')'"),
        ("a AND OR b", 6, "expected a search term but found 'OR'"),
        ('TI="lithium battery', 3, "unterminated quoted phrase"),
        ("IC=H01M10/05*x", 3, "is not an IPC symbol"),
        ("AD=2020-13-01", 3, "is not a date"),
        ("AD=2020-01-01:2019-01-01", 3, "the range ends before it starts"),
        ("AD=2020-01-01:2021-02-30", 14, "is not a date"),
        ("TI>=battery", 2, "TI takes '=' only"),
        ("TI=(a AND AB=b)", 10, "a field code cannot appear inside a field group"),
        ("bat*tery", 3, "'*' is allowed only at the end"),
        ("TI=--", 3, "no letters or digits"),
        ("PN=US123*", 3, "is not a PN number"),
        ("", 0, "expected a search term but found end of query"),
    ],
)
def test_errors_point_at_the_position(query: str, position: int, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert caught.value.position == position
    assert message in caught.value.message


def test_limits_on_terms_and_depth() -> None:
    with pytest.raises(QuerySyntaxError, match="more than 64 terms"):
        parse(" ".join(f"w{i}" for i in range(MAX_TERMS + 1)))
    with pytest.raises(QuerySyntaxError, match="nested deeper"):
        parse("(" * 40 + "a" + ")" * 40)


def test_cjk_bigrams_fold_traditional_to_simplified() -> None:
    assert query_grams("鋰電池") == "锂电 电池"
    assert query_grams("锂电池") == "锂电 电池"
    assert index_text("一種鋰電池 and 負極") == "一种 种锂 锂电 电池 池 , 负极 极"


def test_render_escapes_html_and_marks_cjk_terms_on_folded_text() -> None:
    text = f"<b>{START}lithium{STOP}</b> 鋰電池負極"
    assert render(text, ["锂电池"]) == (
        "&lt;b&gt;<mark>lithium</mark>&lt;/b&gt; <mark>鋰電池</mark>負極"
    )


def test_render_crops_around_the_first_mark_and_closes_it() -> None:
    text = "x" * 500 + "鋰電池" + "y" * 500
    snippet = render(text, ["鋰電池"], max_chars=100)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>鋰電池</mark>" in snippet
    assert render("鋰電池" + "a" * 10, ["鋰電池"], max_chars=2) == "<mark>鋰</mark>…"
