"""What boundary commands refuse: a list of problems, reported together, with nothing written."""

from __future__ import annotations


class ImportProblem(Exception):
    """Rows that cannot be imported; nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
