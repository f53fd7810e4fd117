"""Configuration from `.env`: `make` writes one with a generated SECRET_KEY; the
settings read it; a variable set in the environment wins over the file."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from archive.dbctl import write_env

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import archive.settings as s; "
    "print(s.SECRET_KEY, s.DEBUG, s.QUIRE_MAX_UPLOAD_MB, s.DATABASES['default']['NAME'], s.SECURE_SSL_REDIRECT)"
)


def _settings_in(folder: Path, **env: str) -> subprocess.CompletedProcess:
    """Load the settings of a copy of archive/ in `folder` in a clean environment
    (PATH and HOME, as in a new shell, plus `env`)."""
    shutil.copytree(ROOT / "archive", folder / "archive", ignore=shutil.ignore_patterns("__pycache__"))
    environment = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), **env}
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=folder, env=environment, capture_output=True, text=True, timeout=60
    )


def test_write_env_generates_a_secret_key_once_and_keeps_it_private(tmp_path):
    path = tmp_path / ".env"

    assert write_env(path) is True
    first = path.read_text()
    assert write_env(path) is False
    assert write_env(tmp_path / "other.env") is True

    keys = [line.split("=", 1)[1] for line in first.splitlines() if line.startswith("SECRET_KEY=")]
    assert len(keys) == 1 and len(keys[0]) >= 50
    assert "$" not in keys[0]  # .env readers expand $NAME
    assert path.read_text() == first  # never regenerated: sessions would all end
    assert (tmp_path / "other.env").read_text() != first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_settings_read_dotenv_and_the_environment_wins(tmp_path):
    (tmp_path / ".env").write_text(
        "SECRET_KEY=from-the-file\n"
        "QUIRE_MAX_UPLOAD_MB=7\n"
        "DATABASE_URL=postgres://quire@db.example:5432/from_the_file\n"
        "SECURE_SSL_REDIRECT=0\n"
    )

    result = _settings_in(tmp_path, SECRET_KEY="from-the-environment", SECURE_SSL_REDIRECT="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["from-the-environment", "False", "7", "from_the_file", "True"]


def test_the_generated_env_is_enough_for_manage_py_and_serves_plain_http(tmp_path):
    write_env(tmp_path / ".env")

    result = _settings_in(tmp_path, DATABASE_URL="postgres://quire@db.example:5432/quire")

    assert result.returncode == 0, result.stderr
    secret_key, debug, _, _, ssl_redirect = result.stdout.split()
    assert len(secret_key) >= 50 and debug == "False" and ssl_redirect == "False"


def test_without_env_or_secret_key_the_error_says_how_to_fix_it(tmp_path):
    result = _settings_in(tmp_path, DATABASE_URL="postgres://quire@db.example:5432/quire")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert "make .env" in result.stderr
