"""Local development: DEBUG on, an insecure key only when none is given."""

from .base import *  # noqa: F403
from .base import env_bool, os

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me"  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Template edits show at once: no full-page cache in development unless asked for.
ARTICLES_PAGE_CACHE_SECONDS = int(os.environ.get("ARTICLES_PAGE_CACHE_SECONDS", "0"))
# Webhook endpoints on this machine (a local receiver) are fine while developing.
ARTICLES_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("ARTICLES_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", True)
