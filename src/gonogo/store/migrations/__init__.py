"""Alembic migrations of the history schema; `gonogo.store.migrate` runs them."""
