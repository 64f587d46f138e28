"""A declared line's quantity expressed in the certificate item's unit.

The invoice unit (DOC_UM) is tried first; when it does not convert (say PCE against KGM) the
statistical quantity (ST_QTY in ST_UM) is, since customs asks for it exactly in such cases.
"""

from __future__ import annotations

from decimal import Decimal

from tax_exemption.domain.matching.records import DeclarationLine
from tax_exemption.domain.units import conversion_factor

__all__ = ["quantity_in"]

_ZERO = Decimal(0)


def quantity_in(line: DeclarationLine, unit_code: str | None) -> Decimal | None:
    """The positive quantity of ``line`` in ``unit_code``, or None when no unit converts."""
    if unit_code is None:
        return None
    factor = conversion_factor(line.doc_unit, unit_code)
    if factor is not None and line.quantity > _ZERO:
        return line.quantity * factor
    if line.stat_unit is None or line.stat_quantity is None or line.stat_quantity <= _ZERO:
        return None
    factor = conversion_factor(line.stat_unit, unit_code)
    return None if factor is None else line.stat_quantity * factor
