"""`gisapp kpis show|assess`: the KPIs and the ranking, checked through the same query model as the API."""

from __future__ import annotations

import json

from fixtures.kpi_cases import FROM, TO


def test_kpis_show_prints_the_area_s_kpis_as_json(gisapp, cases):
    out = json.loads(gisapp("kpis", "show", "--area", "KG11", "--from", FROM.isoformat(),
                            "--to", TO.isoformat()).output)
    assert out["area"]["code"] == "KG11" and out["kpis"]["reports"] == 10


def test_kpis_show_refuses_what_the_api_refuses(gisapp, world):
    result = gisapp("kpis", "show", "--from", "2026-10-02", "--to", "2026-10-01", ok=False)
    assert result.exit_code == 1 and "--to: must be after from (2026-10-02)" in result.output
    result = gisapp("kpis", "show", "--from", "20261001", ok=False)
    assert result.exit_code == 1 and "--from: must be a date YYYY-MM-DD" in result.output
    assert "no area 'NOPE'" in gisapp("kpis", "show", "--area", "NOPE", ok=False).output


def test_kpis_assess_ranks_the_grids_and_writes_a_workbook(gisapp, cases, tmp_path):
    month = FROM.strftime("%Y-%m")
    assert "KG11" in gisapp("kpis", "assess", month).output
    out = tmp_path / "grids.xlsx"
    assert "written to" in gisapp("kpis", "assess", month, "-o", out).output and out.stat().st_size > 0
    assert gisapp("kpis", "assess", "2026-13", ok=False).exit_code == 1


def test_the_assessment_file_speaks_the_ui_language(gisapp, cases, tmp_path):
    import openpyxl

    month = FROM.strftime("%Y-%m")
    heads = {}
    for lang in ("zh_CN", "en"):
        out = tmp_path / f"{lang}.xlsx"
        gisapp("kpis", "assess", month, "-o", out, "--lang", lang)
        heads[lang] = [c.value for c in next(openpyxl.load_workbook(out).worksheets[0].iter_rows(max_row=1))]
    assert heads["zh_CN"][:5] == ["考核期", "排名", "得分", "编码", "名称"]
    assert heads["en"][:5] == ["Period", "Rank", "Score", "Code", "Name"]
    csv = tmp_path / "grids.csv"
    gisapp("kpis", "assess", month, "-o", csv)     # GISAPP_LANGUAGE: zh_CN by default
    assert csv.read_text(encoding="utf-8-sig").startswith("考核期,排名,得分")
