"""The demo user of reporting: the platform operator."""

from __future__ import annotations

from grassroots_common.demo import DemoUser

DEMO_USERS: list[DemoUser] = [
    DemoUser("ops-001", "平台运维员", ("operator",), "平台运维：回放事件流、重建读模型、查看滞后"),
]
