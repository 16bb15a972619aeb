"""The fetch policy on the real-web code path: no `--simulator`, so no routing middleware stands between
the spider and the network. The simulator serves as an ordinary HTTP proxy (`http_proxy`), as a proxy
would in production; the links the pages carry point at local files and internal hosts."""

from __future__ import annotations

import json
import os

from tests.e2e.helpers import query
from tests.support import stored_text, xxgk

# The real-web profile, minus its politeness delays (the "site" is a local proxy).
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "-s", "DOWNLOAD_TIMEOUT=5", "-s", "XXGK_BACKOFF_BASE=0.05")


def test_links_to_local_files_and_internal_hosts_are_refused_not_fetched(sim, tmp_path) -> None:
    (tmp_path / "elsewhere").mkdir()
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.write_text("TOP-SECRET-LOCAL-FILE-0451", encoding="utf-8")
    attached = tmp_path / "elsewhere" / "attached.pdf"
    attached.write_text("%PDF-1.4 TOP-SECRET-LOCAL-FILE-0452 %%EOF", encoding="utf-8")
    sim.set_faults([
        # The list API names a local file as a document's URL …
        {"kind": "rewrite", "match": {"path": r"/api/all/1805\?page=1&"}, "count": 1,
         "pattern": r"http://www\.kaiping\.gov\.cn/jmkpsjyj/gkmlpt/content/[^\"]+", "replacement": secret.as_uri()},
        # … document pages link their attachments to a local file and to the cloud metadata address …
        {"kind": "rewrite", "match": {"path": r"post_\d+\.html"}, "every": 2,
         "pattern": r"http://www\.kaiping\.gov\.cn/attachment/[^\"]+", "replacement": attached.as_uri()},
        {"kind": "rewrite", "match": {"path": r"post_\d+\.html"},
         "pattern": r"http://www\.kaiping\.gov\.cn/attachment/", "replacement": "http://169.254.169.254/attachment/"},
    ])
    db = tmp_path / "archive" / "archive.sqlite"
    env = {"http_proxy": sim.url, "HTTP_PROXY": sim.url, "no_proxy": "", "NO_PROXY": ""}
    out = xxgk("crawl", "--agency", "kaiping-edu", "--channel", "catalog", "--db", str(db), "--json",
               "--log-level", "WARNING", *FAST, env=env, expect=None)
    result = json.loads(out.stdout)
    assert result["summary"]["new"] > 0  # the crawl went through the proxy and read the catalog
    fetched = query(db, "select url, outcome from captures where url like 'file:%' or url like '%169.254%'")
    assert {r["url"].split(":", 1)[0] for r in fetched} == {"file", "http"}
    assert {r["outcome"] for r in fetched} == {"refused"}, [tuple(r) for r in fetched]
    stored = stored_text(db.parent)
    assert "TOP-SECRET-LOCAL-FILE-0451" not in stored and "TOP-SECRET-LOCAL-FILE-0452" not in stored
    assert not query(db, "select 1 from attachments where status = 'ok' and (url like 'file:%' or url like '%169.254%')")
    refused = query(db, "select url, status from attachments where url like 'file:%' or url like '%169.254%'")
    assert {r["url"].split(":", 1)[0] for r in refused} == {"file", "http"}
    assert {r["status"] for r in refused} == {"refused"}
    document = query(db, "select d.canonical_url, c.detail_value from documents d join document_checks c on "
                         "c.document_id = d.id where d.canonical_url like 'file:%'")
    assert document and "refused" in document[0]["detail_value"]
    assert os.path.exists(secret)
