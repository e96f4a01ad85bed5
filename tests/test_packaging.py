"""An installed nianbao (a built wheel, away from the repository) has its specs and samples."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_ships_specs_and_samples_and_runs_the_demo(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(wheels), str(REPO)], check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("nianbao-*.whl")
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("NIANBAO_FORMATS", None)
    where = subprocess.run([sys.executable, "-c", "import nianbao.paths as p; print(p.formats_dir()); "
                            "print(p.samples_dir())"], env=env, cwd=tmp_path, capture_output=True, text=True,
                           check=True)
    assert all(line.startswith(str(target)) for line in where.stdout.split()), where.stdout
    demo = subprocess.run([sys.executable, "-m", "nianbao", "demo", str(tmp_path / "out")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert (tmp_path / "out" / "4-汇总" / "summary.xlsx").exists()
