import pytest

from articles.models import Article, Category, ProjectMention
from articles.selectors import article_categories
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "后台写的文章",
        "body": "<p>正文</p>",
        "excerpt": "",
        "kind": "article",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "head_image_alt": "",
        "categories": [],
        "tags": "",
        "comments_enabled": "on",
        "source": "",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "mentions-TOTAL_FORMS": "0",
        "mentions-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_add_and_change_pages_render(admin_client):
    article = ArticleFactory()
    assert admin_client.get("/admin/articles/article/add/").status_code == 200
    response = admin_client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    assert "django_ckeditor_5" in response.content.decode()


def test_admin_list_and_other_admins_render(admin_client):
    ArticleFactory()
    for url in ("/admin/articles/article/", "/admin/articles/author/", "/admin/articles/project/"):
        assert admin_client.get(url).status_code == 200, url


def test_saving_through_the_admin_cleans_the_body_and_derives_mentions(admin_client):
    body = (
        '<p>文 | 苏建勋</p><p><a class="project-link" data-id="8301" data-name="钉钉" '
        'data-refer-type="1" href="https://e.example/1">钉钉</a>'
        '<script>alert(1)</script><img src="x.png" onerror="alert(1)"><a href="javascript:alert(1)">x</a></p>'
    )
    chosen = [Category.objects.create(name=name).pk for name in ("资讯", "新媒体")]
    response = admin_client.post("/admin/articles/article/add/", form_data(body=body, categories=chosen))
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    for forbidden in ("<script", "onerror", "javascript:"):
        assert forbidden not in article.body
    assert 'data-id="8301"' in article.body
    assert ProjectMention.objects.get().project.name == "钉钉"
    assert article.credits.get().author.name == "苏建勋"
    assert sorted(article.categories.names()) == ["新媒体", "资讯"]


def test_publish_action_publishes_selected_articles(admin_client):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    admin_client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.published_at is not None


def test_admin_is_in_chinese_whatever_the_browser_asks(admin_client):
    response = admin_client.get("/admin/articles/article/add/", headers={"accept-language": "en-US,en;q=0.9"})
    content = response.content.decode()
    assert "增加 文章" in content or "添加 文章" in content
    assert "Add 文章" not in content


def test_categories_keep_the_order_the_editor_chose(admin_client):
    news, flash, tech = (Category.objects.create(name=name) for name in ("资讯", "快讯", "科技"))
    response = admin_client.post(
        "/admin/articles/article/add/", form_data(categories=[str(news.pk), str(flash.pk)])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert [c.name for c in article_categories(article=article)] == ["资讯", "快讯"]
    # Reordered and extended: the new first one is the section, the form shows that order.
    data = form_data(categories=[str(tech.pk), "", str(news.pk), str(tech.pk)], loaded_version=article.version)
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [c.name for c in article_categories(article=article)] == ["科技", "资讯"]
    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    first, second = page.index(f'value="{tech.pk}" selected'), page.index(f'value="{news.pk}" selected')
    assert first < second


def test_a_category_name_that_does_not_exist_is_refused_not_created(admin_client):
    Category.objects.create(name="资讯")
    response = admin_client.post("/admin/articles/article/add/", form_data(categories=["资迅"]))
    assert response.status_code == 200
    assert "所选分类不存在" in response.content.decode()
    response = admin_client.post("/admin/articles/article/add/", form_data(categories=["99999"]))
    assert "所选分类不存在" in response.content.decode()
    assert list(Category.objects.values_list("name", flat=True)) == ["资讯"]
    assert not Article.objects.exists()


def test_the_categories_field_talks_about_categories_not_tags(admin_client):
    page = admin_client.get("/admin/articles/article/add/").content.decode()
    assert "主栏目" in page and "只能从已有分类中选择" in page
