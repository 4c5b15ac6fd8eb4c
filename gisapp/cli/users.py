"""`gisapp users` and `gisapp tokens`: accounts, one-time sign-in links, field links and bearer tokens.

These write at once (an account is made or it is not), and each change goes to the audit record as
`cli:<the system user>`. Secrets are printed once; only their hashes are kept.
"""

from __future__ import annotations

import getpass
import sys

import click

from gisapp.access import audit, credentials, users
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.core.settings import get_settings
from gisapp.core.validation import parse
from gisapp.core.vocabulary import ROLE_CODES


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _record(conn, action: str, target: str, **detail) -> None:
    audit.record(conn, action, actor=_actor(), target=target, detail=detail)


def _password_from_stdin() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise click.ClickException("--password-stdin: no password on standard input")
    return line


def _site() -> str:
    settings = get_settings()
    return (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")


def _user_id(conn, name: str) -> int:
    found = users.row(conn, name=name)
    if found is None:
        raise click.ClickException(f"no user {name}")
    return found["id"]


def _fail(exc: ApiError):
    return click.ClickException("; ".join(f"{field}: {message}" for field, message in exc.errors))


@click.group("users")
def users_group() -> None:
    """Accounts: one role each; workers scoped to an area code, departments to a department."""


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLE_CODES), required=True)
@click.option("--area", "area_code", help="A worker's area code (any level; it holds across re-zonings).")
@click.option("--department", help="A department user's department code.")
@click.option("--display-name", help="The name histories show [NAME].")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input; "
              "without it the account signs in by link only (`gisapp users link`).")
def add(name: str, role: str, area_code: str | None, department: str | None, display_name: str | None,
        password_stdin: bool) -> None:
    """Make an account."""
    password = _password_from_stdin() if password_stdin else None
    try:
        user = parse(users.UserIn, {"name": name, "display_name": display_name or name, "role": role,
                                    "area_code": area_code, "department": department})
        with begin() as conn:
            users.add(conn, user, password)
            _record(conn, "user.add", f"user {user.name}", role=role, area_code=area_code, department=department)
    except ApiError as exc:
        raise _fail(exc) from None
    click.echo(f"user {user.name} ({role}) added" + ("" if password else "; sign in by `gisapp users link`"))


@users_group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the new password from standard input.")
def passwd(name: str, password_stdin: bool) -> None:
    """Set an account's password."""
    password = _password_from_stdin()
    try:
        with begin() as conn:
            users.set_password(conn, name, password)
            _record(conn, "user.password", f"user {name}")
    except ApiError as exc:
        raise _fail(exc) from None
    click.echo(f"password of {name} changed")


@users_group.command("disable")
@click.argument("name")
def disable(name: str) -> None:
    """Disable an account: its sessions end, its tokens and unused sign-in links are revoked."""
    try:
        with begin() as conn:
            users.set_disabled(conn, name)
            user_id = _user_id(conn, name)
            tokens, links = credentials.revoke_tokens(conn, user_id), credentials.revoke_links(conn, user_id)
            _record(conn, "user.disable", f"user {name}", tokens_revoked=tokens, links_revoked=links)
    except ApiError as exc:
        raise _fail(exc) from None
    click.echo(f"{name} disabled; {tokens} tokens and {links} sign-in links revoked")


@users_group.command("enable")
@click.argument("name")
def enable(name: str) -> None:
    """Enable a disabled account again."""
    try:
        with begin() as conn:
            users.set_disabled(conn, name, False)
            _record(conn, "user.enable", f"user {name}")
    except ApiError as exc:
        raise _fail(exc) from None
    click.echo(f"{name} enabled")


@users_group.command("list")
def list_() -> None:
    """Every account, with its role and scope."""
    with begin() as conn:
        rows = users.list_users(conn)
    for u in rows:
        scope = u["area_code"] or u["department"] or ""
        flags = ("disabled " if u["disabled"] else "") + ("" if u["has_password"] else "link-only")
        click.echo(f"{u['name']:<20} {u['role']:<11} {scope:<24} {u['display_name']}  {flags}".rstrip())


@users_group.command("link")
@click.argument("name")
@click.option("--expires", "hours", type=click.FloatRange(min=0.1, max=24 * 30), default=24.0, show_default=True,
              help="Hours until the link stops working.")
@click.option("--next", "next_path", default="/", show_default=True, help="The page it opens, e.g. /screen.")
def link(name: str, hours: float, next_path: str) -> None:
    """Print a one-time sign-in URL for NAME (a kiosk's big screen, a first login)."""
    try:
        with begin() as conn:
            token = credentials.create_link(conn, _user_id(conn, name), hours, next_path)
            _record(conn, "link.sign_in", f"user {name}", hours=hours, next=next_path)
    except ApiError as exc:
        raise _fail(exc) from None
    click.echo(f"{_site()}/login/link/{token}")
    click.echo(f"works once, for {hours:g} hours; revoke with `gisapp users disable {name}`", err=True)


@users_group.command("field-link")
@click.argument("name")
@click.option("--case", "case_id", type=int, help="The case the link opens.")
@click.option("--area", "area_code", help="The area the link opens (in the worker's own area).")
@click.option("--expires", "hours", type=click.FloatRange(min=0.1, max=credentials.MAX_FIELD_HOURS), default=72.0,
              show_default=True, help="Hours until the link stops working.")
def field_link(name: str, case_id: int | None, area_code: str | None, hours: float) -> None:
    """Print a signed link for a worker's phone, to one case or area of theirs."""
    try:
        request = parse(credentials.FieldLinkIn, {"worker": name, "case_id": case_id, "area_code": area_code,
                                                  "hours": hours})
        with begin() as conn:
            token, _who = credentials.field_link(conn, get_settings().secret_key, request)
            _record(conn, "link.field", f"user {name}", case_id=case_id, area_code=area_code, hours=hours)
    except ApiError as exc:
        raise _fail(exc) from None
    click.echo(f"{_site()}/f/{token}")


@click.group("tokens")
def tokens_group() -> None:
    """Bearer tokens for machine clients (Authorization: Bearer <token>), with their user's role."""


@tokens_group.command("create")
@click.argument("user")
@click.option("--expires", "days", type=click.IntRange(min=1, max=3650), help="Days until it expires [never].")
@click.option("--label", default="", help="What it is for, e.g. the camera system's name.")
def create_token(user: str, days: int | None, label: str) -> None:
    """Print a new token for USER, once: only its hash is stored."""
    with begin() as conn:
        token = credentials.create_token(conn, _user_id(conn, user), days, label[:100])
        _record(conn, "token.create", f"user {user}", days=days, label=label[:100])
    click.echo(token)


@tokens_group.command("revoke")
@click.argument("user")
def revoke_tokens(user: str) -> None:
    """Revoke every token of USER."""
    with begin() as conn:
        n = credentials.revoke_tokens(conn, _user_id(conn, user))
        _record(conn, "token.revoke", f"user {user}", count=n)
    click.echo(f"{n} tokens of {user} revoked")
