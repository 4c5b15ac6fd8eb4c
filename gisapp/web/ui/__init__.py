"""Dash pages and map elements; assets are served locally (command centres run offline)."""
