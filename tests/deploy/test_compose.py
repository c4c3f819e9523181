"""docker-compose.yml is written and checked here (no Docker engine runs on this machine)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("appraisal", "grid", "village", "reporting")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_service_has_an_api_and_a_worker_with_healthchecks() -> None:
    services = compose()["services"]
    for name in SERVICES:
        api, worker = services[f"{name}-api"], services[f"{name}-worker"]
        assert api["environment"]["RUN_WORKERS"] == "false"
        assert worker["environment"]["RUN_WORKERS"] == "true"
        assert f"{name}.main:create_app" in api["command"]
        for svc in (api, worker):
            assert "healthcheck" in svc and "/readyz" in " ".join(svc["healthcheck"]["test"])
            assert svc["environment"]["DATABASE_URL"].endswith(f"/grassroots_{name}")
            assert svc["environment"]["STREAM_REPLICAS"] == "3"
    for infra in ("postgres", "proxy", "nats-1", "nats-2", "nats-3"):
        assert "healthcheck" in services[infra], infra


def test_nats_is_a_three_node_cluster_with_routes_to_each_node() -> None:
    services = compose()["services"]
    for n in (1, 2, 3):
        conf = (ROOT / f"deploy/nats/nats-{n}.conf").read_text()
        assert f"server_name: nats-{n}" in conf
        assert "jetstream" in conf
        routes = set(re.findall(r"nats-route://(nats-\d):6222", conf))
        assert routes == {"nats-1", "nats-2", "nats-3"}
        assert any(f"nats-{n}.conf" in v for v in services[f"nats-{n}"]["volumes"])


def test_proxy_routes_each_service_with_its_name_stripped() -> None:
    conf = (ROOT / "deploy/proxy/nginx.conf").read_text()
    assert "location ~ ^/api/(appraisal|grid|village|reporting)/(.*)$" in conf
    assert "proxy_pass http://$1/$2$is_args$args;" in conf
    for name in SERVICES:
        assert f"upstream {name}" in conf


def test_proxy_maps_the_origin_shape_to_the_service_before_the_stripped_form() -> None:
    conf = (ROOT / "deploy/proxy/nginx.conf").read_text()
    v1 = "location ~ ^/api/(appraisal|grid|village|reporting)/v1(/.*)?$"
    assert v1 in conf and "proxy_pass http://$1/api/v1$2$is_args$args;" in conf
    # nginx takes the first regex location that matches: the /v1 one must come first.
    assert conf.index(v1) < conf.index("location ~ ^/api/(appraisal|grid|village|reporting)/(.*)$")


def test_configuration_comes_from_the_environment_only() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    assert "${POSTGRES_PASSWORD" in text and "${JWT_JWKS_URL" in text
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if re.search(r"(?i)password|secret", key) and value.strip():
            assert "${" in value, f"literal secret in docker-compose.yml: {line.strip()}"


def test_the_compose_file_sets_what_the_cluster_topology_defines() -> None:
    """One source of truth: ``grassroots cluster`` (grassroots_cli.cluster) and the deploy run each
    process with the same role variables, replicas, NATS nodes and uvicorn options."""
    from grassroots_cli.cluster import NATS_NODES, REPLICAS, ROLES, UVICORN_OPTIONS, role_environment

    services = compose()["services"]
    nodes = [name for name in services if name.startswith("nats-")]
    assert sorted(nodes) == sorted(NATS_NODES)
    for name in SERVICES:
        for role in ROLES:
            svc = services[f"{name}-{role}"]
            env = svc["environment"]
            for key, value in role_environment(name, role).items():
                assert env.get(key) == value, (name, role, key)
            assert env["NATS_URL"] == ",".join(f"nats://{n}:4222" for n in NATS_NODES)
            assert svc["deploy"]["replicas"] == REPLICAS
            command = " ".join(svc["command"])
            assert " ".join(UVICORN_OPTIONS[role]) in command, (name, role)
