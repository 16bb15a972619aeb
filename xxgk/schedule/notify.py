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


# ---------------------------------------------------------------- Apprise notifications

def job_message(job: dict[str, Any], lang: str = "zh", feeds: list[str] | None = None) -> tuple[str, str] | None:
    """(title, body) of what a job should tell people: documents new, changed or disappeared, and any failure;
    None when there is nothing to tell."""
    from archive.i18n import channel_text, t

    lines, changes = [], 0
    for r in job.get("runs") or []:
        new, changed, gone = (int(r.get(k) or 0) for k in ("new", "changed", "disappeared"))
        if not (new or changed or gone):
            continue
        channel = channel_text(r.get("channel"), lang)
        if not r.get("previous_seen"):  # the first harvest of this channel: a baseline, not news
            lines.append(t("notify.baseline", lang, agency=r["agency"], channel=channel, n=new))
            continue
        changes += new + changed + gone
        lines.append(t("notify.line", lang, agency=r["agency"], channel=channel, new=new, changed=changed,
                       disappeared=gone))
    problem = job.get("outcome") in ("failed", "degraded", "error")
    if not changes and not problem:
        return None
    if problem:
        title = t("notify.title_problem", lang, outcome=job["outcome"])
        lines.insert(0, (job.get("detail") or "").splitlines()[0] if job.get("detail") else job["outcome"])
    else:
        title = t("notify.title_changes", lang, n=changes)
    lines += [t("notify.feed", lang, path=p) for p in feeds or []]
    return title, "\n".join(lines)


def notify_apprise(urls: list[str], title: str, body: str) -> dict[str, Any]:
    """Send through Apprise to every URL (email, WeCom, DingTalk, Feishu, json:// webhooks …); what happened.
    Never raises, never logs a URL (they carry tokens)."""
    if not urls:
        return {"sent": False, "reason": "no XXGK_NOTIFY_URLS"}
    try:
        import apprise
    except ImportError:
        return {"sent": False, "error": "the apprise package is not installed"}
    sender = apprise.Apprise()
    accepted = sum(1 for u in urls if sender.add(u))
    if not accepted:
        log.error("notifications: none of the %d XXGK_NOTIFY_URLS is a URL Apprise knows", len(urls))
        return {"sent": False, "targets": len(urls), "error": "no usable notification URL"}
    try:
        ok = bool(sender.notify(title=title, body=body))
    except Exception as exc:  # noqa: BLE001 - a notification never breaks a job
        log.error("notifications failed: %s", type(exc).__name__)
        return {"sent": False, "targets": accepted, "error": type(exc).__name__}
    log.info("notifications: %d target(s), %s", accepted, "delivered" if ok else "some failed")
    return {"sent": True, "targets": accepted, "rejected": len(urls) - accepted, "ok": ok}
