"""Test settings: fast hashing, in-memory cache (Redis when REDIS_URL is set), plain static files."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
if REDIS_URL:  # noqa: F405  (the suite then runs its cache tests against that Redis)
    CACHES["default"]["KEY_PREFIX"] = "masthead-test"  # noqa: F405
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MASTHEAD_SITE_URL = "http://testserver"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Browser tests look at uploaded images through the live server.
MASTHEAD_SERVE_MEDIA = True
# Webhook tests deliver to an HTTP server the test starts on 127.0.0.1.
ARTICLES_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
