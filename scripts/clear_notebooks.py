"""Clear the outputs of notebooks before they go into git (tests/notebooks checks that none are kept).

Usage: .venv/bin/python scripts/clear_notebooks.py notebooks/*.ipynb
"""

import sys

import nbformat

for path in sys.argv[1:]:
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(book, path)
    print(f"cleared {path}")
