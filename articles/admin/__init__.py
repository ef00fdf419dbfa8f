"""Editing in the Django admin: one module per job (articles, their editor endpoints, the rest)."""

from articles.admin import articles, others  # noqa: F401  (registers the model admins)
