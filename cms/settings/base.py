"""Masthead settings shared by every environment.

Everything is switched by environment variables (DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY,
DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS, ...). Environment modules only change defaults.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def media_origin(url: str) -> list[str]:
    """The origin of an absolute MEDIA_URL on plain http (https is allowed already), for CSP."""
    if not url.startswith("http://"):
        return []
    return ["/".join(url.split("/")[:3])]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin site with second-factor checks (cms/admin_site.py), as django.contrib.admin.
    "cms.admin_site.MastheadAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "django_ckeditor_5",
    # django-ninja's own templates and static files: the API docs page is served from here,
    # not from a CDN (the site's CSP allows only our own scripts).
    "ninja",
    "django_tasks_db",
    # Login protection: lockout after repeated failures (axes), TOTP and recovery codes (otp).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL and other control characters in a path or query: 400 before anything reads them.
    "cms.middleware.HostileRequestMiddleware",
    # Anonymous cache hits are answered here, before sessions, auth, CSRF and messages run.
    "articles.page_cache.PageCacheMiddleware",
    # A database outage answers 503 with Retry-After instead of a 500 (cms/middleware.py).
    "cms.middleware.DatabaseUnavailableMiddleware",
    "cms.db_router.PrimaryPinningMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: answers a locked-out login with its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"
ASGI_APPLICATION = "cms.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/masthead)
# switches to PostgreSQL. Connections are kept for DJANGO_CONN_MAX_AGE seconds and checked before
# each request reuses them, so a restarted PostgreSQL costs errors only while it is down.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # A database that does not answer fails the request after this many seconds, not never.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5")
    )

# Optional read replica: reader pages read from it, writes and the admin use the primary
# (cms/db_router.py). Reads stay on the primary for DATABASE_REPLICA_LAG_SECONDS after any
# content change, so a page re-rendered right after an edit never caches the replica's past.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_LAG_SECONDS = float(os.environ.get("DATABASE_REPLICA_LAG_SECONDS", "5"))
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["cms.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_CONNECT_TIMEOUT = float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.5"))
REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.5"))
if REDIS_URL:
    # Shared by every instance: page and fragment caches, invalidation state, counts. An outage
    # degrades to uncached pages and recovers by itself (cms/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "cms.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "masthead"),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT,
                "DOWN_SECONDS": float(os.environ.get("REDIS_RETRY_SECONDS", "2")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# One language for readers and editors alike: the admin is in Chinese whatever the browser asks.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads (head images, renditions, editor images, avatars) go to S3-compatible object storage
# when a bucket is named; DJANGO_MEDIA_URL is then the public address of the stored files.
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "")
if S3_BUCKET:
    from cms.storage import s3_storage_options

    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_storage_options(
            bucket=S3_BUCKET,
            endpoint_url=os.environ.get("DJANGO_S3_ENDPOINT_URL", ""),
            access_key=os.environ.get("DJANGO_S3_ACCESS_KEY_ID", ""),
            secret_key=os.environ.get("DJANGO_S3_SECRET_ACCESS_KEY", ""),
            region=os.environ.get("DJANGO_S3_REGION", "us-east-1"),
            location=os.environ.get("DJANGO_S3_LOCATION", ""),
            public_url=os.environ.get("DJANGO_MEDIA_URL", ""),
        ),
    }
# Uploaded files above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGIN_URL = "admin:login"

# Login protection (README: Login protection). django-axes counts failed logins per user name
# and, separately, per client address: either reaching the limit locks that one out for the
# cool-off time, with a clear message (templates/admin/locked_out.html), answered 429.
# Two-factor login and enrolment: cms/two_factor.py.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before any check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cms.two_factor.lockout_response"
AXES_VERBOSE = False
# Behind a proxy, the client address is the Nth address from the right of X-Forwarded-For
# (the number of proxies you run); 0 reads REMOTE_ADDR.
LOGIN_PROXY_COUNT = int(os.environ.get("DJANGO_LOGIN_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "cms.admin_site.client_address"
# Two-factor (TOTP, with single-use recovery codes) for staff: offered to everyone at
# /admin/two-factor/, asked at login once enrolled, and required of superusers when this is on
# (always on in production.py).
TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = env_bool("DJANGO_2FA_REQUIRED_FOR_SUPERUSERS", False)
OTP_TOTP_ISSUER = os.environ.get("MASTHEAD_SITE_NAME", "Masthead")
TWO_FACTOR_RECOVERY_CODES = 10

# Security defaults that hold everywhere; production.py adds HTTPS-only ones.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # CKEditor 5's upload adapter reads the token from the cookie.

# Content Security Policy, enforced by Django's own middleware. Article bodies may show images
# from any https host (imported posts keep their remote images); scripts and styles are ours.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "https:", "data:", *media_origin(MEDIA_URL)],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# django-taggit: Chinese names keep their characters in slugs (see articles.models.TagSlugMixin).
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = False

# Masthead's own settings.
MASTHEAD_SITE_NAME = os.environ.get("MASTHEAD_SITE_NAME", "Masthead")
MASTHEAD_SITE_URL = os.environ.get("MASTHEAD_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
MASTHEAD_SITE_DESCRIPTION = os.environ.get("MASTHEAD_SITE_DESCRIPTION", "科技新闻与商业报道")
# The publisher in structured data and feeds; the logo defaults to the one in static/img/.
MASTHEAD_PUBLISHER_NAME = os.environ.get("MASTHEAD_PUBLISHER_NAME", MASTHEAD_SITE_NAME)
MASTHEAD_PUBLISHER_LOGO_URL = os.environ.get("MASTHEAD_PUBLISHER_LOGO_URL", "")
MASTHEAD_TWITTER_SITE = os.environ.get("MASTHEAD_TWITTER_SITE", "")  # e.g. @masthead
ARTICLES_PAGE_SIZE = int(os.environ.get("ARTICLES_PAGE_SIZE", "20"))
ARTICLES_FEED_SIZE = int(os.environ.get("ARTICLES_FEED_SIZE", "30"))
ARTICLES_RELATED_COUNT = int(os.environ.get("ARTICLES_RELATED_COUNT", "5"))
# The front page: stories in the featured row (the editors' picks first), stories per section block.
ARTICLES_FRONT_FEATURED_COUNT = int(os.environ.get("ARTICLES_FRONT_FEATURED_COUNT", "4"))
ARTICLES_HOME_SECTION_SIZE = int(os.environ.get("ARTICLES_HOME_SECTION_SIZE", "4"))
ARTICLES_HOME_FLASH_COUNT = int(os.environ.get("ARTICLES_HOME_FLASH_COUNT", "8"))
# 最热: pending page views are written to the database at most this often (and by
# `manage.py flush_page_views`); the most-read list is cached this long and lists this many.
ARTICLES_VIEWS_FLUSH_SECONDS = int(os.environ.get("ARTICLES_VIEWS_FLUSH_SECONDS", "60"))
ARTICLES_MOST_READ_SECONDS = int(os.environ.get("ARTICLES_MOST_READ_SECONDS", "300"))
ARTICLES_MOST_READ_COUNT = int(os.environ.get("ARTICLES_MOST_READ_COUNT", "10"))
# Anonymous full-page cache: how long an entry lives at most (it is also dropped on every
# content change), and the Cache-Control max-age browsers get (0: revalidate with ETag each time).
ARTICLES_PAGE_CACHE_SECONDS = int(os.environ.get("ARTICLES_PAGE_CACHE_SECONDS", "600"))
ARTICLES_BROWSER_CACHE_SECONDS = int(os.environ.get("ARTICLES_BROWSER_CACHE_SECONDS", "0"))
# Fragments of pages (cards, article sections, feed items) live this long at most; each is also
# dropped when one of the surrogate keys it was rendered from is purged (articles/caching/).
ARTICLES_FRAGMENT_CACHE_SECONDS = int(os.environ.get("ARTICLES_FRAGMENT_CACHE_SECONDS", "86400"))
# CDN or reverse-proxy cache in front: how long it may keep a page (s-maxage and
# Surrogate-Control; 0: shared caches revalidate like browsers), and who purges it by surrogate
# key on every change: "none", "log", "http" (HTTP PURGE to ARTICLES_CDN_PURGE_URLS, keys in
# the ARTICLES_CDN_PURGE_HEADER header, as Varnish's xkey expects) or a dotted path to a class.
ARTICLES_CDN_CACHE_SECONDS = int(os.environ.get("ARTICLES_CDN_CACHE_SECONDS", "0"))
ARTICLES_CDN_PURGER = os.environ.get("ARTICLES_CDN_PURGER", "none")
ARTICLES_CDN_PURGE_URLS = env_list("ARTICLES_CDN_PURGE_URLS")
ARTICLES_CDN_PURGE_HEADER = os.environ.get("ARTICLES_CDN_PURGE_HEADER", "xkey-purge")
ARTICLES_CDN_PURGE_TIMEOUT = float(os.environ.get("ARTICLES_CDN_PURGE_TIMEOUT", "2"))
ARTICLES_SITEMAP_LIMIT = int(os.environ.get("ARTICLES_SITEMAP_LIMIT", "5000"))
ARTICLES_NEWS_SITEMAP_HOURS = int(os.environ.get("ARTICLES_NEWS_SITEMAP_HOURS", "48"))
# Hexo's permalink pattern used for legacy redirects when a post has no `permalink` of its own.
ARTICLES_LEGACY_PERMALINK = os.environ.get("ARTICLES_LEGACY_PERMALINK", ":year/:month/:day/:title/")
# Uploaded images (head images and images in bodies): at most this many bytes and pixels.
ARTICLES_IMAGE_MAX_BYTES = int(os.environ.get("ARTICLES_IMAGE_MAX_BYTES", str(10 * 1024 * 1024)))
ARTICLES_IMAGE_MAX_PIXELS = int(os.environ.get("ARTICLES_IMAGE_MAX_PIXELS", "40000000"))
# Legacy import limits: one post file, a .zip archive (uncompressed total, members, compression
# ratio), and images fetched with --fetch-images.
ARTICLES_IMPORT_MAX_FILE_BYTES = 5 * 1024 * 1024
ARTICLES_IMPORT_MAX_ARCHIVE_BYTES = 512 * 1024 * 1024
ARTICLES_IMPORT_MAX_ARCHIVE_MEMBERS = 100_000
ARTICLES_IMPORT_MAX_COMPRESSION_RATIO = 100
ARTICLES_IMPORT_IMAGE_MAX_BYTES = 10 * 1024 * 1024
ARTICLES_IMPORT_IMAGE_TIMEOUT = 10
# CPU seconds one file may take to parse (markdown, cleaning) before it fails as hostile.
ARTICLES_IMPORT_PARSE_SECONDS = 5.0
# Categories, tags, byline names and project links (each) one post may carry.
ARTICLES_IMPORT_MAX_ITEMS_PER_POST = 100

# The content API (articles.api). Keys are required unless anonymous access is turned on.
ARTICLES_API_ANONYMOUS = env_bool("ARTICLES_API_ANONYMOUS", False)
# Requests a minute: per IP address for anonymous readers, per token for the admin API.
ARTICLES_API_ANONYMOUS_RATE_LIMIT = int(os.environ.get("ARTICLES_API_ANONYMOUS_RATE_LIMIT", "60"))
ARTICLES_API_STAFF_RATE_LIMIT = int(os.environ.get("ARTICLES_API_STAFF_RATE_LIMIT", "120"))
ARTICLES_API_PAGE_SIZE = int(os.environ.get("ARTICLES_API_PAGE_SIZE", "20"))
ARTICLES_API_MAX_PAGE_SIZE = int(os.environ.get("ARTICLES_API_MAX_PAGE_SIZE", "100"))
# Server-side cache of content API answers (dropped with every content change; 0: off) and the
# max-age clients and proxies get (0: revalidate with the ETag every time).
ARTICLES_API_CACHE_SECONDS = int(os.environ.get("ARTICLES_API_CACHE_SECONDS", "300"))
ARTICLES_API_BROWSER_CACHE_SECONDS = int(os.environ.get("ARTICLES_API_BROWSER_CACHE_SECONDS", "0"))

# Webhooks (articles.webhooks): attempts per delivery, the first retry's delay (doubled for each
# retry after), and how long one request may take.
ARTICLES_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("ARTICLES_WEBHOOK_MAX_ATTEMPTS", "8"))
ARTICLES_WEBHOOK_RETRY_SECONDS = float(os.environ.get("ARTICLES_WEBHOOK_RETRY_SECONDS", "30"))
ARTICLES_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("ARTICLES_WEBHOOK_TIMEOUT_SECONDS", "5"))
# Endpoints on loopback or private addresses are refused unless this is on (development, tests).
ARTICLES_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("ARTICLES_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

# Background tasks: Django's tasks framework, stored in the database and run by
# `manage.py db_worker` (started by `make run`; a service of its own in production).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "webhooks"],
    }
}

from .ckeditor import *  # noqa: E402,F403  (CKEditor 5 toolbar and HTML support)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # DJANGO_LOG_FORMAT=json: one JSON object per line, as log collectors want.
        "json": {"()": "cms.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if os.environ.get("DJANGO_LOG_FORMAT") == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}
