"""Alembic environment and versions; shipped inside the package so every install can upgrade."""
