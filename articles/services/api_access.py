"""Content API keys and admin API tokens: made, checked, revoked.

A secret is ``<kind prefix>_<43 random URL-safe characters>`` (256 bits). Only its SHA-256
digest is stored; the secret itself is returned once, by ``*_create``, for the person making it.
Checking a secret costs one indexed query, or none while the answer is cached
(``_RESOLVE_TTL`` seconds); revoking drops that cache entry at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from articles.api.models import ContentKey, StaffToken

CONTENT_KEY_PREFIX = "mhc"
STAFF_TOKEN_PREFIX = "mhs"  # noqa: S105  (a label, not a secret)
_RESOLVE_TTL = 60
_CACHE_KEY = "articles:api-credential:{digest}"
_MISSING = "missing"
# last_used_at is written at most this often per credential (not on every request).
_LAST_USED_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """What a request needs to know about a valid content key (cacheable)."""

    id: int
    name: str
    rate_limit: int


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret(kind: str) -> str:
    return f"{kind}_{secrets.token_urlsafe(32)}"


def content_key_create(
    *, name: str, rate_limit: int | None = None, notes: str = "", by=None
) -> tuple[ContentKey, str]:
    """Make a content key; returns it and its secret (shown once, never stored)."""
    secret = _new_secret(CONTENT_KEY_PREFIX)
    key = ContentKey(name=name, notes=notes, created_by=by, prefix=secret[:10], digest=secret_digest(secret))
    if rate_limit is not None:
        key.rate_limit = rate_limit
    key.save()
    return key, secret


def content_key_fill(*, key: ContentKey) -> str:
    """Give an unsaved ``key`` (made by the admin form) a fresh secret; returns the secret."""
    secret = _new_secret(CONTENT_KEY_PREFIX)
    key.prefix, key.digest = secret[:10], secret_digest(secret)
    return secret


def staff_token_fill(*, token: StaffToken) -> str:
    """Give an unsaved ``token`` a fresh secret; returns the secret (shown once)."""
    secret = _new_secret(STAFF_TOKEN_PREFIX)
    token.prefix, token.digest = secret[:10], secret_digest(secret)
    return secret


def staff_token_create(*, user, name: str, expires_at=None) -> tuple[StaffToken, str]:
    """Make an admin API token acting as ``user``; returns it and its secret (shown once)."""
    token = StaffToken(user=user, name=name, expires_at=expires_at)
    secret = staff_token_fill(token=token)
    token.save()
    return token, secret


def credential_forget(*, digest: str) -> None:
    """Drop the cached answer for ``digest`` (after a revocation or a change of limits)."""
    cache.delete(_CACHE_KEY.format(digest=digest))


@transaction.atomic
def credentials_revoke(*, credentials) -> int:
    """Revoke every credential in the queryset ``credentials`` at once; returns how many."""
    digests = list(credentials.filter(revoked_at__isnull=True).values_list("digest", flat=True))
    count = credentials.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    for digest in digests:
        transaction.on_commit(lambda digest=digest: credential_forget(digest=digest))
        credential_forget(digest=digest)
    return count


def _touch(model, pk: int, last_used_at) -> None:
    now = timezone.now()
    if last_used_at is None or now - last_used_at > _LAST_USED_RESOLUTION:
        model.objects.filter(pk=pk).update(last_used_at=now)


def content_key_resolve(*, secret: str) -> ResolvedKey | None:
    """The valid, unrevoked content key ``secret`` names, or ``None``."""
    if not secret.startswith(f"{CONTENT_KEY_PREFIX}_") or len(secret) > 100:
        return None
    digest = secret_digest(secret)
    cache_key = _CACHE_KEY.format(digest=digest)
    cached = cache.get(cache_key)
    if cached == _MISSING:
        return None
    if cached is not None:
        return ResolvedKey(**cached)
    key = ContentKey.objects.usable().filter(digest=digest).first()
    if key is None:
        cache.set(cache_key, _MISSING, _RESOLVE_TTL)
        return None
    _touch(ContentKey, key.pk, key.last_used_at)
    resolved = ResolvedKey(id=key.pk, name=key.name, rate_limit=key.rate_limit)
    cache.set(
        cache_key, {"id": resolved.id, "name": resolved.name, "rate_limit": resolved.rate_limit}, _RESOLVE_TTL
    )
    return resolved


def staff_token_resolve(*, secret: str) -> StaffToken | None:
    """The valid token ``secret`` names, with its active user loaded, or ``None``.

    Not cached: a staff token's user, groups and permissions must be current on every write.
    """
    if not secret.startswith(f"{STAFF_TOKEN_PREFIX}_") or len(secret) > 100:
        return None
    token = (
        StaffToken.objects.usable()
        .select_related("user")
        .filter(digest=secret_digest(secret), user__is_active=True, user__is_staff=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= timezone.now()):
        return None
    _touch(StaffToken, token.pk, token.last_used_at)
    return token
