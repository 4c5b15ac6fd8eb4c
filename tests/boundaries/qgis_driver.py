"""Drives real QGIS (Debian's python3-qgis, run by /usr/bin/python3 with QT_QPA_PLATFORM=offscreen) against
the database, as a planner's QGIS would: open the tables through QGIS's postgres provider, edit a draft
area, try to reshape a live one, and digitise an incident the way QGIS's feature form does, with the
provider's default values filled in. Prints what happened as JSON; tests/boundaries/test_qgis.py checks it.

Usage: /usr/bin/python3 qgis_driver.py '{"conninfo": "...", "draft": 2, "active": 1, "lon": …, "lat": …, "ref": …}'
"""

import json
import sys

from qgis.core import (
    QgsApplication,
    QgsDataSourceUri,
    QgsGeometry,
    QgsPointXY,
    QgsVectorLayer,
    QgsVectorLayerUtils,
    QgsWkbTypes,
)


def layer(conninfo: str, table: str, geometry: str, where: str = "") -> QgsVectorLayer:
    uri = QgsDataSourceUri(conninfo)
    uri.setDataSource("public", table, geometry, where, "id")
    return QgsVectorLayer(uri.uri(False), table, "postgres")


def describe(lyr: QgsVectorLayer) -> dict:
    return {"valid": lyr.isValid(), "type": QgsWkbTypes.displayString(lyr.wkbType()),
            "srid": lyr.crs().postgisSrid(), "key": [lyr.fields()[i].name() for i in lyr.primaryKeyAttributes()]}


def reshape(lyr: QgsVectorLayer) -> dict:
    """Shrink the first area a little, as a planner dragging vertices would, and save."""
    feature = next(lyr.getFeatures())
    lyr.startEditing()
    lyr.changeGeometry(feature.id(), feature.geometry().buffer(-0.00002, 4))
    saved = lyr.commitChanges()
    errors = [] if saved else lyr.commitErrors()
    if not saved:
        lyr.rollBack()
    return {"code": feature["code"], "saved": saved, "errors": errors}


def digitise(lyr: QgsVectorLayer, lon: float, lat: float, ref: str) -> dict:
    """A new incident through the feature form's path: createFeature fills the provider's defaults."""
    lyr.startEditing()
    feature = QgsVectorLayerUtils.createFeature(lyr, QgsGeometry.fromPointXY(QgsPointXY(lon, lat)),
                                                {lyr.fields().indexOf("category"): "road",
                                                 lyr.fields().indexOf("description"): "QGIS 采集：路面破损",
                                                 lyr.fields().indexOf("client_ref"): ref})
    added = lyr.addFeature(feature)
    saved = lyr.commitChanges()
    return {"added": added, "saved": saved, "errors": [] if saved else lyr.commitErrors()}


def main() -> None:
    given = json.loads(sys.argv[1])
    app = QgsApplication([], False)
    app.initQgis()
    conninfo = given["conninfo"]
    draft = layer(conninfo, "area", "geom", f"generation_id = {int(given['draft'])} AND level = 'micro_grid'")
    live = layer(conninfo, "area", "geom", f"generation_id = {int(given['active'])} AND level = 'micro_grid'")
    incidents = layer(conninfo, "incident", "geom")
    result = {"area": describe(draft), "incident": describe(incidents), "draft_edit": reshape(draft),
              "live_edit": reshape(live), "digitised": digitise(incidents, given["lon"], given["lat"], given["ref"])}
    print(json.dumps(result, ensure_ascii=False))
    app.exitQgis()


if __name__ == "__main__":
    main()
