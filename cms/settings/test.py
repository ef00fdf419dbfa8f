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
# A second database standing in for a read replica, for the tests of cms/db_router.py (its test
# database is made only for the tests that ask for it; no router sends anything there otherwise).
DATABASES["replica"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "NAME": (
        ":memory:"  # never a file: only its (in-memory) test database is ever used
        if DATABASES["default"]["ENGINE"].endswith("sqlite3")  # noqa: F405
        else f"{DATABASES['default']['NAME']}_replica"  # noqa: F405
    ),
    "TEST": {},
}
DATABASE_ROUTERS = []
# Webhook tests deliver to an HTTP server the test starts on 127.0.0.1.
ARTICLES_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
