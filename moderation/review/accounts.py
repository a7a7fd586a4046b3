"""Reviewer accounts: Argon2id password hashes, roles, login with lockout after failures."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.models.base import utcnow
from moderation.models.review import ReviewerAccount
from moderation.models.tenant import Tenant
from moderation.review.errors import ReviewError

ROLES = ("reviewer", "senior", "compliance", "admin")
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,80}$")

_hasher = PasswordHasher()
#: Verified against when the username is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _hasher.hash(password)


def create_account(
    session: Session, tenant: Tenant, username: str, role: str, password: str
) -> ReviewerAccount:
    """Create an account (the caller commits); ReviewError naming the bad field."""
    if role not in ROLES:
        raise ReviewError(f"role must be one of {', '.join(ROLES)}, not {role!r}", field="role")
    if not USERNAME_RE.match(username):
        raise ReviewError("username must be 2-80 letters, digits or _ . @ -", field="username")
    if len(password) < MIN_PASSWORD:
        raise ReviewError(f"password must be at least {MIN_PASSWORD} characters", field="password")
    if session.scalar(select(ReviewerAccount).where(ReviewerAccount.username == username)):
        raise ReviewError(f"the username {username!r} is taken", field="username")
    account = ReviewerAccount(
        tenant_id=tenant.id,
        username=username,
        role=role,
        password_hash=hash_password(password),
        active=True,
        failed_logins=0,
    )
    session.add(account)
    session.flush()
    return account


class LoginFailed(ReviewError):
    """Wrong credentials, a locked or a disabled account (the message does not say which)."""

    status = 401


def login(
    session: Session, username: str, password: str, now: datetime | None = None
) -> ReviewerAccount:
    """Check credentials; counts failures and locks the account after MAX_FAILURES.

    The caller commits in both outcomes (failures must be remembered).
    """
    now = now or utcnow()
    account = session.scalar(select(ReviewerAccount).where(ReviewerAccount.username == username))
    if account is None:
        _verify(_DUMMY_HASH, password)
        raise LoginFailed("wrong username or password")
    if account.locked_until is not None and account.locked_until > now:
        raise LoginFailed(
            "too many failed attempts: this account is locked for a while; try again later"
        )
    if not account.active or not _verify(account.password_hash, password):
        account.failed_logins = (account.failed_logins or 0) + 1
        if account.failed_logins >= MAX_FAILURES:
            account.locked_until = now + LOCKOUT
            account.failed_logins = 0
        raise LoginFailed("wrong username or password")
    account.failed_logins = 0
    account.locked_until = None
    account.last_login_at = now
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    return account


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(account: ReviewerAccount, password: str) -> None:
    """Replace an account's password and clear any lockout."""
    if len(password) < MIN_PASSWORD:
        raise ReviewError(f"password must be at least {MIN_PASSWORD} characters", field="password")
    account.password_hash = hash_password(password)
    account.failed_logins = 0
    account.locked_until = None


def change_password(account: ReviewerAccount, current: str, new: str, confirm: str) -> None:
    """An account holder's own change: the current password must be right, the new one typed
    twice the same and different from the current one."""
    if not _verify(account.password_hash, current):
        raise ReviewError("the current password is wrong", field="current_password")
    if new != confirm:
        raise ReviewError("the two new passwords differ", field="new_password")
    if new == current:
        raise ReviewError("the new password is the current one", field="new_password")
    set_password(account, new)


def set_active(account: ReviewerAccount, active: bool, by: ReviewerAccount | None = None) -> None:
    """Enable or disable an account (a disabled one can no longer log in, and its open
    sessions end at their next request); nobody disables their own account."""
    if not active and by is not None and by.id == account.id:
        raise ReviewError("you cannot disable your own account", field="account")
    account.active = active


def list_accounts(session: Session, tenant_id: str | None = None) -> list[ReviewerAccount]:
    """Accounts, optionally of one tenant, by username."""
    stmt = select(ReviewerAccount).order_by(ReviewerAccount.username)
    if tenant_id is not None:
        stmt = stmt.where(ReviewerAccount.tenant_id == tenant_id)
    return list(session.scalars(stmt))
