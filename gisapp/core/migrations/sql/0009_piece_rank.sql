-- Rule 1's tie-break (the smallest area in m², then the lowest code) on each piece, kept by the area
-- trigger from gisapp_area_rank (core/sql/30_boundaries.sql): a lookup sorts its few covering pieces
-- without reading their areas, one query per point and none per candidate.
ALTER TABLE area_piece ADD COLUMN rank text;
UPDATE area_piece p SET rank = to_char(a.area_m2, 'FM0000000000000000.000000') || ' ' || a.code
FROM area a WHERE a.id = p.area_id;
ALTER TABLE area_piece ALTER COLUMN rank SET NOT NULL;

-- The pieces that can own a report in a generation with grids (rule 0, nearly every generation): a
-- point's probe then tests its grid and micro-grid, not the district, street and community pieces
-- whose boxes also hold it.
CREATE INDEX area_piece_owner_geom_idx ON area_piece USING gist (geom) WHERE level >= 'grid';

-- The duplicate search (gisapp_duplicate_of, core/sql/50_sla.sql) asks for cases near a point within a
-- time window: one index on both (and the category) reads a few cases instead of a year of them. It
-- leads with the point, so it serves the map's box and nearest-case queries too, and the index on the
-- point alone goes: one GiST fewer for every case written.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE INDEX incident_dup_idx ON incident USING gist (geom, reported_at, category);
DROP INDEX incident_geom_idx;
