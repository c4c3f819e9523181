"""The operator's key and backup commands refuse what they must, before touching anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from grassroots_cli.main import app as cli
from grassroots_common.auth import TokenVerifier, load_or_create_secret, mint_token
from grassroots_common.errors import Unauthorized


def test_rotate_key_replaces_the_key_and_the_old_tokens_fail(tmp_path: Path) -> None:
    old = load_or_create_secret(tmp_path / "keys" / "jwt.secret")
    token = mint_token(old, "ops-001", "平台运维员", ["operator"])
    result = CliRunner().invoke(cli, ["rotate-key", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    new = (tmp_path / "keys" / "jwt.secret").read_text().strip()
    assert new != old
    with pytest.raises(Unauthorized):
        TokenVerifier(secret=new).verify(token)


def test_restore_refuses_a_folder_that_is_no_backup(tmp_path: Path) -> None:
    (tmp_path / "not-a-backup").mkdir()
    result = CliRunner().invoke(cli, ["restore", str(tmp_path / "not-a-backup"), "--data-dir", str(tmp_path / "d")])
    assert result.exit_code != 0
    assert "not a grassroots backup" in str(result.exception) + result.output
    assert not (tmp_path / "d" / "postgres").exists()


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.dump").write_text("x")
    result = CliRunner().invoke(cli, ["backup", str(out), "--data-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "not empty" in str(result.exception) + result.output
