"""The live feed: one LISTEN per process, server-sent events with catch-up by event id."""
