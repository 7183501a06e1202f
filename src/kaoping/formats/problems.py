"""Problems found in a scheme file, reported all at once and never as a traceback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file.

    ``location`` points into the data (``components[2].indicators[0].points``), at a line of a
    file that does not parse (``第12行第3列``) or at a cell of a sheet (``量化考核表!B17``).
    ``message`` is Chinese and says what is wrong and, where it helps, how to fix it.
    """

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class SchemeError(Exception):
    """A scheme (file, data or Excel table) that cannot be used; ``problems`` says why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.summary())

    def summary(self) -> str:
        lines = [f"考核方案有 {len(self.problems)} 处问题:"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        return "\n".join(lines)
