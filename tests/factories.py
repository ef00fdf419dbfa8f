"""factory_boy factories for the content model."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, Author, Credit, Project, ProjectMention


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery")
    is_staff = True


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"作者{n}")
    slug = factory.Sequence(lambda n: f"author-{n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    external_id = factory.Sequence(lambda n: str(100000 + n))
    name = factory.Sequence(lambda n: f"项目{n}")
    logo_url = "https://img.example.com/logo.png"
    url = factory.LazyAttribute(lambda p: f"https://36kr.com/projectDetails/{p.external_id}")
    refer_type = "2"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"测试文章 {n}")
    body = "<p>正文内容。</p>"
    excerpt = "摘要"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credit

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(AuthorFactory)
    role = Credit.Role.WRITER


class ProjectMentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMention

    article = factory.SubFactory(ArticleFactory)
    project = factory.SubFactory(ProjectFactory)
    position = factory.Sequence(lambda n: n)
