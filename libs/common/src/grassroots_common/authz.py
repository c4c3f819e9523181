"""Authorization, one way in every service: a table of actions, each naming the roles that may take it.

A service's ``authz`` module holds its table (``ACTIONS = Actions({...})``) and the scope checks
that go with it (own unit, own community, own village, the reviewing chain). A handler asks by the
action it performs — ``authz.in_unit(ctx.principal, "roster.manage", unit_id)`` — so which roles
may do what is read in one place, and every refusal is a ``Forbidden`` (403 problem+json) with a
stable code. The domain never asks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from grassroots_common.auth import ROLES, Principal


class Actions(Mapping[str, tuple[str, ...]]):
    """A service's actions and the roles that may take each."""

    __slots__ = ("_table",)

    def __init__(self, table: Mapping[str, tuple[str, ...]]) -> None:
        unknown = {role for roles in table.values() for role in roles} - ROLES
        if unknown:
            raise ValueError(f"unknown roles in the table of actions: {sorted(unknown)}")
        empty = [action for action, roles in table.items() if not roles]
        if empty:
            raise ValueError(f"actions no role may take: {empty}")
        self._table = dict(table)

    def __getitem__(self, action: str) -> tuple[str, ...]:
        return self._table[action]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def require(self, principal: Principal, action: str) -> None:
        """Refuse (403 ``role_required``, naming the roles) unless the principal holds a role of ``action``."""
        principal.require(*self._table[action])

    def allows(self, principal: Principal, action: str) -> bool:
        """Whether the principal holds a role of ``action`` (its scope is the caller's to check)."""
        return principal.has(*self._table[action])
