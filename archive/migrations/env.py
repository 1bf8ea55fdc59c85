"""Alembic environment: runs migrations on the connection handed over by archive.catalog."""

from alembic import context

from docgen.archive import tables  # noqa: F401  (the bookkeeping tables join Base.metadata)
from docgen.model import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
