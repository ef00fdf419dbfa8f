"""Site-wide template context: the site's name, URL and description from settings."""

from django.conf import settings


def site(request) -> dict[str, str]:
    return {
        "site_name": settings.MASTHEAD_SITE_NAME,
        "site_url": settings.MASTHEAD_SITE_URL,
        "site_description": settings.MASTHEAD_SITE_DESCRIPTION,
    }
