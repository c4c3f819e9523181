"""The deploy's reverse proxy (deploy/proxy/nginx.conf) serves the web app as the one-origin gateway
does: nginx passes the app and the manuals to the web server (grassroots_cli.webserver), which
answers with the same versioned URLs, gzip, ETags and cache headers as the gateway.

The configuration is read here; where nginx is installed (Debian: ``apt-get install nginx-light``)
it is also checked by ``nginx -t`` and run in front of the web server, and the answers compared.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
import yaml
from starlette.datastructures import Headers

from grassroots_cli.webapp import IMMUTABLE, REVALIDATE, WebApp
from grassroots_cli.webserver import WEB_ROOT, create_web_server
from grassroots_common.embedded import free_port

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy/proxy/nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx-light)")


def location(conf: str, prefix: str) -> str:
    """The body of ``location <prefix> { ... }`` (no nested blocks in ours)."""
    found = re.search(r"location " + re.escape(prefix) + r" \{([^}]*)\}", conf)
    assert found, f"no location {prefix}"
    return found.group(1)


def test_the_app_and_the_manuals_go_to_the_web_server_not_to_files_of_nginx() -> None:
    conf = CONF.read_text()
    assert "upstream web" in conf and "server web:8000;" in conf
    for prefix in ("/", "/docs/manuals/"):
        body = location(conf, prefix)
        assert "proxy_pass http://web;" in body, prefix
        assert "root " not in body and "try_files" not in body, prefix
    # nginx neither recompresses nor re-tags what the web server answers.
    assert not re.search(r"^\s*(gzip|etag|expires|add_header)\b", conf, re.MULTILINE)

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    web = services["web"]
    assert "grassroots_cli.webserver:create_web_server" in web["command"]
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    proxy = services["proxy"]
    assert proxy["depends_on"]["web"] == {"condition": "service_healthy"}
    assert not any("apps/web" in v or "docs/manuals" in v for v in proxy["volumes"])
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()
    assert "COPY apps ./apps" in dockerfile and "COPY docs/manuals ./docs/manuals" in dockerfile


def local_conf(tmp: Path, listen: int, web: int) -> Path:
    """The deploy's configuration with its upstreams on this machine: every service at a closed
    port, the web server at ``web``; nginx listening on ``listen``; logs in ``tmp``."""
    conf = CONF.read_text()
    dead = free_port()
    conf = re.sub(r"server (appraisal|grid|village|reporting)-api:8000;", f"server 127.0.0.1:{dead};", conf)
    conf = conf.replace("server web:8000;", f"server 127.0.0.1:{web};")
    conf = conf.replace("listen 8000;", f"listen 127.0.0.1:{listen};")
    conf = conf.replace("http {", f"http {{\n  access_log {tmp}/access.log;", 1)
    path = tmp / "nginx.conf"
    path.write_text(conf)
    return path


def nginx_args(tmp: Path, conf: Path) -> list[str]:
    return [str(NGINX), "-p", f"{tmp}/", "-c", str(conf), "-e", f"{tmp}/error.log", "-g", f"pid {tmp}/nginx.pid;"]


@needs_nginx
def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    tmp_path.chmod(0o777)
    conf = local_conf(tmp_path, free_port(), free_port())
    run = subprocess.run([*nginx_args(tmp_path, conf), "-t"], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr


def wait_until(what: str, check, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.05)


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def behind_nginx(tmp_path: Path) -> Iterator[str]:
    """The web server on a thread of its own and nginx in front of it: nginx's URL."""
    web_port, listen = free_port(), free_port()
    server = uvicorn.Server(uvicorn.Config(create_web_server(), host="127.0.0.1", port=web_port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    tmp_path.chmod(0o777)  # nginx's workers (not root) keep their temporary files here
    conf = local_conf(tmp_path, listen, web_port)
    nginx = subprocess.Popen([*nginx_args(tmp_path, conf), "-g", "daemon off;"], stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{listen}"
    try:
        wait_until("the web server", lambda: answers(f"http://127.0.0.1:{web_port}/healthz"))
        wait_until("nginx in front of it", lambda: nginx.poll() is not None or answers(f"{url}/healthz"))
        assert nginx.poll() is None, nginx.stderr.read().decode() if nginx.stderr else ""
        yield url
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        server.should_exit = True
        thread.join(timeout=10)


@needs_nginx
def test_through_nginx_the_app_is_served_as_the_gateway_serves_it(behind_nginx: str) -> None:
    gateway = WebApp(WEB_ROOT)  # what the gateway answers, for the same files
    expected = gateway.response("staff/log", Headers({})).body.decode()
    with httpx.Client(base_url=behind_nginx, timeout=10) as client:
        index = client.get("/staff/log")
        assert index.status_code == 200 and index.headers["cache-control"] == REVALIDATE
        assert index.text == expected
        prefix = f"/v/{gateway.version}/"
        assert f'src="{prefix}app.js"' in index.text

        module = client.get(f"{prefix}app.js", headers={"accept-encoding": "gzip"})
        assert module.status_code == 200
        assert module.headers["content-encoding"] == "gzip" and module.headers["cache-control"] == IMMUTABLE
        assert module.content == (WEB_ROOT / "app.js").read_bytes()  # httpx undoes the gzip
        assert module.headers["etag"] == gateway.response("app.js", Headers({})).headers["etag"]
        again = client.get(f"{prefix}app.js", headers={"if-none-match": module.headers["etag"]})
        assert again.status_code == 304 and again.headers["cache-control"] == IMMUTABLE

        manual = client.get("/docs/manuals/staff.md", headers={"accept-encoding": "gzip"})
        assert manual.status_code == 200 and manual.headers["content-encoding"] == "gzip"
        assert manual.headers["content-type"].startswith("text/markdown")
        missing = client.get("/docs/manuals/none.md")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")

        # The services are away here: nginx answers for them, the app is still served.
        assert client.get("/api/grid/v1/tickets").status_code == 502
