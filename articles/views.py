"""Reader pages. Views parse the request, call a selector and render; nothing else."""

from __future__ import annotations

from django.conf import settings
from django.views.generic import DetailView, ListView

from articles import selectors
from articles.jsonld import article_jsonld


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset) -> int:
        return settings.ARTICLES_PAGE_SIZE

    def get_queryset(self):
        return selectors.article_list_published()


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        pk = self.kwargs["pk"]
        if self.request.user.is_staff and self.request.GET.get("preview"):
            return selectors.article_get_for_preview(pk=pk)
        return selectors.article_get_published(pk=pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["projects"] = selectors.article_projects(article=self.object)
        context["jsonld"] = article_jsonld(self.object)
        return context


class _FilteredListView(ArticleListView):
    """A list of articles belonging to one object (category, tag, author, project)."""

    context_owner_name: str

    def get_owner(self):
        raise NotImplementedError

    def owner_articles(self, owner):
        raise NotImplementedError

    def get_queryset(self):
        self.owner = self.get_owner()
        return self.owner_articles(self.owner)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{self.context_owner_name: self.owner, **kwargs})


class CategoryView(_FilteredListView):
    template_name = "articles/category.html"
    context_owner_name = "category"

    def get_owner(self):
        return selectors.category_get(slug=self.kwargs["slug"])

    def owner_articles(self, owner):
        return selectors.category_articles(category=owner)


class TagView(_FilteredListView):
    template_name = "articles/tag.html"
    context_owner_name = "tag"

    def get_owner(self):
        return selectors.tag_get(slug=self.kwargs["slug"])

    def owner_articles(self, owner):
        return selectors.tag_articles(tag=owner)


class AuthorView(_FilteredListView):
    template_name = "articles/author.html"
    context_owner_name = "author"

    def get_owner(self):
        return selectors.author_get(slug=self.kwargs["slug"])

    def owner_articles(self, owner):
        return selectors.author_articles(author=owner)


class ProjectView(_FilteredListView):
    template_name = "articles/project.html"
    context_owner_name = "project"

    def get_owner(self):
        return selectors.project_get(external_id=self.kwargs["external_id"])

    def owner_articles(self, owner):
        return selectors.project_articles(project=owner)
