-- Validation of a generation before it goes live (issue 10 §2), for the CLI, the planner's page and
-- anyone in psql or QGIS: each problem with its kind (boundary_problem), the area(s), its size in m² and
-- its geometry to draw. Overlaps, gaps and parts outside a parent smaller than sliver_m2 are slivers
-- (warnings: a point that falls in one is snapped, rule 2); a building counts as split when more than
-- split_m2 of it lies outside its main micro-grid; a checkpoint is lost when the live generation places it
-- and this one would not. Invalid geometry and duplicate codes never get this
-- far: area_geom_valid and area_code_unique refuse them at write.
CREATE OR REPLACE FUNCTION gisapp_generation_problems(gen integer, sliver_m2 double precision DEFAULT 1,
                                                      split_m2 double precision DEFAULT 1)
RETURNS TABLE (kind text, code text, other text, m2 double precision, blocking boolean, geom geometry)
LANGUAGE sql STABLE AS $$
    WITH owner AS MATERIALIZED (SELECT gisapp_owner_level(gen) AS level,
                                       (SELECT max(level) FROM area WHERE generation_id = gen) AS deepest),
    shapes(kind, code, other, geom) AS (
        SELECT 'outside_parent', c.code, p.code, ST_CollectionExtract(ST_Difference(c.geom, p.geom), 3)
        FROM area c JOIN area p ON p.id = c.parent_id
        WHERE c.generation_id = gen AND NOT ST_Covers(p.geom, c.geom)
        UNION ALL
        SELECT 'overlap', a.code, b.code, ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3)
        FROM area a JOIN area b ON b.generation_id = gen AND b.level = a.level AND a.code < b.code
                                   AND a.geom && b.geom
        WHERE a.generation_id = gen AND ST_Relate(a.geom, b.geom, '2********')
        UNION ALL
        -- a parent with no children is all gap, when its generation has levels below it
        SELECT 'gap', p.code, NULL, CASE WHEN count(c.id) = 0 THEN p.geom
                                         ELSE ST_CollectionExtract(ST_Difference(p.geom, ST_Union(c.geom)), 3) END
        FROM area p LEFT JOIN area c ON c.parent_id = p.id
        WHERE p.generation_id = gen AND p.level < (SELECT deepest FROM owner)
        GROUP BY p.id, p.code, p.geom
        HAVING count(c.id) = 0 OR NOT ST_Covers(ST_Union(c.geom), p.geom)
    ),
    sized AS (
        SELECT s.*, ST_Area(s.geom::geography) AS m2 FROM shapes s WHERE NOT ST_IsEmpty(s.geom)
    ),
    found(kind, code, other, m2, geom) AS (
        SELECT CASE WHEN s.m2 < sliver_m2 THEN 'sliver' ELSE s.kind END,
               s.code, CASE WHEN s.m2 < sliver_m2 THEN concat_ws(' ', s.kind, s.other) ELSE s.other END,
               s.m2, s.geom
        FROM sized s WHERE s.m2 > 0
        UNION ALL
        -- no parent although a level above exists: its area counts in full
        SELECT 'orphan', c.code, NULL, c.area_m2, c.geom
        FROM area c
        WHERE c.generation_id = gen AND c.parent_id IS NULL
          AND EXISTS (SELECT 1 FROM area u WHERE u.generation_id = gen AND u.level < c.level)
        UNION ALL
        -- a building inside one micro-grid overlaps no other's interior, so only those no area covers
        -- are measured; the size is what lies outside the micro-grid holding most of it
        SELECT 'split_building', b.code, string_agg(a.code, ', ' ORDER BY a.code),
               sum(x.m2) - max(x.m2), b.geom
        FROM building b
        JOIN area a ON a.generation_id = gen AND a.level = (SELECT deepest FROM owner) AND a.geom && b.geom
        CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS m2) x
        WHERE NOT ST_Covers(a.geom, b.geom) AND ST_Relate(a.geom, b.geom, '2********')
        GROUP BY b.id, b.code, b.geom
        HAVING count(*) > 1 AND sum(x.m2) - max(x.m2) >= split_m2
        UNION ALL
        -- one the live generation places (or any, before the first goes live) and this one would lose
        SELECT 'lost_checkpoint', c.code, c.name, 0, c.geom
        FROM checkpoint c
        WHERE (c.area_id IS NOT NULL OR gisapp_active_generation() IS NULL)
          AND EXISTS (SELECT 1 FROM area WHERE generation_id = gen)
          AND NOT EXISTS (SELECT 1 FROM area_piece p WHERE p.generation_id = gen AND ST_Covers(p.geom, c.geom))
        UNION ALL
        SELECT 'no_responsible', a.code, a.name, a.area_m2, a.geom
        FROM area a
        WHERE a.generation_id = gen AND a.level >= (SELECT level FROM owner)
          AND coalesce(btrim(a.responsible_name), '') = ''
        UNION ALL
        SELECT 'no_population', a.code, a.name, a.area_m2, a.geom
        FROM area a
        WHERE a.generation_id = gen AND a.level >= (SELECT level FROM owner) AND a.population IS NULL
    )
    SELECT f.kind, f.code, f.other, f.m2, k.blocking, f.geom
    FROM found f JOIN boundary_problem k ON k.code = f.kind
    ORDER BY k.blocking DESC, k.sort, f.m2 DESC, f.code
$$;
