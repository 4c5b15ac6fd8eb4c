"""One settings object read from the environment, checked by a schema, so every entry point agrees.

Nothing here touches the network or the disk: `get_settings()` only reads os.environ. A bad value
fails at start-up naming its variable, every bad one at once.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PACKAGE = Path(__file__).resolve().parent.parent
LOCAL_PORT_DEFAULT = 5433          # scripts/localdb.sh starts the local default cluster here
APP_ROLE_DEFAULT = "gisapp_app"    # the app's least-privilege role on the local default cluster
DEV_SECRET = "dev-only-change-me"


def _local_url(user: str) -> str:
    port = os.environ.get("GISAPP_PGPORT", str(LOCAL_PORT_DEFAULT))
    return f"postgresql://{user}@127.0.0.1:{port}/gisapp"


def sqlalchemy_url(url: str) -> str:
    """Accept the standard postgresql:// form and pick our own driver (psycopg 3)."""
    for prefix in ("postgresql+psycopg2://", "postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    raise ValueError(f"DATABASE_URL must start with postgresql://, got {url.split(':', 1)[0]}:")


def libpq_url(url: str) -> str:
    """The same URL as libpq and psycopg.connect take it (no SQLAlchemy driver suffix)."""
    return "postgresql://" + sqlalchemy_url(url)[len("postgresql+psycopg://"):]


def with_database(url: str, dbname: str) -> str:
    """The same server and credentials, another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + dbname))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def user_name(url: str) -> str:
    return urlsplit(url).username or ""


class SettingsError(ValueError):
    """Bad environment variables; the message names each one."""


def env(name: str, default=None, **kw):
    """A setting: its environment variable is the field's alias (README's settings table lists them)."""
    return Field(default=default, alias=name, **kw) if "default_factory" not in kw else Field(alias=name, **kw)


class Settings(BaseModel):
    """Each field maps to one environment variable, documented in README."""
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    database_url: str = env("DATABASE_URL", default_factory=lambda: _local_url(APP_ROLE_DEFAULT))
    owner_database_url: str = env("GISAPP_OWNER_DATABASE_URL", "")
    test_database_url: str = env("GISAPP_TEST_DATABASE_URL", "")
    host: str = env("GISAPP_HOST", "127.0.0.1")
    port: int = env("GISAPP_PORT", 8050, ge=1, le=65535)
    workers: int = env("GISAPP_WORKERS", 2, ge=1)
    public_url: str = env("GISAPP_PUBLIC_URL", "")
    language: Literal["zh_CN", "en"] = env("GISAPP_LANGUAGE", "zh_CN")
    timezone: str = env("GISAPP_TIMEZONE", "Asia/Shanghai")
    snap_metres: float = env("GISAPP_SNAP_METRES", 50.0, ge=0)
    sliver_m2: float = env("GISAPP_SLIVER_M2", 1.0, ge=0)
    split_m2: float = env("GISAPP_SPLIT_M2", 1.0, ge=0)
    same_iou: float = env("GISAPP_SAME_IOU", 0.98, gt=0.5, le=1)
    match_share: float = env("GISAPP_MATCH_SHARE", 0.8, gt=0.5, le=1)
    edit_snap_m: float = env("GISAPP_EDIT_SNAP_M", 3.0, ge=0)
    max_body_bytes: int = env("GISAPP_MAX_BODY_BYTES", 4_194_304, ge=65_536)
    secret_key: str = env("GISAPP_SECRET_KEY", DEV_SECRET, min_length=16)
    demo: bool = env("GISAPP_DEMO", False)
    session_minutes: int = env("GISAPP_SESSION_MINUTES", 480, ge=5)
    secure_cookies: Literal["auto", "1", "0"] = env("GISAPP_SECURE_COOKIES", "auto")
    redis_url: str = env("GISAPP_REDIS_URL", "redis://127.0.0.1:6379/0")
    login_limit: str = env("GISAPP_LOGIN_LIMIT", "10 per minute")
    report_limit: str = env("GISAPP_REPORT_LIMIT", "60 per minute")
    streams_per_user: int = env("GISAPP_STREAMS_PER_USER", 4, ge=1)
    threads: int = env("GISAPP_THREADS", 32, ge=2)
    layers_dir: str = env("GISAPP_LAYERS_DIR", default_factory=lambda: str(PACKAGE / "map" / "layers"))
    demo_dir: str = env("GISAPP_DEMO_DIR", default_factory=lambda: str(PACKAGE / "demo" / "data"))
    layer_cache_mb: int = env("GISAPP_LAYER_CACHE_MB", 256, ge=0)
    basemap: str = env("GISAPP_BASEMAP", "vector")
    tianditu_key: str = env("GISAPP_TIANDITU_KEY", "")
    screen_rotate_seconds: int = env("GISAPP_SCREEN_ROTATE_SECONDS", 0, ge=0)
    screen_sound: bool = env("GISAPP_SCREEN_SOUND", False)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        source = os.environ if environ is None else environ
        names = {f.alias for f in cls.model_fields.values()}
        try:
            return cls.model_validate({k: v for k, v in source.items() if k in names and v != ""})
        except ValidationError as exc:
            bad = [f"{e['loc'][0]}: {e['msg']} (got {e.get('input')!r})" for e in exc.errors(include_url=False)]
            raise SettingsError("bad settings: " + "; ".join(bad)) from None

    @property
    def effective_owner_url(self) -> str:
        """Migrations run as the owner of the schema: GISAPP_OWNER_DATABASE_URL, else the superuser of
        the local default cluster, else (a DATABASE_URL of your own) DATABASE_URL itself."""
        if self.owner_database_url:
            return self.owner_database_url
        if self.database_url == _local_url(APP_ROLE_DEFAULT):
            return _local_url("postgres")
        return self.database_url

    @property
    def effective_test_database_url(self) -> str:
        """Tests never run against the app's database: default is `<db>_test` on the same server."""
        if self.test_database_url:
            return self.test_database_url
        return with_database(self.database_url, database_name(self.database_url) + "_test")

    @property
    def effective_test_owner_url(self) -> str:
        return with_database(self.effective_owner_url, database_name(self.effective_test_database_url))

    @property
    def cookies_secure(self) -> bool:
        if self.secure_cookies == "auto":
            return self.public_url.startswith("https://")
        return self.secure_cookies == "1"

    @property
    def stream_slots(self) -> int:
        """Live streams one worker holds at most: half its threads, so ordinary requests always have room."""
        return max(1, self.threads // 2)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
