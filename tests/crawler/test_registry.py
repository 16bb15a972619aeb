"""The registry anywhere: folders from --registry, XXGK_REGISTRY and the built-in one, and ONE clear line (the
file and the field) for an unknown agency or a broken file, whichever command reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.registry import Registry, RegistryError, agency_from_data
from xxgk.cli import main

GOOD = ("id: {id}\nname: 某某局\ngkmlpt:\n  base: http://www.example.gov.cn/abc/gkmlpt/\n"
        "website:\n  base: http://www.example.gov.cn/abcweb/\n  columns:\n    - {{path: zwgk/tzgg, name: 通知公告}}\n")


def xxgk(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"XXGK_REGISTRY": "", **(env or {})})
    return result.exit_code, result.stdout, result.stderr


def folder_with(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "reg"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


# Every command that reads the registry, with the arguments it needs besides --agency/--registry.
COMMANDS = [("crawl", "--channel", "catalog", "--db", "{tmp}/a.sqlite"), ("reconcile", "--year", "2024", "--db",
            "{tmp}/a.sqlite"), ("report", "--year", "2024", "--db", "{tmp}/a.sqlite"), ("agencies", "check")]


def run_command(cmd: tuple[str, ...], agency: str, folder: Path, tmp_path: Path) -> tuple[int, str, str]:
    args = [a.format(tmp=tmp_path) for a in cmd]
    if args[0] == "agencies":
        return xxgk(*args, agency, "--registry", str(folder))
    return xxgk(args[0], "--agency", agency, *args[1:], "--registry", str(folder))


BROKEN = {
    "yaml": ("id: bad\nname: [unclosed\n", "agency file {file}: not valid YAML at line 3"),
    "missing-base": ("id: bad\nname: 某局\ngkmlpt:\n  search_jsonp: http://s/{{sid}}\n",
                     "agency file {file}: field 'gkmlpt.base' is missing"),
    "wrong-type": ("id: bad\nname: 某局\ngkmlpt:\n  base: 42\n",
                   "agency file {file}: field 'gkmlpt.base' must be a string, not int"),
    "not-a-mapping": ("id: bad\nname: 某局\ngkmlpt: http://www.example.gov.cn/gkmlpt/\n",
                      "agency file {file}: field 'gkmlpt' must be a mapping, not str"),
    "id-mismatch": (GOOD.format(id="other"), "agency file {file}: field 'id' is 'other', but the file is named 'bad'"),
    "not-a-url": ("id: bad\nname: 某局\ngkmlpt:\n  base: www.example.gov.cn/gkmlpt/\n",
                  "agency file {file}: field 'gkmlpt.base' must be an http(s) URL"),
    "aliases": (GOOD.format(id="bad") + "category_aliases:\n  政务动态: 工作动态\n",
                "agency file {file}: field 'category_aliases' must map a report name to a list of catalog names"),
    "reconcile-value": (GOOD.format(id="bad") + "reconcile:\n  channel_less: website\n",
                        "agency file {file}: field 'reconcile.channel_less' must be one of catalog, all, not 'website'"),
    "reconcile-key": (GOOD.format(id="bad") + "reconcile:\n  channel-less: all\n",
                      "agency file {file}: unknown key(s) 'channel-less' in 'reconcile' (known: channel_less)"),
}


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: c[0] if c[0] != "agencies" else "agencies-check")
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_is_one_line_naming_the_file_and_the_field(tmp_path, cmd, case):
    text, expected = BROKEN[case]
    folder = folder_with(tmp_path, bad=text)
    code, out, err = run_command(cmd, "bad", folder, tmp_path)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert expected.format(file=folder / "bad.yaml") in err, err
    assert err.startswith(f"xxgk {cmd[0]}" if cmd[0] != "agencies" else "xxgk agencies check: ")


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: c[0] if c[0] != "agencies" else "agencies-check")
def test_an_unknown_agency_names_the_known_ones_and_the_folders(tmp_path, cmd):
    folder = folder_with(tmp_path, mine=GOOD.format(id="mine"))
    code, out, err = run_command(cmd, "nope", folder, tmp_path)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "unknown agency 'nope'; known agencies: kaiping-edu, mine" in err and str(folder) in err


def test_a_missing_folder_says_where_it_came_from(tmp_path):
    code, _, err = xxgk("agencies", "--registry", str(tmp_path / "none"))
    assert code == 2 and err.strip() == f"xxgk agencies: registry folder {tmp_path / 'none'} (from --registry) does not exist"
    code, _, err = xxgk("crawl", "--agency", "kaiping-edu", "--db", str(tmp_path / "a.sqlite"),
                        env={"XXGK_REGISTRY": str(tmp_path / "gone")})
    assert code == 2 and err.strip() == f"xxgk crawl: registry folder {tmp_path / 'gone'} (from XXGK_REGISTRY) does not exist"


def test_folders_are_searched_in_order_and_the_first_wins(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, name in ((first, "第一"), (second, "第二")):
        folder.mkdir()
        (folder / "kaiping-edu.yaml").write_text(GOOD.format(id="kaiping-edu").replace("某某局", name), encoding="utf-8")
    (second / "only-second.yaml").write_text(GOOD.format(id="only-second"), encoding="utf-8")
    reg = Registry.from_options([first], environ={"XXGK_REGISTRY": f"{second}:"})
    assert reg.load("kaiping-edu").name == "第一"  # a user's file replaces the built-in one
    assert reg.load("only-second").source == f"agency file {second / 'only-second.yaml'}"
    assert reg.ids() == ["kaiping-edu", "only-second"]
    assert Registry.from_options(environ={"XXGK_REGISTRY": str(second)}).load("kaiping-edu").name == "第二"
    assert Registry.from_options(environ={}).load("kaiping-edu").name == "开平市教育局"
    code, out, _ = xxgk("agencies", "--json", env={"XXGK_REGISTRY": str(second)})
    assert code == 0 and '"name": "第二"' in out and "only-second" in out


def test_one_broken_file_never_hides_the_others_in_the_listing(tmp_path):
    folder = folder_with(tmp_path, good=GOOD.format(id="good"), bad=BROKEN["yaml"][0])
    code, out, err = xxgk("agencies", "--registry", str(folder))
    assert code == 2 and out.splitlines()[0].startswith("good\t某某局") and "kaiping-edu\t开平市教育局" in out
    assert err.strip() == f"xxgk agencies: agency file {folder / 'bad.yaml'}: not valid YAML at line 3: " \
                          "expected ',' or ']', but got '<stream end>'"


def test_a_file_needs_a_channel_and_may_leave_host_out():
    with pytest.raises(RegistryError, match="no channel configured"):
        agency_from_data({"id": "x", "name": "y"}, "f")
    agency = agency_from_data({"id": "x", "name": "y", "gkmlpt": {"base": "http://www.example.gov.cn/a/gkmlpt/"}}, "f")
    assert agency.host == agency.crawl_data["host"] == "www.example.gov.cn"  # what a crawl records
    assert "host" not in agency.raw
