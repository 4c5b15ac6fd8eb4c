-- Diff and impact of a generation against another, before activation (issue 10 §3). Areas of one level
-- are matched by shape, as OCHA's boundary change tool does: an intersection over union of at least
-- same_iou is the same shape (unchanged, or renamed / recoded), a share of at least match_share is a match
-- (several old areas mostly inside one new one: merged; several new areas mostly inside one old one:
-- split). Lineage (area.origin_id) breaks ties. The result is stored in area_change.

CREATE OR REPLACE FUNCTION gisapp_generation_diff(gen integer, against integer,
                                                  same_iou double precision DEFAULT 0.98,
                                                  match_share double precision DEFAULT 0.8)
RETURNS TABLE (class text, areas bigint) LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    missing integer;
BEGIN
    SELECT n INTO missing FROM unnest(ARRAY[gen, against]) n
    WHERE NOT EXISTS (SELECT 1 FROM generation g WHERE g.id = n) LIMIT 1;
    IF missing IS NOT NULL THEN
        PERFORM gisapp_fail('GS404', 'generation', format('no generation %s', missing), 'no_generation',
                            jsonb_build_object('generation', missing));
    END IF;
    PERFORM 1 FROM generation WHERE id = gen FOR UPDATE;   -- one diff of a draft at a time
    DELETE FROM area_change c WHERE c.generation_id = gen AND c.against_id = against;

    -- Every pair of same-level areas sharing interior, with the share each has in the other. An area
    -- whose shape is byte for byte an old one's (a copied draft: nearly all) is paired without geometry.
    DROP TABLE IF EXISTS pg_temp.gisapp_link;
    CREATE TEMP TABLE gisapp_link ON COMMIT DROP AS
    WITH twin AS MATERIALIZED (
        SELECT n.id AS new_id, o.id AS old_id
        FROM area n JOIN area o ON o.generation_id = against AND o.level = n.level
                               AND ST_AsEWKB(o.geom) = ST_AsEWKB(n.geom)
        WHERE n.generation_id = gen
    )
    SELECT t.new_id, t.old_id, 1.0::float8 AS iou, 1.0::float8 AS in_old, 1.0::float8 AS in_new FROM twin t
    UNION ALL
    SELECT n.id, o.id, least(x.shared / nullif(n.area_m2 + o.area_m2 - x.shared, 0), 1),
           least(x.shared / nullif(o.area_m2, 0), 1), least(x.shared / nullif(n.area_m2, 0), 1)
    FROM area n
    JOIN area o ON o.generation_id = against AND o.level = n.level AND o.geom && n.geom
    CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(n.geom, o.geom)::geography) AS shared) x
    WHERE n.generation_id = gen
      AND NOT EXISTS (SELECT 1 FROM twin t WHERE t.new_id = n.id)
      AND NOT EXISTS (SELECT 1 FROM twin t WHERE t.old_id = o.id)
      AND ST_Relate(n.geom, o.geom, '2********');
    -- in_new: the share of the new area inside the old one; in_old: of the old one inside the new one
    ANALYZE gisapp_link;

    DROP TABLE IF EXISTS pg_temp.gisapp_class;
    CREATE TEMP TABLE gisapp_class ON COMMIT DROP AS
    WITH best AS (
        SELECT DISTINCT ON (l.new_id) l.new_id, l.old_id, l.iou, l.in_old, l.in_new
        FROM gisapp_link l JOIN area n ON n.id = l.new_id
        ORDER BY l.new_id, l.iou DESC, l.old_id IS NOT DISTINCT FROM n.origin_id DESC, l.old_id
    ),
    merged AS (SELECT l.new_id FROM gisapp_link l WHERE l.in_old >= match_share
               GROUP BY l.new_id HAVING count(*) >= 2),
    split AS (SELECT l.new_id FROM gisapp_link l
              WHERE l.in_new >= match_share AND l.old_id IN (
                  SELECT s.old_id FROM gisapp_link s WHERE s.in_new >= match_share
                  GROUP BY s.old_id HAVING count(*) >= 2))
    SELECT n.id AS new_id, n.level, b.old_id AS best_old,
           CASE WHEN b.iou >= same_iou THEN CASE WHEN o.code <> n.code THEN 'recoded'
                                                 WHEN o.name <> n.name THEN 'renamed' ELSE 'unchanged' END
                WHEN n.id IN (SELECT new_id FROM merged) THEN 'merged'
                WHEN n.id IN (SELECT new_id FROM split) THEN 'split'
                WHEN b.iou >= 0.5 OR b.in_new >= match_share OR b.in_old >= match_share THEN 'reshaped'
                ELSE 'new' END AS class
    FROM area n
    LEFT JOIN best b ON b.new_id = n.id
    LEFT JOIN area o ON o.id = b.old_id
    WHERE n.generation_id = gen;

    INSERT INTO area_change (generation_id, against_id, level, area_id, previous_id, class, iou, kept)
    SELECT gen, against, c.level, c.new_id, l.old_id, c.class, l.iou, l.in_old
    FROM gisapp_class c JOIN gisapp_link l ON l.new_id = c.new_id
    WHERE (c.class IN ('unchanged', 'renamed', 'recoded', 'reshaped') AND l.old_id = c.best_old)
       OR (c.class = 'merged' AND l.in_old >= match_share)
       OR (c.class = 'split' AND l.in_new >= match_share)
    UNION ALL
    SELECT gen, against, c.level, c.new_id, NULL, 'new', NULL, NULL FROM gisapp_class c WHERE c.class = 'new';
    INSERT INTO area_change (generation_id, against_id, level, area_id, previous_id, class)
    SELECT gen, against, o.level, NULL, o.id, 'removed'
    FROM area o
    WHERE o.generation_id = against
      AND NOT EXISTS (SELECT 1 FROM area_change x
                      WHERE x.previous_id = o.id AND x.generation_id = gen AND x.against_id = against);

    RETURN QUERY
    SELECT k.code, count(DISTINCT coalesce(c.area_id, c.previous_id))
    FROM change_class k
    LEFT JOIN area_change c ON c.class = k.code AND c.generation_id = gen AND c.against_id = against
    GROUP BY k.code, k.sort ORDER BY k.sort;
