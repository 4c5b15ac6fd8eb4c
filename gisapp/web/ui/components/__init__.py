"""Map elements shared by pages: one module per element (map, legend, live feed, panels)."""
