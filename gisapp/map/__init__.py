"""The situation map's data: the layer registry, viewport features, the offline basemap, search."""