END $$;

-- Which links of the stored diff keep an owner: the new area has the old one's path (area_path), as when a
-- micro-grid is unchanged, renamed or reshaped under the same grid, or keeps its code through a split.
CREATE OR REPLACE VIEW area_continuation AS
SELECT c.generation_id, c.against_id, c.area_id, c.previous_id, c.class, c.kept, pn.path = po.path AS keeps_owner
FROM area_change c
JOIN area_path pn ON pn.id = c.area_id
JOIN area_path po ON po.id = c.previous_id;

-- What activating gen instead of against would move, read before it happens: each open case, building
-- and checkpoint whose owner changes (another area path, or none), from its area now to its area then.
-- The points go through the same probes as activation (35_rehome.sql): building first, cover, snap.
CREATE OR REPLACE FUNCTION gisapp_generation_impact(gen integer, against integer)
RETURNS TABLE (what text, id bigint, label text, from_area bigint, to_area bigint)
LANGUAGE sql STABLE AS $$
    WITH own AS MATERIALIZED (SELECT gisapp_owner_level(gen) AS level,
                                     gisapp_setting('snap_metres', '0')::double precision AS snap),
    points(what, id, label, from_area, pt) AS (
        SELECT 'case', i.id, i.category,
               coalesce(i.micro_grid_id, i.grid_id, i.community_id, i.street_id, i.district_id),
               coalesce(b.point, i.geom)
        FROM incident i JOIN case_status s ON s.code = i.status AND s.open
        LEFT JOIN building b ON b.id = i.building_id
        WHERE i.generation_id = against
        UNION ALL   -- those in no area now too: activation would place them
        SELECT 'building', b.id, b.code, b.area_id, b.point
        FROM building b LEFT JOIN area a ON a.id = b.area_id
        WHERE b.area_id IS NULL OR a.generation_id = against
        UNION ALL
        SELECT 'checkpoint', c.id, c.code, c.area_id, c.geom
        FROM checkpoint c LEFT JOIN area a ON a.id = c.area_id
        WHERE c.area_id IS NULL OR a.generation_id = against
    ),
    placed AS (
        SELECT p.*, coalesce(cov.leaf, CASE WHEN p.pt IS NOT NULL AND cov.leaf IS NULL THEN
                        (SELECT n.area_id FROM gisapp_nearest(p.pt, gen, (SELECT snap FROM own),
                                                             (SELECT level FROM own)) n) END) AS to_area
        FROM points p
        LEFT JOIN LATERAL gisapp_covering_owner(p.pt, gen, (SELECT level FROM own)) cov(leaf) ON true
    )
    SELECT p.what, p.id, p.label, p.from_area, p.to_area
    FROM placed p
    WHERE (p.from_area IS NOT NULL OR p.to_area IS NOT NULL)
      AND (SELECT path FROM area_path WHERE id = p.from_area) IS DISTINCT FROM
          (SELECT path FROM area_path WHERE id = p.to_area)
    ORDER BY p.what, p.id
$$;

-- The people who change micro-grid (or the deepest level that counts population): each old area's
-- population times the share of it that no area keeping its owner holds (area_continuation).
CREATE OR REPLACE FUNCTION gisapp_generation_moved_population(gen integer, against integer) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce(round(sum(o.population * (1 - least(coalesce(k.kept, 0), 1))))::bigint, 0)
    FROM area o
    LEFT JOIN LATERAL (SELECT sum(c.kept) AS kept FROM area_continuation c
                       WHERE c.previous_id = o.id AND c.keeps_owner
                         AND c.generation_id = gen AND c.against_id = against) k ON true
    WHERE o.generation_id = against AND o.population IS NOT NULL
      AND o.level = (SELECT max(level) FROM area WHERE generation_id = against AND population IS NOT NULL)
$$;
