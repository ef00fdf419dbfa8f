"""Editing in the Django admin: one module per job (articles, their editor endpoints, the rest)."""

from articles.admin import api_access, articles, others, two_factor, webhooks  # noqa: F401  (registers the model admins)
