"""gisapp: GIS situation awareness for grid-based urban governance (网格化管理)."""

__version__ = "0.1.0"
