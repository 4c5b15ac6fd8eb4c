-- Views: the deadline a case is under now, and one view per map layer (layers/*.yml read these,
-- so the layer files hold no joins). Recreated on every upgrade.

CREATE VIEW incident_sla AS
SELECT i.id, i.status, i.owner_level,
       CASE s.stage WHEN 'accept' THEN i.accept_due WHEN 'handle' THEN i.handle_due
                    WHEN 'close' THEN i.close_due END AS due,
       s.stage
FROM incident i JOIN case_status s ON s.code = i.status;

CREATE VIEW incident_overdue AS
SELECT s.*, s.due < now() AS overdue FROM incident_sla s;

-- Areas of the active generation with what their panel and tooltip show.
CREATE VIEW map_area AS
SELECT a.id, a.code, a.name, a.level::text AS level, p.code AS parent_code, p.name AS parent_name,
       a.population, a.households, a.responsible_name, a.responsible_phone,
       round(a.area_m2)::bigint AS area_m2, a.generation_id, a.geom
FROM area a LEFT JOIN area p ON p.id = a.parent_id
WHERE a.generation_id = gisapp_active_generation();

CREATE VIEW map_building AS
SELECT b.id, b.code, b.name, b.address, b.households, a.code AS area_code, a.name AS area_name, b.geom
FROM building b LEFT JOIN area a ON a.id = b.area_id;

CREATE VIEW map_checkpoint AS
SELECT c.id, c.code, c.name, c.kind, c.status, c.last_seen,
       floor(extract(epoch FROM now() - c.last_seen) / 60)::integer AS minutes_since_seen,
       a.code AS area_code, a.name AS area_name, c.geom
FROM checkpoint c LEFT JOIN area a ON a.id = c.area_id;

-- Live cases: everything open, plus what closed or was cancelled in the last 24 hours.
CREATE VIEW map_incident AS
SELECT i.id, i.category, c.name_zh AS category_zh, c.name_en AS category_en, i.status, i.urgent,
       i.reported_at, floor(extract(epoch FROM now() - i.reported_at) / 3600)::integer AS age_hours,
       coalesce(o.overdue, false) AS overdue, o.due, s.open,
       own.code AS area_code, own.name AS area_name, i.geom
FROM incident i
JOIN case_status s ON s.code = i.status
JOIN category c ON c.code = i.category
LEFT JOIN incident_overdue o ON o.id = i.id
LEFT JOIN area own ON own.id = gisapp_leaf_id(i)
WHERE i.geom IS NOT NULL
  AND (s.open OR EXISTS (SELECT 1 FROM incident_event e JOIN case_status es ON es.code = e.to_status
                         WHERE e.incident_id = i.id AND e.at > now() - interval '24 hours' AND NOT es.open));

CREATE VIEW map_basemap AS
SELECT id, kind, name, min_zoom, geom FROM basemap_feature;

-- Road names where people read them: a point at the middle of each named road piece long enough to
-- carry its name (the roads layer itself draws the lines).
CREATE VIEW map_road_label AS
SELECT id, name, kind, min_zoom, ST_LineInterpolatePoint(geom, 0.5) AS geom
FROM basemap_feature
WHERE kind IN ('major_road', 'minor_road') AND name <> '' AND GeometryType(geom) = 'LINESTRING'
  AND ST_Length(geom::geography) >= 120;
