"""Alembic environment: geoalchemy2's helpers keep autogenerate away from PostGIS's own tables."""

from alembic import context
from geoalchemy2 import alembic_helpers

from gisapp.core.schema import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=alembic_helpers.include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
