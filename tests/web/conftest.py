"""Fixtures for the web service: a roster, filled workbooks, an in-process app and client."""

from __future__ import annotations

import pytest
from county.state_kit import kit  # noqa: F401 - the files of the county/state.py tests (test_one_truth.py), made once
from starlette.testclient import TestClient
from web_kit import FMT, PASSWORD, YEAR, login, write_roster

from nianbao.web import auth
from nianbao.web.app import create_app
from nianbao.web.links import make_links
from nianbao.web.service import Service, ServiceConfig


@pytest.fixture
def config(tmp_path):
    return ServiceConfig(store=tmp_path / "store", roster_path=write_roster(tmp_path / "roster.csv"), year=YEAR,
                         format_id=FMT.id, workers=0, name="测试县", code="999",
                         base_url="http://testserver")


@pytest.fixture
def service(config):
    service = Service(config)
    auth.set_password(service.db, PASSWORD)
    return service


@pytest.fixture
def links(service):
    return {link["code"]: link["url"].removeprefix("http://testserver") for link in
            make_links(service.db, service.web_dir, service.roster, "http://testserver")}


@pytest.fixture
def client(config, service):
    app = create_app(config, service=service)
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def office(client):
    assert login(client).status_code == 303
    return client


