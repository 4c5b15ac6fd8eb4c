"""The demo district: its builder, its data, and the loader that goes through the normal import paths."""
