"""Site-wide template context: the site's name, URL and description from settings."""

from __future__ import annotations

from django.conf import settings


def site(request) -> dict[str, str]:
    return {
        "site_name": settings.MASTHEAD_SITE_NAME,
        "site_url": settings.MASTHEAD_SITE_URL,
        "site_description": settings.MASTHEAD_SITE_DESCRIPTION,
        "twitter_site": settings.MASTHEAD_TWITTER_SITE,
    }
