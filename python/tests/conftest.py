"""Fixtures of the Python tests: where the reference data is (as tests/CMakeLists.txt finds it:
IVASSIGN_SHARED_DIR, else ../shared next to the checkout, else next to the clone's origin)."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def shared_dir() -> pathlib.Path:
    if os.environ.get("IVASSIGN_SHARED_DIR"):
        return pathlib.Path(os.environ["IVASSIGN_SHARED_DIR"])
    here = ROOT.parent / "shared"
    if (here / "data").is_dir():
        return here
    try:
        origin = subprocess.run(["git", "-C", str(ROOT), "remote", "get-url", "origin"], capture_output=True,
                                text=True, check=True).stdout.strip()
        if (pathlib.Path(origin).parent / "shared" / "data").is_dir():
            return pathlib.Path(origin).parent / "shared"
    except (OSError, subprocess.CalledProcessError):
        pass
    return here


EXAMPLES = shared_dir() / "data" / "examples"


@pytest.fixture(scope="session")
def examples_dir() -> pathlib.Path:
    if not EXAMPLES.is_dir():
        pytest.fail(f"reference data not found at {EXAMPLES}: set IVASSIGN_SHARED_DIR")
    return EXAMPLES
