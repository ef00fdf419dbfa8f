"""What API answers look like: pydantic schemas for the OpenAPI document and for tests that
check every answer against them (``extra="forbid"``: a field the docs do not name fails).

Article fields are all optional because ``fields=`` chooses them; a list leaves ``body_html``
out unless asked, a single article has every field.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Error(Strict):
    detail: str | list = Field(description="出错原因；参数校验错误时为逐项说明的列表")


class AuthorRef(Strict):
    id: int
    slug: str
    name: str


class Author(AuthorRef):
    bio: str
    avatar_url: str | None
    url: str = Field(description="作者页的绝对地址")


class Category(Strict):
    id: int
    slug: str
    name: str
    url: str


class Tag(Category):
    pass


class Credit(Strict):
    role: str = Field(description="writer、editor、photo、source、reporter、translator")
    role_label: str = Field(description="角色的中文名，如“文”“编辑”")
    author: AuthorRef


class ProjectRef(Strict):
    identifier: str = Field(description="项目 ID（project-link 的 data-id）")
    name: str
    logo_url: str | None = Field(
        description="Logo：本站保存的副本（images_fetch 下载过的）；没有副本时为远程地址；"
        "远程地址下载失败或没有 Logo 时为 null（页面此时显示名称首字的字母徽章）"
    )
    url: str = Field(description="本站项目页的绝对地址")


class Project(ProjectRef):
    external_url: str | None = Field(description="项目自己的链接")
    refer_type: str


class Rendition(Strict):
    spec: str = Field(description="fill-400x300（按焦点裁切）、width-800、width-1600")
    format: str = Field(description="webp、jpeg、png、gif")
    mime: str
    url: str
    width: int
    height: int


class FocalPoint(Strict):
    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)


class HeadImage(Strict):
    url: str = Field(
        description="原图：本站保存的图（上传的，或 images_fetch / 导入下载的）；没有时为导入时的远程地址"
    )
    alt: str
    focal_point: FocalPoint | None
    renditions: list[Rendition]


class Article(Strict):
    id: int | None = None
    title: str | None = None
    excerpt: str | None = Field(None, description="纯文本摘要")
    body_html: str | None = Field(None, description="正文 HTML，写入时已按白名单清洗，相对链接已补全")
    url: str | None = Field(None, description="文章页的绝对地址（canonical）")
    published_at: datetime | None = Field(None, description="ISO 8601，带时区偏移")
    updated_at: datetime | None = None
    categories: list[Category] | None = Field(None, description="按编辑给定的顺序，第一个是主栏目")
    tags: list[Tag] | None = None
    credits: list[Credit] | None = None
    head_image: HeadImage | None = Field(
        None, description="没有题图，或只有下载失败的远程题图时为 null（页面此时不显示题图）"
    )
    projects: list[ProjectRef] | None = Field(None, description="正文提及的项目，按首次提及的顺序")
    source: str | None = None


class Included(Strict):
    authors: list[Author] | None = None
    projects: list[Project] | None = None


class ArticleDetail(Strict):
    article: Article
    included: Included | None = None


class ArticleList(Strict):
    items: list[Article]
    next_cursor: str | None = Field(description="下一页的 cursor；最后一页为 null")
    next: str | None = Field(description="下一页的完整地址")
    limit: int
    included: Included | None = None


class AuthorList(Strict):
    items: list[Author]
    next_cursor: str | None
    next: str | None
    limit: int


class CategoryList(Strict):
    items: list[Category]
    next_cursor: str | None
    next: str | None
    limit: int


class TagList(CategoryList):
    items: list[Tag]


class ProjectList(Strict):
    items: list[Project]
    next_cursor: str | None
    next: str | None
    limit: int
