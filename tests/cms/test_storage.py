"""Uploads in S3-compatible object storage (django-storages), against a real S3 server the
tests start themselves (moto in server mode on a free port): head images, their renditions,
images put in bodies through the editor, and their deletion, with public URLs readers can
fetch."""

from __future__ import annotations

import io
import json
import urllib.request

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Rendition
from articles.services.articles import article_save
from articles.services.images import image_normalize
from cms.storage import s3_storage_options
from tests.factories import ArticleFactory
from tests.servers import moto_server

pytestmark = pytest.mark.django_db

BUCKET = "masthead-media"
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
    ],
}


@pytest.fixture(scope="module")
def s3_endpoint():
    with moto_server() as url:
        yield url


@pytest.fixture
def s3(settings, s3_endpoint):
    """Media in a fresh bucket of the local S3 server; yields a boto3 client to look inside."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    # What a deployment does once: readers fetch media without credentials (README).
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_storage_options(
                bucket=BUCKET,
                endpoint_url=s3_endpoint,
                access_key="test",
                secret_key="test",
                region="us-east-1",
                location="media",
                public_url=f"{s3_endpoint}/{BUCKET}/",
            ),
        },
    }
    yield client
    objects = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in objects:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket_policy(Bucket=BUCKET)
    client.delete_bucket(Bucket=BUCKET)


def stored_keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def jpeg(size=(1600, 900)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "JPEG")
    return buffer.getvalue()


def fetch(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers["Content-Type"], response.read()


def test_head_images_and_their_renditions_are_stored_in_the_bucket_at_public_urls(s3, s3_endpoint, client):
    article = ArticleFactory.build(title="对象存储里的题图")
    article.head_image = image_normalize(SimpleUploadedFile("head.jpg", jpeg(), content_type="image/jpeg"))
    article = article_save(article=article)

    renditions = list(article.renditions.all())
    assert len(renditions) == 6
    keys = stored_keys(s3)
    assert f"media/{article.head_image.name}" in keys
    assert {f"media/{r.file.name}" for r in renditions} <= keys

    for rendition in renditions:
        url = rendition.file.url
        assert url.startswith(f"{s3_endpoint}/{BUCKET}/media/renditions/"), url
        assert "Signature" not in url and "X-Amz" not in url, "cached pages must not hold expiring URLs"
        content_type, data = fetch(url)
        with Image.open(io.BytesIO(data)) as image:
            assert (image.width, image.height) == (rendition.width, rendition.height)
            assert content_type == Image.MIME[image.format]

    page = client.get(article.get_absolute_url()).content.decode()
    for rendition in renditions:
        if rendition.spec == "width-800":
            assert rendition.file.url in page, "the article page points readers at the bucket"


def test_a_new_head_image_deletes_the_old_renditions_from_the_bucket(s3, django_capture_on_commit_callbacks):
    article = ArticleFactory.build()
    article.head_image = image_normalize(SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg"))
    article = article_save(article=article)
    old = {f"media/{r.file.name}" for r in article.renditions.all()}

    article.head_image = image_normalize(
        SimpleUploadedFile("b.jpg", jpeg((1200, 1200)), content_type="image/jpeg")
    )
    with django_capture_on_commit_callbacks(execute=True):
        article_save(article=article)
    keys = stored_keys(s3)
    assert not old & keys
    assert {f"media/{r.file.name}" for r in Rendition.objects.filter(article=article)} <= keys


def test_images_put_in_a_body_through_the_editor_go_to_the_bucket(s3, s3_endpoint, admin_client):
    upload = SimpleUploadedFile("pasted.jpg", jpeg((800, 600)), content_type="image/jpeg")
    response = admin_client.post(reverse("admin:articles_article_editor_upload"), {"upload": upload})
    assert response.status_code == 200, response.content
    url = response.json()["url"]
    assert url.startswith(f"{s3_endpoint}/{BUCKET}/media/uploads/")
    assert url.endswith(".jpg") and "pasted" not in url, "a random name"
    content_type, data = fetch(url)
    assert content_type == "image/jpeg" and data[:2] == b"\xff\xd8"


def test_the_public_url_must_be_absolute(settings):
    from django.core.exceptions import ImproperlyConfigured

    options = s3_storage_options(
        bucket="b",
        endpoint_url="",
        access_key="",
        secret_key="",
        region="ap-east-1",
        location="",
        public_url="",
    )
    assert options["custom_domain"] == "b.s3.ap-east-1.amazonaws.com" and options["url_protocol"] == "https:"
    with pytest.raises(ImproperlyConfigured, match="DJANGO_MEDIA_URL"):
        s3_storage_options(
            bucket="b",
            endpoint_url="",
            access_key="",
            secret_key="",
            region="r",
            location="",
            public_url="ftp://x/",
        )
