"""One settings object read from the environment, so every entry point agrees.

Nothing here touches the network or the disk: `get_settings()` only reads os.environ.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PACKAGE = Path(__file__).resolve().parent.parent
LOCAL_PORT_DEFAULT = 5433  # scripts/localdb.sh starts the local default cluster here


def _local_default_url() -> str:
    port = os.environ.get("GISAPP_PGPORT", str(LOCAL_PORT_DEFAULT))
    return f"postgresql://postgres@127.0.0.1:{port}/gisapp"


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


_TYPES = {"str": str, "int": int, "float": float}


@dataclass(frozen=True)
class Settings:
    """Each field maps to one environment variable, documented in README."""

    database_url: str = field(default_factory=_local_default_url, metadata={"env": "DATABASE_URL"})
    test_database_url: str = field(default="", metadata={"env": "GISAPP_TEST_DATABASE_URL"})
    host: str = field(default="127.0.0.1", metadata={"env": "GISAPP_HOST"})
    port: int = field(default=8050, metadata={"env": "GISAPP_PORT"})
    workers: int = field(default=2, metadata={"env": "GISAPP_WORKERS"})
    public_url: str = field(default="", metadata={"env": "GISAPP_PUBLIC_URL"})
    language: str = field(default="zh_CN", metadata={"env": "GISAPP_LANGUAGE"})
    timezone: str = field(default="Asia/Shanghai", metadata={"env": "GISAPP_TIMEZONE"})
    snap_metres: float = field(default=50.0, metadata={"env": "GISAPP_SNAP_METRES"})
    sliver_m2: float = field(default=1.0, metadata={"env": "GISAPP_SLIVER_M2"})
    max_body_bytes: int = field(default=1_048_576, metadata={"env": "GISAPP_MAX_BODY_BYTES"})
    secret_key: str = field(default="dev-only-change-me", metadata={"env": "GISAPP_SECRET_KEY"})
    threads: int = field(default=32, metadata={"env": "GISAPP_THREADS"})
    layers_dir: str = field(default_factory=lambda: str(PACKAGE / "map" / "layers"),
                            metadata={"env": "GISAPP_LAYERS_DIR"})
    demo_dir: str = field(default_factory=lambda: str(PACKAGE / "demo" / "data"), metadata={"env": "GISAPP_DEMO_DIR"})
    layer_cache_mb: int = field(default=256, metadata={"env": "GISAPP_LAYER_CACHE_MB"})
    basemap: str = field(default="vector", metadata={"env": "GISAPP_BASEMAP"})
    tianditu_key: str = field(default="", metadata={"env": "GISAPP_TIANDITU_KEY"})
    screen_rotate_seconds: int = field(default=0, metadata={"env": "GISAPP_SCREEN_ROTATE_SECONDS"})
    screen_sound: int = field(default=0, metadata={"env": "GISAPP_SCREEN_SOUND"})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = env.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            kind = _TYPES[f.type]
            try:
                values[f.name] = kind(raw)
            except ValueError:
                raise ValueError(f"{f.metadata['env']} must be a {kind.__name__}, got {raw!r}") from None
        return cls(**values)

    @property
    def effective_test_database_url(self) -> str:
        """Tests never run against the app's database: default is `<db>_test` on the same server."""
        if self.test_database_url:
            return self.test_database_url
        return with_database(self.database_url, database_name(self.database_url) + "_test")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
