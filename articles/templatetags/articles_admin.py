"""Template tags for the admin: the editors' dashboard on the index page."""

from __future__ import annotations

from django import template
from django.urls import reverse

from articles.admin.dashboard import dashboard_for

register = template.Library()


@register.inclusion_tag("admin/articles/_dashboard.html", takes_context=True)
def editor_dashboard(context) -> dict:
    """The dashboard of the user viewing the page (nothing for users who cannot see articles)."""
    request = context["request"]
    if not request.user.has_perm("articles.view_article"):
        return {"dashboard": None}
    base_url = reverse("admin:articles_article_changelist")
    return {"dashboard": dashboard_for(user=request.user, base_url=base_url)}
