"""crawler/parsing/jsscan.py: script values found in raw page bytes, never inside strings or comments."""

from __future__ import annotations

from crawler.parsing.jsscan import scan_scripts, script_spans

NAMES = ("ct", "biz", "msg_title", "short_link", "mid", "idx", "sn", "read_num")


def scan(page: str) -> tuple[dict, dict]:
    body = page.encode()
    return scan_scripts(body, script_spans(body), NAMES)


def test_literal_values_of_wanted_names_in_page_order() -> None:
    found, cgi = scan("""<html><script>
var ct = "1762747210";
var biz = "" || "MzIy==";
var msg_title = '标题 \\x26amp; \\x3cb\\x3e'.html(false);
var read_num = "" * 1;
var other = "1";
window.short_link = 'https://mp.weixin.qq.com/s/abc' || '';
</script><p>var ct = "5";</p><script>var ct = "999";</script></html>""")
    assert found["ct"] == ["1762747210", "999"]  # the markup is not a script
    assert found["biz"] == ["MzIy=="] and found["msg_title"] == ["标题 & <b>"] and found["read_num"] == [None]
    assert found["short_link"] == ["https://mp.weixin.qq.com/s/abc"] and "other" not in found and cgi == {}


def test_names_inside_strings_comments_and_templates_are_not_assignments() -> None:
    found, cgi = scan("""<script>
/*
 * var ct = "1"; window.cgiDataNew = { title: JsDecode('trap') };
 */
var a = "example: var ct = \\"2\\"; var biz = \\"TRAP\\"";
var b = 'window.short_link = \\'https://mp.weixin.qq.com/s/TRAP\\' || \\'\\'';
var t = `
var sn = "trap";
`;
// var mid = "3";
var s = "line \\
var idx = '4';";
var ct = "1762747210"; var mid = "2247504179"; var sn = "52c2"; var idx = "1";
window.cgiDataNew = { title: JsDecode('真的'), mid: '2247504179' * 1, list: [{cdn_url: JsDecode('a\\x26amp;b')}] };
</script>""")
    assert found["ct"] == ["1762747210"] and found["mid"] == ["2247504179"] and found["sn"] == ["52c2"]
    assert found["idx"] == ["1"] and "biz" not in found and "short_link" not in found
    assert cgi["title"] == "真的" and cgi["mid"] == 2247504179 and cgi["list"] == [{"cdn_url": "a&amp;b"}]


def test_values_that_are_code_are_not_read() -> None:
    found, _ = scan("""<script>var biz = window.biz || ""; var ct = t.ct || 0; var read_num = bar.read_num || 0;
for (var idx = 0; idx < n; idx++) {} xvar mid = "9"; a.var sn = "8";</script>""")
    assert "biz" not in found and "ct" not in found and "read_num" not in found
    assert found["idx"] == [0] and "mid" not in found and "sn" not in found


def test_cgi_members_are_read_when_asked_for() -> None:
    _, cgi = scan("<script>window.cgiDataNew = { a: JsDecode('x'), big: JsDecode('" + "y" * 100000
                  + "'), n: '12' * 1, o: { k: [ ] } };</script>")
    assert set(cgi) == {"a", "big", "n", "o"}
    assert cgi.get("a") == "x" and cgi["n"] == 12 and cgi["o"] == {"k": []} and cgi.get("none") is None
    assert cgi["a"] == "x"  # read twice, same value
