"""The webhook the nightly job calls when a run failed or degraded (`XXGK_WEBHOOK_URL` or `webhook_url`)."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any

log = logging.getLogger("xxgk.schedule")


def post_webhook(url: str | None, job: dict[str, Any], db: str, timeout: float) -> dict[str, Any]:
    """POST the job's outcome as JSON; what happened (never raises: a webhook never breaks a job)."""
    if not url:
        return {"sent": False, "reason": "no webhook configured"}
    problems = [r for r in job["runs"] if r["health"] != "ok"]
    payload = {
        "event": "xxgk.job", "status": job["outcome"], "job_id": job["id"], "host": job["host"],
        "started_at": job["started_at"], "db": db, "published": job.get("published"),
        "text": f"xxgk {job['outcome']}: {job.get('detail') or ''}".strip(),
        "problems": problems, "failed_steps": [s for s in job["steps"] if s["status"] == "failed"],
        "runs": job["runs"],
    }
    try:
        body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    except (TypeError, ValueError) as exc:
        return {"sent": False, "error": f"cannot encode the payload: {exc}"}
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8",
                                          "User-Agent": "xxgk-archive scheduler"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - the operator's URL
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, ValueError) as exc:
        log.error("webhook POST failed: %s", exc)
        return {"sent": False, "error": f"{type(exc).__name__}: {exc}"}
    log.info("webhook POST: HTTP %s", status)
    return {"sent": True, "http_status": status, "accepted": 200 <= status < 300}
