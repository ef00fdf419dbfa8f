"""S3-compatible object storage for uploads (django-storages), configured from the environment.

``DJANGO_S3_BUCKET`` turns it on; ``DJANGO_S3_ENDPOINT_URL`` points at any S3-compatible
service (MinIO, Ceph, Cloudflare R2, Aliyun OSS, Tencent COS, AWS itself when empty);
``DJANGO_S3_ACCESS_KEY_ID`` / ``DJANGO_S3_SECRET_ACCESS_KEY`` are the keys;
``DJANGO_MEDIA_URL`` is where readers fetch the files (a CDN in front of the bucket, or the
bucket's own public address), e.g. ``https://img.example.com/`` or
``http://127.0.0.1:9000/masthead-media/``. Without it, files are addressed path-style under the
endpoint.

Stored files are public and addressed without signatures: pages that name them are cached for
minutes (and by CDNs), so a signed URL that expires would break them. Make the bucket (or the
CDN in front of it) publicly readable; the keys here only need to write.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def s3_storage_options(
    *,
    bucket: str,
    endpoint_url: str,
    access_key: str,
    secret_key: str,
    region: str,
    location: str,
    public_url: str,
) -> dict:
    """``OPTIONS`` for ``storages.backends.s3.S3Storage``. Raises ``ImproperlyConfigured``
    when the public URL is not an absolute http(s) URL."""
    if not public_url or public_url.startswith("/"):
        if not endpoint_url:
            public_url = f"https://{bucket}.s3.{region}.amazonaws.com/"
        else:
            public_url = f"{endpoint_url.rstrip('/')}/{bucket}/"
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            "DJANGO_MEDIA_URL must be an absolute http(s) URL when DJANGO_S3_BUCKET is set, "
            f"not {public_url!r}."
        )
    options = {
        "bucket_name": bucket,
        "region_name": region,
        "location": location.strip("/"),
        "querystring_auth": False,
        "file_overwrite": False,
        "default_acl": None,
        # S3Storage builds public URLs as <url_protocol>//<custom_domain>/<location>/<name>.
        "custom_domain": (parts.netloc + parts.path).rstrip("/"),
        "url_protocol": f"{parts.scheme}:",
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    if endpoint_url:
        options["endpoint_url"] = endpoint_url
        options["addressing_style"] = "path"
    if access_key:
        options["access_key"] = access_key
        options["secret_key"] = secret_key
    return options
