"""Bearer JWT authentication and the principal every command and query acts as.

HS256 with a key generated on first start (kept in the data folder) on the embedded default;
RS256 against a JWKS endpoint when ``JWT_JWKS_URL`` is configured for deploy. Claims: ``sub``,
``name``, ``roles`` and ``scopes`` (unit, section, grid, community, department, town, village).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt

from grassroots_common.errors import Forbidden, Unauthorized

# Every role of the platform, by the name its holders know it by (the web app's ``lib/roles.js``
# says the same): a refusal names the roles that may act in these words, never by their keys.
ROLE_NAMES: dict[str, str] = {
    "staff": "公务员",
    "section_chief": "股组长",
    "deputy_leader": "分管领导",
    "principal_leader": "主要领导",
    "unit_admin": "单位管理员",
    "district_admin": "区委组织部",
    "grid_guide": "网格指导员",
    "grid_chief": "总网格长",
    "grid_head": "网格长",
    "grid_worker": "专职网格员",
    "grid_member": "网格员",
    "community_admin": "社区调度员",
    "department": "职能部门",
    "volunteer": "党员志愿者",
    "village_secretary": "村党组织书记",
    "town_admin": "镇党委书记",
    "operator": "运维人员",
}
ROLES = frozenset(ROLE_NAMES)
SCOPE_KINDS = ("unit", "section", "grid", "community", "department", "town", "village")
AUDIENCE = "grassroots"
# The longest a token may live (``exp`` minus ``iat``, or minus now when the issuer sets no ``iat``):
# a token of longer life, or one that never expires, is refused. ``JWT_MAX_LIFETIME`` (seconds) sets it.
MAX_TOKEN_LIFETIME = dt.timedelta(hours=24)
_REQUIRED = {"require": ["exp", "sub"]}


@dataclass(frozen=True, slots=True)
class Principal:
    sub: str
    name: str
    roles: frozenset[str]
    scopes: dict[str, str] = field(default_factory=dict)

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def require(self, *roles: str) -> None:
        if not self.has(*roles):
            names = "、".join(ROLE_NAMES.get(r, r) for r in roles)
            raise Forbidden("role_required", f"此操作需要以下角色之一：{names}")

    def scope(self, kind: str) -> str | None:
        return self.scopes.get(kind)

    def unit(self) -> str:
        """The principal's unit. A principal without one gets the same refusal from every command
        and read that acts within a unit, in every service: 403 ``unit_scope_missing``."""
        unit_id = self.scopes.get("unit")
        if unit_id is None:
            raise Forbidden("unit_scope_missing", "你的账号未归属任何单位，请联系单位管理员")
        return unit_id


def load_or_create_secret(path: Path) -> str:
    """The embedded default's signing key: generated once, owner-only from the first byte (the file
    is created with mode 0600 in a folder of mode 0700, never loosened and tightened after).

    The key is written whole to a file of this process's own and then linked into place, which
    fails if another process got there first: a process starting beside another one never reads a
    key file that is created but not yet written (an empty key)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    secret = secrets.token_urlsafe(48)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secret)
        try:
            os.link(draft, path)
        except FileExistsError:  # another process linked its key first: theirs is the key
            return path.read_text().strip()
    finally:
        draft.unlink(missing_ok=True)
    return secret


def rotate_secret(path: Path) -> str:
    """A new signing key in place of the old one (owner-only, swapped in atomically). Services read
    the key when they start: after their restart every token signed with the old key is refused."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    secret = secrets.token_urlsafe(48)
    fresh = path.with_name(path.name + ".new")
    fresh.unlink(missing_ok=True)
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secret)
    os.replace(fresh, path)
    return secret


def mint_token(
    secret: str,
    sub: str,
    name: str,
    roles: list[str] | tuple[str, ...],
    scopes: dict[str, str] | None = None,
    ttl: dt.timedelta = dt.timedelta(hours=12),
) -> str:
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    if ttl > MAX_TOKEN_LIFETIME:
        raise ValueError(f"a token lives at most {MAX_TOKEN_LIFETIME} (asked {ttl})")
    now = dt.datetime.now(dt.UTC)
    claims = {
        "sub": sub,
        "name": name,
        "roles": list(roles),
        "scopes": scopes or {},
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


class TokenVerifier:
    def __init__(
        self,
        *,
        secret: str | None = None,
        jwks_url: str | None = None,
        algorithm: str = "HS256",
        max_lifetime: dt.timedelta = MAX_TOKEN_LIFETIME,
    ) -> None:
        if not secret and not jwks_url:
            raise ValueError("a JWT secret or a JWKS URL is required")
        self.secret = secret
        self.max_lifetime = max_lifetime.total_seconds()
        self.algorithm = algorithm
        self.cache_size = 10_000
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._jwks = jwt.PyJWKClient(jwks_url) if jwks_url else None

    def verify(self, token: str) -> Principal:
        """The principal of a valid token. A phone sends the same token with every request, so a
        verified token is remembered (bounded, until it expires) instead of checked again."""
        cached = self._verified.get(token)
        if cached is not None and cached[1] > time.time():
            return cached[0]
        principal, expires = self._verify(token)
        if len(self._verified) >= self.cache_size:
            self._verified.pop(next(iter(self._verified)))
        self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            if self._jwks is not None:
                key: Any = self._jwks.get_signing_key_from_jwt(token).key
                claims = jwt.decode(token, key, algorithms=[self.algorithm], audience=AUDIENCE, options=_REQUIRED)
            else:
                claims = jwt.decode(token, self.secret, algorithms=["HS256"], audience=AUDIENCE, options=_REQUIRED)
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthorized("token_no_expiry", "身份凭证没有有效期，请重新登录") from exc
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("token_expired", "登录已过期，请重新登录") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("token_invalid", "身份凭证无效，请重新登录") from exc
        expires = float(claims["exp"])
        issued = claims.get("iat")
        start = float(issued) if isinstance(issued, int | float) else time.time()
        if expires - start > self.max_lifetime + 60:  # a minute of leeway for clock skew
            raise Unauthorized("token_lifetime", "身份凭证有效期过长，请重新登录")
        roles = claims.get("roles") or []
        scopes = claims.get("scopes") or {}
        if not isinstance(roles, list) or not isinstance(scopes, dict) or not claims.get("sub"):
            raise Unauthorized("token_invalid", "身份凭证缺少必要信息，请重新登录")
        principal = Principal(
            sub=str(claims["sub"]),
            name=str(claims.get("name", "")),
            roles=frozenset(str(r) for r in roles),
            scopes={str(k): str(v) for k, v in scopes.items() if k in SCOPE_KINDS and v},
        )
        return principal, expires
