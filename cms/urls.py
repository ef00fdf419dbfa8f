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

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
