import sqlalchemy as sa


def test_a_new_incident_is_in_the_layer_with_its_status_and_grid(features, conn, first_micro_grid):
    new = conn.scalar(sa.text("""
        INSERT INTO incident (category, description, urgent, geom)
        VALUES ('drainage', 'layer test', true, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) RETURNING id"""),
        first_micro_grid)
    got = {f["id"]: f["properties"] for f in features("incidents", 14)["features"]}
    assert got[new]["status"] == "assigned" and got[new]["urgent"] is True
    assert got[new]["area_name"] == first_micro_grid["name"] and got[new]["overdue"] is False
    assert features("incidents", 9)["features"] == []


def test_cases_closed_long_ago_leave_the_layer(features, sql):
    old = sql("""SELECT i.id FROM incident i JOIN case_status s ON s.code = i.status WHERE s.closed AND geom IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM incident_event e WHERE e.incident_id = i.id
                                 AND e.at > now() - interval '24 hours')""")
    shown = {f["id"] for f in features("incidents", 14)["features"]}
    assert old and not shown & {r["id"] for r in old}


def test_the_legend_names_each_state_with_its_status_label():
    """One word for one state: a legend entry that stands for several statuses is written with their labels."""
    from babel.support import Translations

    from gisapp.core.language import CATALOGS
    from gisapp.core.vocabulary import STATUS
    from gisapp.map.registry import layer_registry

    zh = Translations.load(str(CATALOGS), ["zh_Hans_CN"]).gettext
    layer = layer_registry().get("incidents")
    colours = {code: style.get("fillColor") for code, style in layer.style_by.values.items()}
    checked = 0
    for entry in layer.legend:
        named = [part.strip() for part in entry.label.split(" / ")]
        if not all(any(STATUS[c].label == n for c in STATUS) for n in named):
            continue                        # not a list of states (e.g. "Overdue (pulsing)")
        codes = [c for c in STATUS if STATUS[c].label in named]
        assert {colours[c] for c in codes} == {entry.style["fillColor"]}, entry.label
        assert zh(entry.label) == " / ".join(zh(STATUS[c].label) for c in codes)
        checked += 1
    assert checked >= 4
