-- The situation map: a vector basemap, one view per map layer, and a NOTIFY on activation.
-- Layers in layers/*.yml read these views; the views hold the joins so the layer files hold none.

CREATE TABLE basemap_feature (
    id       bigserial PRIMARY KEY,
    kind     text NOT NULL CHECK (kind IN ('water', 'waterway', 'major_road', 'minor_road', 'path',
                                           'rail', 'ferry')),
    name     text NOT NULL DEFAULT '',
    min_zoom smallint NOT NULL DEFAULT 0 CHECK (min_zoom BETWEEN 0 AND 22),
    osm_id   bigint,
    geom     geometry(Geometry, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))
);
CREATE INDEX basemap_feature_geom_idx ON basemap_feature USING gist (geom);

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

-- Live incidents: everything open, plus what closed or was cancelled in the last 24 hours.
CREATE VIEW map_incident AS
SELECT i.id, i.category, c.name_zh AS category_zh, c.name_en AS category_en, i.status, i.urgent,
       i.reported_at, floor(extract(epoch FROM now() - i.reported_at) / 3600)::integer AS age_hours,
       coalesce(o.overdue, false) AS overdue, o.due,
       i.status NOT IN ('closed', 'evaluated', 'cancelled') AS open,
       own.code AS area_code, own.name AS area_name, i.geom
FROM incident i
JOIN category c ON c.code = i.category
LEFT JOIN incident_overdue o ON o.id = i.id
LEFT JOIN area own ON own.id = coalesce(i.micro_grid_id, i.grid_id, i.community_id, i.street_id, i.district_id)
WHERE i.geom IS NOT NULL
  AND (i.status NOT IN ('closed', 'evaluated', 'cancelled')
       OR EXISTS (SELECT 1 FROM incident_event e
                  WHERE e.incident_id = i.id AND e.at > now() - interval '24 hours'
                    AND e.to_status IN ('closed', 'evaluated', 'cancelled')));

CREATE VIEW map_basemap AS
SELECT id, kind, name, min_zoom, geom FROM basemap_feature;

-- Maps cache area geometry per generation; tell every listener when the generation changes.
CREATE FUNCTION gisapp_generation_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gisapp_generation', json_build_object('generation', NEW.id)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER generation_notify AFTER UPDATE OF state ON generation
    FOR EACH ROW WHEN (NEW.state = 'active' AND OLD.state IS DISTINCT FROM 'active')
    EXECUTE FUNCTION gisapp_generation_notify();

-- The open-incident count per area for choropleths, by the owner column of each level.
CREATE INDEX incident_open_idx ON incident (status) WHERE status NOT IN ('closed', 'evaluated', 'cancelled');
