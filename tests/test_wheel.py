"""The installed wheel, not only the source tree, speaks Chinese: its .mo files are compiled at build
time (setup.py), from the source tree and from the sdist, and a fresh venv without Babel reads them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MO = {"disclo_cli/locale/en/LC_MESSAGES/disclo.mo", "disclo_cli/locale/zh_CN/LC_MESSAGES/disclo.mo"}
LANGUAGE_VARS = ("DISCLO_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")

pytestmark = pytest.mark.slow


def _source_copy(dest: Path) -> Path:
    """The files a build reads, without compiled catalogues or caches (a clean checkout)."""
    ignore = shutil.ignore_patterns("*.mo", "__pycache__", "*.egg-info")
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    for folder in ("src", "data"):
        shutil.copytree(ROOT / folder, dest / folder, ignore=ignore)
    return dest


def _pip(*args: object, cwd: Path, python: str = sys.executable) -> None:
    done = subprocess.run([python, "-m", "pip", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def _chinese_translation(wheel: Path) -> str:
    import gettext
    import io

    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        assert names >= MO, sorted(n for n in names if "locale" in n)
        catalogue = gettext.GNUTranslations(io.BytesIO(z.read("disclo_cli/locale/zh_CN/LC_MESSAGES/disclo.mo")))
    return catalogue.gettext("input-missing")


def test_the_wheel_carries_both_catalogues_and_a_fresh_venv_speaks_chinese(tmp_path) -> None:
    (tmp_path / "src-copy").mkdir()
    src = _source_copy(tmp_path / "src-copy")
    _pip("wheel", "--no-deps", ".", "-w", tmp_path / "wheels", cwd=src)
    wheel = next((tmp_path / "wheels").glob("disclo-*.whl"))
    assert _chinese_translation(wheel) == "{path}：文件不存在"

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=120)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = str(bindir / "python")
    _pip("install", "--quiet", wheel, cwd=tmp_path, python=python)
    _pip("uninstall", "--quiet", "--yes", "Babel", cwd=tmp_path, python=python)  # docxcompose (the volume) brings it; the messages must not need it
    assert subprocess.run([python, "-c", "import babel"], capture_output=True).returncode != 0  # the .mo, not a compile on the fly
    env = {k: v for k, v in os.environ.items() if k not in LANGUAGE_VARS and not k.startswith("DISCLO_") and k != "PYTHONPATH"}
    work = tmp_path / "work"
    work.mkdir()
    usage = subprocess.run([str(bindir / "disclo"), "--help"], cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert usage.returncode == 0 and usage.stdout.startswith("用法：disclo [选项] 命令 [参数]...\n"), usage.stdout + usage.stderr
    failed = subprocess.run([str(bindir / "disclo"), "tally", "nosuch.xlsx"], cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert (failed.returncode, failed.stdout, failed.stderr) == (1, "", "disclo：错误：nosuch.xlsx：文件不存在\n  请核对文件名和所在文件夹。\n")
    located = subprocess.run([python, "-c", "import disclo_cli; print(disclo_cli.__file__)"], cwd=work, env=env, capture_output=True, text=True)
    assert str(venv) in located.stdout  # the installed package, not the source tree


def test_the_sdist_builds_the_catalogues(tmp_path) -> None:
    pytest.importorskip("setuptools")
    src = tmp_path / "src-copy"
    src.mkdir()
    _source_copy(src)
    done = subprocess.run([sys.executable, "-c", "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))",
                           str(tmp_path / "dist")], cwd=src, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    sdist = tmp_path / "dist" / done.stdout.strip().splitlines()[-1]
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"setup.py", "src/disclo_cli/locale/zh_CN/LC_MESSAGES/disclo.po", "src/disclo_cli/locale/en/LC_MESSAGES/disclo.po"} <= names
    _pip("wheel", "--no-deps", sdist, "-w", tmp_path / "wheels", cwd=tmp_path)
    assert _chinese_translation(next((tmp_path / "wheels").glob("disclo-*.whl"))) == "{path}：文件不存在"
