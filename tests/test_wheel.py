"""The wheel works: built from the sources, installed (not editable) into a new venv, it migrates a
database, loads the demo, makes a user and a token, and serves the sign-in page, a page and a layer,
all from the installed package's own files."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import urllib.request
from pathlib import Path

import pytest

from fixtures.waiting import wait_until
from gisapp.core.db import drop_database
from gisapp.core.settings import database_name, with_database

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", "artifacts", "*.mo")


def run(*args, **kw) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300, **kw)
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except OSError:
        return 0, b""


@pytest.fixture
def wheel_database(database_url, owner_url):
    """(as the app, as the owner) for a database of the wheel's own."""
    name = database_name(database_url) + "_wheel"
    urls = with_database(database_url, name), with_database(owner_url, name)
    drop_database(urls[1])
    yield urls
    drop_database(urls[1])


def test_the_installed_wheel_serves_a_page_and_a_layer(tmp_path, wheel_database):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)   # a clean tree: no compiled catalogs, no build output
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path / "dist", src)
    wheel = next((tmp_path / "dist").glob("gisapp-*.whl"))

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    site = Path(run(venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    # The dependencies come from this environment (they were installed from PyPI); the package from the wheel.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(venv / "bin" / "pip", "install", "--no-deps", "--no-index", "--quiet", wheel)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)} | {
        "DATABASE_URL": wheel_database[0], "GISAPP_OWNER_DATABASE_URL": wheel_database[1]}
    where = run(venv / "bin" / "python", "-c", "import gisapp; print(gisapp.__file__)", cwd=tmp_path, env=env)
    assert where.startswith(str(site)), where
    assert (site / "gisapp" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo").exists()

    gisapp = venv / "bin" / "gisapp"
    head = max(p.name[:4] for p in (Path(src) / "gisapp" / "core" / "migrations" / "versions").glob("0*.py"))
    assert f"revision {head}" in run(gisapp, "db", "upgrade", cwd=tmp_path, env=env)
    assert "micro_grid" in run(gisapp, "demo", "load", "--commit", cwd=tmp_path, env=env)
    assert "valid" in run(gisapp, "layers", "validate", cwd=tmp_path, env=env)
    run(gisapp, "users", "add", "wheel.operator", "--role", "operator", cwd=tmp_path, env=env)
    token = run(gisapp, "tokens", "create", "wheel.operator", cwd=tmp_path, env=env).strip()

    port = _free_port()
    server = subprocess.Popen([str(gisapp), "serve", "--port", str(port), "--workers", "1", "--threads", "4"],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: _get(f"{base}/api/v1/health")[0] == 200, 60), "the installed app did not start"
        status, page = _get(f"{base}/")   # redirected to the sign-in page (a template of the package)
        assert status == 200 and "登录".encode() in page and b"gisapp-plain.css" in page
        assert _get(f"{base}/static/gisapp-plain.css")[0] == 200
        status, page = _get(f"{base}/cases", token)
        assert status == 200 and b"gisapp" in page
        assert _get(f"{base}/assets/gisapp_map.js")[0] == 200
        status, body = _get(f"{base}/api/v1/layers/grids?bbox=121.47,31.22,121.53,31.26&z=14", token)
        assert status == 200 and b'"Feature"' in body
    finally:
        server.terminate()
        server.wait(15)
