import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Masthead 编辑后台"
admin.site.site_title = "Masthead"
admin.site.index_title = "内容管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

if settings.DEBUG or getattr(settings, "MASTHEAD_SERVE_MEDIA", False):
    # Uploads served by Django only in development and tests (browser tests against a live
    # server); production serves MEDIA_ROOT from the web server or object storage.
    from django.urls import re_path
    from django.views.static import serve

    def media(request, path):
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{prefix}(?P<path>.*)$", media)]
