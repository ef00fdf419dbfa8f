"""Admin endpoints around the article editor: inline image upload, project search, autosave,
preview with the real article template, and the revision diff / restore page.

Every view is wrapped by ``admin_site.admin_view`` (active staff only) and keeps Django's CSRF
protection; article views are class-based views bound to the article admin (``as_view(model_admin=...)``)
and ask it for object permissions.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from articles import selectors
from articles.jsonld import article_jsonld
from articles.models import Project
from articles.revisions import (
    article_versions,
    snapshot_diff,
    snapshot_from_article,
    snapshot_from_version,
    version_previous,
)
from articles.search import normalize
from articles.services.autosave import (
    AutosaveRefused,
    autosave_discard,
    autosave_fields,
    autosave_get,
    autosave_store,
)
from articles.services.images import ImageRejected, image_store
from articles.services.revisions import article_restore

PROJECT_RESULTS = 10


def _error(message: str, status: int) -> JsonResponse:
    # The shape CKEditor's upload adapter shows to the editor.
    return JsonResponse({"error": {"message": message}}, status=status)


@require_POST
def editor_upload(request):
    """An image pasted or dropped into the body: checked, normalised, stored under a random name."""
    user = request.user
    if not (user.has_perm("articles.add_article") or user.has_perm("articles.change_article")):
        return _error(_("你没有上传图片的权限。"), 403)
    limit = int(getattr(settings, "ARTICLES_IMAGE_MAX_BYTES", 10 * 1024 * 1024))
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit + 64 * 1024:
        return _error(_("图片太大，上限为 %(max)d MB。") % {"max": limit // 1024 // 1024}, 413)
    upload = request.FILES.get("upload")
    if upload is None:
        return _error(_("没有收到图片。"), 400)
    try:
        name = image_store(upload, folder=f"uploads/{timezone.now():%Y/%m}")
    except ImageRejected as error:
        return _error(str(error), 400)
    return JsonResponse({"url": default_storage.url(name)})


@require_GET
def project_search(request):
    """Projects whose name or id matches ``q``, for the editor's project picker."""
    if not request.user.has_perm("articles.view_project"):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    projects = Project.objects.none()
    if query:
        # The search engine's folding too: a Traditional or full-width name finds the project.
        folded = normalize(query)
        projects = Project.objects.filter(
            Q(name__icontains=query) | Q(name__icontains=folded) | Q(external_id=query)
        ).order_by("name")
    return JsonResponse(
        {
            "results": [
                {
                    "id": project.external_id,
                    "name": project.name,
                    "logo": project.logo_url,
                    "url": project.url or request.build_absolute_uri(project.get_absolute_url()),
                }
                for project in projects[:PROJECT_RESULTS]
            ]
        }
    )


class ArticleAdminView(View):
    """An endpoint of one article admin: ``as_view(model_admin=...)`` (Django's own admin views,
    such as ``AutocompleteJsonView``, are bound to their admin the same way)."""

    model_admin = None

    def article_or_404(self, object_id):
        article = self.model_admin.get_object(self.request, object_id)
        if article is None:
            raise Http404
        return article


@method_decorator(never_cache, name="dispatch")
class AutosaveView(ArticleAdminView):
    """GET the autosave, POST the editor's current text as JSON, DELETE to discard it."""

    http_method_names = ["get", "post", "delete"]

    def dispatch(self, request, *args, object_id=None, **kwargs):
        article = self.article_or_404(object_id) if object_id is not None else None
        allowed = (
            self.model_admin.has_change_permission(request, article)
            if article is not None
            else self.model_admin.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, article=article, **kwargs)

    def get(self, request, article):
        saved = autosave_get(user=request.user, article=article)
        if saved is None:
            return JsonResponse({"autosave": None})
        text = {"title": saved.title, "body": saved.body, "excerpt": saved.excerpt}
        return JsonResponse({"autosave": text})

    def post(self, request, article):
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"error": _("数据格式不对。")}, status=400)
        try:
            fields = autosave_fields(data)
            saved = autosave_store(user=request.user, article=article, **fields)
        except AutosaveRefused as error:
            return JsonResponse({"error": str(error)}, status=400)
        return JsonResponse({"saved_at": timezone.localtime(saved.saved_at).strftime("%H:%M:%S")})

    def delete(self, request, article):
        autosave_discard(user=request.user, article=article)
        return JsonResponse({"discarded": True})


@method_decorator(never_cache, name="dispatch")
class PreviewView(ArticleAdminView):
    """Any article as readers would see it, with the real article template. Staff only, never
    cached, never indexed."""

    http_method_names = ["get"]

    def get(self, request, object_id):
        article = self.article_or_404(object_id)
        if not self.model_admin.has_view_or_change_permission(request, article):
            raise PermissionDenied
        article = selectors.article_get_for_preview(pk=article.pk)
        context = {
            "article": article,
            "article_pk": article.pk,
            "categories": selectors.article_categories(article=article),
            "projects": selectors.article_projects(article=article),
            "jsonld": [article_jsonld(article)],
            "is_preview": True,
        }
        response = TemplateResponse(request, "articles/article_detail.html", context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class RevisionDiffView(ArticleAdminView):
    """What a revision changed (against the one before it and against now); POST restores it."""

    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, object_id, version_id, **kwargs):
        self.article = self.article_or_404(object_id)
        if not self.model_admin.has_view_or_change_permission(request, self.article):
            raise PermissionDenied
        self.version = get_object_or_404(article_versions(self.article), pk=version_id)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request):
        article, model_admin = self.article, self.model_admin
        if not model_admin.has_change_permission(request, article):
            raise PermissionDenied
        article_restore(article=article, version=self.version, by=request.user)
        messages.success(request, _("已恢复到所选版本，并保存为新的版本。"))
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def get(self, request):
        article, model_admin, version = self.article, self.model_admin, self.version
        snapshot = snapshot_from_version(version)
        previous = version_previous(version)
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "original": article,
            "version": version,
            "title": _("版本差异：%(title)s") % {"title": article.title},
            "changes_made": snapshot_diff(snapshot_from_version(previous), snapshot) if previous else None,
            "changes_since": snapshot_diff(snapshot, snapshot_from_article(article)),
            "can_restore": model_admin.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revision_diff.html", context)
