"""Bearer tokens: valid, expired, tampered, and the roles they carry."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import os
import pathlib
import re
import threading
from pathlib import Path

import pytest

from grassroots_common.auth import (
    ROLE_NAMES,
    Principal,
    TokenVerifier,
    load_or_create_secret,
    mint_token,
    rotate_secret,
)
from grassroots_common.errors import Forbidden, Unauthorized


def test_token_carries_roles_and_scopes() -> None:
    token = mint_token("s" * 32, "p1", "张三", ["staff"], {"unit": "u1", "bogus": "x"})
    principal = TokenVerifier(secret="s" * 32).verify(token)
    assert principal.sub == "p1" and principal.name == "张三"
    assert principal.has("staff") and not principal.has("unit_admin")
    assert principal.scopes == {"unit": "u1"}
    with pytest.raises(Forbidden) as refused:
        principal.require("unit_admin")
    assert refused.value.code == "role_required"


def test_expired_and_foreign_tokens_are_refused() -> None:
    expired = mint_token("s" * 32, "p1", "张三", ["staff"], ttl=dt.timedelta(seconds=-5))
    with pytest.raises(Unauthorized) as exc:
        TokenVerifier(secret="s" * 32).verify(expired)
    assert exc.value.code == "token_expired"
    foreign = mint_token("other-secret" * 3, "p1", "张三", ["staff"])
    with pytest.raises(Unauthorized) as exc:
        TokenVerifier(secret="s" * 32).verify(foreign)
    assert exc.value.code == "token_invalid"


def test_unknown_roles_cannot_be_minted() -> None:
    with pytest.raises(ValueError):
        mint_token("s" * 32, "p1", "x", ["emperor"])


def test_signing_key_is_generated_once_and_kept_private(tmp_path) -> None:
    path = tmp_path / "keys" / "jwt.secret"
    first = load_or_create_secret(path)
    assert len(first) >= 40
    assert load_or_create_secret(path) == first
    assert path.stat().st_mode & 0o077 == 0


def test_processes_starting_together_share_one_whole_key(tmp_path) -> None:
    """Services of a cluster start side by side: none reads the key file before it is written."""
    path = tmp_path / "keys" / "jwt.secret"
    start = threading.Barrier(24)

    def starting() -> str:
        start.wait()
        return load_or_create_secret(path)

    with concurrent.futures.ThreadPoolExecutor(24) as pool:
        keys = list(pool.map(lambda _: starting(), range(24)))
    assert len(set(keys)) == 1 and len(keys[0]) >= 40
    assert sorted(p.name for p in path.parent.iterdir()) == ["jwt.secret"], "no draft left behind"


def test_a_key_linked_first_by_another_process_is_the_key(tmp_path, monkeypatch) -> None:
    path = tmp_path / "keys" / "jwt.secret"
    link = os.link

    def another_process_first(src, dst) -> None:
        pathlib.Path(dst).write_text("theirs-" + "k" * 40)
        link(src, dst)  # raises FileExistsError, as the losing process sees it

    monkeypatch.setattr(os, "link", another_process_first)
    assert load_or_create_secret(path) == "theirs-" + "k" * 40
    assert sorted(p.name for p in path.parent.iterdir()) == ["jwt.secret"]


def test_a_remembered_token_still_expires() -> None:
    verifier = TokenVerifier(secret="s" * 32)
    token = mint_token("s" * 32, "p1", "张三", ["staff"], ttl=dt.timedelta(seconds=60))
    assert verifier.verify(token).sub == "p1"
    principal, _expires = verifier._verified[token]
    verifier._verified[token] = (principal, 0.0)  # as if its expiry had passed
    with pytest.raises(Unauthorized) as exc:
        verifier.verify(mint_token("s" * 32, "p1", "张三", ["staff"], ttl=dt.timedelta(seconds=-1)))
    assert exc.value.code == "token_expired"
    assert verifier.verify(token).sub == "p1"  # re-verified on expiry of the cached entry, still valid


def test_a_token_without_expiry_or_of_too_long_a_life_is_refused() -> None:
    import jwt

    now = int(dt.datetime.now(dt.UTC).timestamp())
    claims = {"sub": "p1", "roles": ["staff"], "aud": "grassroots", "iat": now}
    never = jwt.encode(claims, "s" * 32, algorithm="HS256")
    with pytest.raises(Unauthorized) as exc:
        TokenVerifier(secret="s" * 32).verify(never)
    assert exc.value.code == "token_no_expiry"
    year = jwt.encode({**claims, "exp": now + 365 * 86400}, "s" * 32, algorithm="HS256")
    with pytest.raises(Unauthorized) as exc:
        TokenVerifier(secret="s" * 32).verify(year)
    assert exc.value.code == "token_lifetime"
    no_iat = jwt.encode({"sub": "p1", "roles": [], "aud": "grassroots", "exp": now + 30 * 86400}, "s" * 32)
    with pytest.raises(Unauthorized):
        TokenVerifier(secret="s" * 32).verify(no_iat)
    short = TokenVerifier(secret="s" * 32, max_lifetime=dt.timedelta(hours=1))
    with pytest.raises(Unauthorized):
        short.verify(mint_token("s" * 32, "p1", "张三", ["staff"], ttl=dt.timedelta(hours=2)))
    with pytest.raises(ValueError):
        mint_token("s" * 32, "p1", "张三", ["staff"], ttl=dt.timedelta(days=30))


def test_signing_key_is_private_even_under_a_loose_umask(tmp_path) -> None:
    import os

    old = os.umask(0)
    try:
        path = tmp_path / "keys" / "jwt.secret"
        load_or_create_secret(path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_a_rotated_key_refuses_the_tokens_of_the_old_one(tmp_path) -> None:
    path = tmp_path / "keys" / "jwt.secret"
    old = load_or_create_secret(path)
    before = mint_token(old, "p1", "张三", ["staff"])
    new = rotate_secret(path)
    assert new != old
    assert load_or_create_secret(path) == new  # what a restarted service reads
    assert path.stat().st_mode & 0o777 == 0o600
    assert not path.with_name("jwt.secret.new").exists()
    verifier = TokenVerifier(secret=load_or_create_secret(path))
    with pytest.raises(Unauthorized):
        verifier.verify(before)
    assert verifier.verify(mint_token(new, "p1", "张三", ["staff"])).sub == "p1"


def test_a_refusal_names_the_roles_as_people_know_them() -> None:
    principal = Principal("p1", "王芳", frozenset({"staff"}), {"unit": "u1"})
    with pytest.raises(Forbidden) as refused:
        principal.require("unit_admin", "district_admin")
    assert refused.value.message == "此操作需要以下角色之一：单位管理员、区委组织部"


def test_the_web_app_and_the_services_call_every_role_the_same() -> None:
    roles_js = Path(__file__).parents[3] / "apps" / "web" / "lib" / "roles.js"
    block = roles_js.read_text().split("export const ROLE_LABELS = {", 1)[1].split("};", 1)[0]
    labels = dict(re.findall(r'^\s*(\w+): "([^"]+)",', block, re.M))
    assert labels == ROLE_NAMES
