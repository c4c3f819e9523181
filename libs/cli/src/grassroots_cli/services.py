"""The services the platform runs, by name: their app factories, projections and demo users."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

SERVICES = ("appraisal", "grid", "village", "reporting")
PUBLISHERS = ("appraisal", "grid", "village")
DEFAULT_PORTS = {"appraisal": 8101, "grid": 8102, "village": 8103, "reporting": 8104}


@dataclass(frozen=True)
class ServiceModules:
    name: str

    def module(self, suffix: str) -> ModuleType | None:
        try:
            return importlib.import_module(f"{self.name}.{suffix}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(f"{self.name}.{suffix}"):
                return None
            raise

    @property
    def app_factory(self) -> str:
        return f"{self.name}.main:create_app"

    def projections(self) -> list:
        mod = self.module("projections")
        return list(getattr(mod, "PROJECTIONS", [])) if mod else []

    def demo_users(self) -> list:
        mod = self.module("demo")
        return list(getattr(mod, "DEMO_USERS", [])) if mod else []

    def available(self) -> bool:
        return self.module("main") is not None


def service(name: str) -> ServiceModules:
    if name not in SERVICES:
        raise KeyError(name)
    return ServiceModules(name)


def available_services() -> list[str]:
    return [s for s in SERVICES if service(s).available()]
