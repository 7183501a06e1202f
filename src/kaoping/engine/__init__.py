"""The scoring engine: framework-free, Decimal-exact, self-explaining.

Public entry points::

    from kaoping.engine import score, explain_unit
    result = score(scheme, inputs)
    print(explain_unit(result.units[0]))
"""

from kaoping.engine.explain import explain_unit
from kaoping.engine.scoring import ScoringError, score

__all__ = ["ScoringError", "explain_unit", "score"]
