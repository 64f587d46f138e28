"""Investment decision support (投資招商輔助決策): pure, explained, reproducible analyses.

Each item is one module defining `ITEM` (its catalogue entry, with the method) and a function
whose result carries an `Explanation`. `catalogue()` lists them.
"""

from investment.decision.catalogue import DecisionItem, catalogue, item
from investment.decision.explanation import Explanation
from investment.decision.inputs import FactoryPoint, Park

__all__ = ["DecisionItem", "Explanation", "FactoryPoint", "Park", "catalogue", "item"]
