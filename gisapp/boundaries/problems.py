"""What boundary commands refuse: a list of problems, reported together, with nothing written."""

from __future__ import annotations


class ImportProblem(Exception):
    """Rows that cannot be imported; nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


class GenerationProblems(Exception):
    """Validation found blocking problems (checks.Finding); the generation was not activated."""

    def __init__(self, findings: list):
        super().__init__(f"{len(findings)} blocking problem(s)")
        self.findings = findings
