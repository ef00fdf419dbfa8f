from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="home"),
    path("p/<int:pk>/", views.ArticleDetailView.as_view(), name="detail"),
    path("categories/<str:slug>/", views.CategoryView.as_view(), name="category"),
    path("tags/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("authors/<str:slug>/", views.AuthorView.as_view(), name="author"),
    path("projects/<str:external_id>/", views.ProjectView.as_view(), name="project"),
]
