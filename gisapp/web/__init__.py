"""The web adapters: the Flask app, the JSON API under /api/v1 and the Dash pages."""
