"""The project describes itself truthfully: pip and conda agree, README covers every knob."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import click
import yaml

from gisapp.cli import main
from gisapp.core.settings import Settings
from gisapp.web.api import register

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONDA_ONLY = {"python", "postgis", "selenium"}  # selenium comes with dash[testing] on PyPI
CONDA_NAMES = {"python-build": "build", "redis-py": "redis"}   # conda-forge's name → PyPI's


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_names_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = {CONDA_NAMES.get(_name(d), _name(d)) for d in env["dependencies"] if isinstance(d, str)}
    assert conda - CONDA_ONLY == pip


def test_every_setting_is_documented_with_an_example():
    for f in Settings.model_fields.values():
        var = f.alias
        assert re.search(rf"^\| `{var}` \|.*\| `{var}=\S+", README, re.M), \
            f"{var} needs a row with an example in README's settings table"


def test_every_variable_the_scripts_read_is_documented_with_an_example():
    read = set()
    for script in [*(ROOT / "scripts").glob("*.sh"), ROOT / "Makefile"]:
        read |= set(re.findall(r"\b(GISAPP_[A-Z_]+)\b", script.read_text(encoding="utf-8")))
    missing = [v for v in sorted(read) if not re.search(rf"^\| `{v}` \|.*\| `{v}=\S+", README, re.M)]
    assert not missing, f"README's settings table needs a row with an example for {missing}"


def _commands(group: click.Group, prefix: str = "gisapp"):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}"


def test_every_command_is_documented_with_an_example():
    missing = [c for c in _commands(main) if c not in README]
    assert missing == []


def test_every_api_route_is_documented():
    from flask import Flask
    app = Flask("docs")
    register(app)
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", r.rule) for r in app.url_map.iter_rules()
              if r.rule.startswith("/api/")}
    missing = [r for r in sorted(routes) if r not in README]
    assert missing == []


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert README.index("make run") < README.index("## ") and README.index("make test") < README.index("## ")
