"""A card's scoring keys packed in one string instead of a JSON object of seven lists.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27

A similar search decodes the cards of some sixty candidates, and a card's keys as a JSON object
were two thirds of its decoding: a dict, seven lists and a string per key. Packed
(``ip_search.text.packed_keys``: the six lists the totals kernel reads, then the first text,
joined by control characters no key holds), they decode as one string, read in place by the
kernel. The importer packs a mark's keys with ``ip_search.pack_scoring_keys``, made here.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ip_search"
# A frozen copy of ``ip_search.text.packed_keys``' layout: its PACKED_FIELDS in order, items
# joined by chr(31), fields and then the first text by chr(30). concat_ws would skip a NULL;
# no argument is one (array_to_string of no items is '').
PACKED_FIELDS = ("forms", "compacts", "pinyin_toned", "pinyin_plain", "phonetic", "distinctive")
_LISTS = ", ".join(
    "array_to_string(ARRAY(SELECT item FROM "  # noqa: S608 (this module's constants only)
    f"jsonb_array_elements_text(keys -> '{name}') "
    "WITH ORDINALITY AS e(item, position) ORDER BY position), chr(31))"
    for name in PACKED_FIELDS
)
PACK_FUNCTION = f"""
CREATE FUNCTION {SCHEMA}.pack_scoring_keys(keys jsonb) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN concat_ws(chr(30), {_LISTS}, coalesce(keys -> 'texts' ->> 0, ''))
"""
# 0011's card keys of a mark, rebuilt from its register row on the way down (a function: a
# column type's USING may call one, but may not hold a subquery).
CARD_KEYS_FUNCTION = f"""
CREATE FUNCTION {SCHEMA}.card_scoring_keys(number text) RETURNS json
LANGUAGE sql STABLE STRICT
RETURN (SELECT json_build_object('forms', t.match_keys -> 'forms', 'compacts',
    t.match_keys -> 'compacts', 'texts', t.match_keys -> 'texts', 'pinyin_toned',
    t.match_keys -> 'pinyin_toned', 'pinyin_plain', t.match_keys -> 'pinyin_plain', 'phonetic',
    t.match_keys -> 'phonetic', 'distinctive', t.match_keys -> 'distinctive')
    FROM {SCHEMA}.trademark t WHERE t.application_no = number)
"""  # noqa: S608 (this module's constants only)


def upgrade() -> None:
    # Identifiers and expressions are this module's constants. A new column type rewrites the
    # table in one pass: an added column filled by UPDATE would leave every old row dead,
    # doubling the table until a VACUUM FULL.
    op.execute(PACK_FUNCTION)
    op.execute(
        f"ALTER TABLE {SCHEMA}.mark_card ALTER COLUMN scoring_keys TYPE text "
        f"USING {SCHEMA}.pack_scoring_keys(scoring_keys::jsonb)"
    )
    op.execute(f"ANALYZE {SCHEMA}.mark_card")


def downgrade() -> None:
    op.execute(CARD_KEYS_FUNCTION)
    op.execute(
        f"ALTER TABLE {SCHEMA}.mark_card ALTER COLUMN scoring_keys TYPE json "
        f"USING {SCHEMA}.card_scoring_keys(application_no)"
    )
    op.execute(f"DROP FUNCTION {SCHEMA}.card_scoring_keys(text)")
    op.execute(f"DROP FUNCTION {SCHEMA}.pack_scoring_keys(jsonb)")
    op.execute(f"ANALYZE {SCHEMA}.mark_card")
