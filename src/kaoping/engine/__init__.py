"""The scoring engine: framework-free, Decimal-exact, self-explaining.

Public entry points::

    from kaoping.engine import score
    result = score(scheme, inputs)
"""

from kaoping.engine.scoring import score

__all__ = ["score"]
