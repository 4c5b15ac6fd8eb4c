"""Boundary generations and their areas: import, checks, activation and point lookup."""
