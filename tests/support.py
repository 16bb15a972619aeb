"""Running `xxgk` in a subprocess, as a user would (a Twisted reactor cannot restart inside one process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

XXGK = str(Path(sys.executable).parent / "xxgk")
AGENCY = "kaiping-edu"


def xxgk(*args: str, env: dict[str, str] | None = None, expect: int | None = 0, timeout: float = 900,
         base_env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.CompletedProcess:
    """`xxgk ARGS…` with `env` added to `base_env` (default: this process's environment); asserts the exit
    status when `expect` is not None, showing the output when it differs."""
    out = subprocess.run([XXGK, *args], capture_output=True, text=True, timeout=timeout, check=False,
                         env={**(os.environ if base_env is None else base_env), **(env or {})}, **kwargs)
    if expect is not None:
        assert out.returncode == expect, (f"xxgk {' '.join(args)}\nexit {out.returncode}\nSTDOUT {out.stdout[-2000:]}"
                                          f"\nSTDERR {out.stderr[-4000:]}")
    return out


def crawl_args(sim_url: str, db: Path, channel: str = "catalog", *extra: str, agency: str = AGENCY) -> list[str]:
    return ["crawl", "--agency", agency, "--channel", channel, "--simulator", sim_url, "--db", str(db), "--json",
            "--log-level", "WARNING", *extra]


def crawl(sim_url: str, db: Path, channel: str = "catalog", *extra: str, agency: str = AGENCY,
          env: dict[str, str] | None = None, expect: int = 0) -> dict[str, Any]:
    """One crawl of the simulator; its JSON run summary."""
    return json.loads(xxgk(*crawl_args(sim_url, db, channel, *extra, agency=agency), env=env, expect=expect).stdout)
