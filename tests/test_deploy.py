"""The production files and the `akhbar` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_file_is_production_shaped():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert "version" not in compose, "Compose Specification format: no version key"
    mongo = compose["services"]["mongo"]
    assert mongo["image"] == "mongo:7"
    assert "healthcheck" in mongo
    volume = mongo["volumes"][0].split(":")[0]
    assert volume in compose["volumes"], "data lives in a named volume"
    for value in mongo["environment"].values():
        assert value.startswith("${"), "credentials come from the environment"
    crawler = compose["services"]["crawler"]
    assert crawler["build"] == "." and (ROOT / "Dockerfile").is_file()
    assert crawler["depends_on"]["mongo"]["condition"] == "service_healthy"
    assert crawler["command"] == ["scrapy", "crawl", "news"]
    # Distributed mode: Redis and workers that can be scaled (no fixed name or host port).
    redis = compose["services"]["redis"]
    assert redis["image"].startswith("redis:") and "healthcheck" in redis
    worker = compose["services"]["worker"]
    assert worker["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert "container_name" not in worker and "ports" not in worker
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    scheduler = compose["services"]["scheduler"]
    assert scheduler["command"][:2] == ["akhbar", "schedule"]
    assert compose["services"]["enqueue"]["command"] == ["akhbar", "enqueue"]


def test_builtin_schedule_covers_every_enabled_site():
    from crawler.commands.schedule import load_schedule
    from crawler.registry import load_registry

    schedule = load_schedule(ROOT / "crawler" / "schedule.yaml")
    scheduled = [site for job in schedule.jobs for site in job.sites]
    assert len(scheduled) == len(set(scheduled)), "a site in two jobs would be locked by both"
    assert set(scheduled) == {s.name for s in load_registry() if s.enabled}


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed")
def test_compose_config_validates():
    env = {**os.environ, "MONGO_ROOT_USERNAME": "u", "MONGO_ROOT_PASSWORD": "p"}
    done = subprocess.run(
        ["docker-compose", "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_akhbar_crawl_works_outside_the_project(tmp_path, mongo_uri, db, sample_sites):
    _, sada = sample_sites
    env = {**os.environ, "MONGO_URI": mongo_uri, "MONGO_DATABASE": db.name}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "crawler.commands",
            "crawl",
            "-a",
            f"urls={sada.base_url}/",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "DOWNLOAD_DELAY=0",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert db.articles.count_documents({}) == 4


def test_demo_prints_its_summary(mongo_uri, db):
    env = {**os.environ, "MONGO_URI": mongo_uri, "MONGO_DATABASE": db.name}
    done = subprocess.run(
        [sys.executable, "-m", "crawler.commands", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"Stored 8 articles in {db.name}.articles" in done.stdout
    assert "ترميم أسواق طرابلس القديمة" in done.stdout
    assert ": finished in" in done.stdout
