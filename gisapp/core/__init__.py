"""The foundation every room stands on: settings, database, errors, the schema mirror and its migrations."""
