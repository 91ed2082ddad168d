"""The package works where it is installed: a wheel in a fresh virtualenv runs the demo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from crawler.devtools.demo import PROJECT_ROOT
from crawler.store.local import LocalStore

pytestmark = pytest.mark.integration


def test_a_wheel_installed_elsewhere_runs_the_demo(tmp_path):
    # Built from a copy: setuptools leaves a build/ directory where it builds.
    source = tmp_path / "source"
    for part in ("crawler", "pipelines"):
        shutil.copytree(
            PROJECT_ROOT / part, source / part, ignore=shutil.ignore_patterns("__pycache__")
        )
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT_ROOT / part, source / part)
    dist = tmp_path / "dist"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(dist),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = dist.glob("akhbar-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "crawler/devtools/sample/sada_wp/index.html" in names
    assert "crawler/data/topic_lexicon.yaml" in names and "crawler/sites.yaml" in names

    # A fresh virtualenv with the wheel alone; its dependencies are this environment's, seen
    # through a .pth file (no download), which does not bring this checkout's editable install.
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    (Path(site_packages) / "akhbar-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    env = {k: v for k, v in os.environ.items() if k not in ("MONGO_URI", "MONGO_DATABASE")}
    env |= {"AKHBAR_HOME": str(tmp_path / "home"), "PATH": f"{fresh / 'bin'}:{env['PATH']}"}
    elsewhere = tmp_path / "elsewhere"  # not the checkout: no scrapy.cfg, no crawler/ in sight
    elsewhere.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import crawler; print(crawler.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert where.startswith(site_packages), where
    try:
        demo = subprocess.run(
            [str(fresh / "bin" / "akhbar"), "demo"],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-3000:]
        assert "Stored 8 articles in akhbar.articles" in demo.stdout
        assert not (elsewhere / "state.json").exists()
    finally:
        LocalStore(tmp_path / "home").stop()
