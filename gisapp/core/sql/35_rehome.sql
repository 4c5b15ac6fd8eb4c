-- Activation (issue 12 §4): when a generation becomes active, by any writer, everything that points
-- into areas moves to it at once, set-based, in the activating transaction: buildings, checkpoints,
-- and open cases. Every open case moves to the new generation's areas; each whose owner changed (another
-- area path, see area_path; or another owner level, status or deadline) gets one 'reassign' event that
-- says what changed, what it was, and who is responsible for it now (the new owner area's responsible
-- person). A case whose micro-grid only got a new id in the new generation gets no event.
-- Closed and cancelled cases keep the areas they were handled in, so past KPIs stay true.
-- The rule for a point is 30_boundaries.sql's; the owner level and deadlines follow gisapp_incident_plan
-- (an escalation is kept where the new chain has an area at that level; deadlines move only with a
-- new owner level, for the stages not yet passed). The row triggers stand aside (gisapp.intake).

-- Hash joins only, but for the spatial probes (LATERAL gisapp_covering_owner, one index probe per row),
-- as in 45_intake_batch.sql.
CREATE OR REPLACE FUNCTION gisapp_generation_rehome() RETURNS trigger LANGUAGE plpgsql
SET jit = off SET enable_mergejoin = off SET enable_nestloop = off AS $$
DECLARE
    gen integer := NEW.id;
    v_owner area_level := gisapp_owner_level(NEW.id);
    v_snap double precision := gisapp_setting('snap_metres', '0')::double precision;
    v_actor text := coalesce(nullif(current_setting('gisapp.actor', true), ''), 'db:' || current_user);
    v_note text := coalesce(current_setting('gisapp.note', true), '');
    v_at timestamptz := coalesce(nullif(current_setting('gisapp.at', true), '')::timestamptz, clock_timestamp());
    v_user bigint := nullif(current_setting('gisapp.user_id', true), '')::bigint;
    v_located text := gisapp_located_status('reported', 0);
    v_unlocated text := gisapp_located_status('reported', NULL);
    n_moved integer;
BEGIN
    -- Micro-grids the redraw left alone (same code, same shape in the new generation): a point in one
    -- stays in its twin without a spatial probe, as MapIt keeps an unchanged area across generations.
    -- Not where a changed micro-grid touches or overlaps the twin (a point on their shared edge may now
    -- fall to the other side), and only for a point its old micro-grid still covers.
    DROP TABLE IF EXISTS pg_temp.gisapp_twin;
    CREATE TEMP TABLE gisapp_twin ON COMMIT DROP AS
    SELECT o.id AS old_id, n.id AS new_id, n.geom
    FROM area n JOIN area o ON o.code = n.code AND o.level = n.level AND o.generation_id <> n.generation_id
    WHERE n.generation_id = gen AND n.level = 'micro_grid' AND ST_AsEWKB(o.geom) = ST_AsEWKB(n.geom);
    WITH changed AS MATERIALIZED (
        SELECT c.geom FROM area c
        WHERE c.generation_id = gen AND c.level = 'micro_grid'
          AND NOT EXISTS (SELECT 1 FROM gisapp_twin u WHERE u.new_id = c.id)
    )
    DELETE FROM gisapp_twin t
    USING changed c, LATERAL (SELECT n.id FROM area n
                              WHERE n.geom && c.geom AND n.generation_id = gen AND n.level = 'micro_grid'
                                AND ST_Intersects(n.geom, c.geom)) near
    WHERE t.new_id = near.id;
    CREATE INDEX ON gisapp_twin (old_id);
    ANALYZE gisapp_twin;

    UPDATE building b SET area_id = l.leaf
    FROM (SELECT x.id, coalesce(tw.new_id, cov.leaf) AS leaf FROM building x
          LEFT JOIN gisapp_twin tw ON tw.old_id = x.area_id AND ST_Covers(tw.geom, x.point)
          LEFT JOIN LATERAL gisapp_covering_owner(CASE WHEN tw.new_id IS NULL THEN x.point END,
                                                  gen, v_owner) cov(leaf) ON true) l
    WHERE b.id = l.id AND b.area_id IS DISTINCT FROM l.leaf;
    UPDATE checkpoint c SET area_id = l.leaf
    FROM (SELECT x.id, cov.leaf FROM checkpoint x
          LEFT JOIN LATERAL gisapp_covering_owner(x.geom, gen, v_owner) cov(leaf) ON true) l
    WHERE c.id = l.id AND c.area_id IS DISTINCT FROM l.leaf;

    PERFORM set_config('gisapp.intake', 'on', true);
    -- The open cases, with statistics: estimated blind, the joins below were sized for billions of rows.
    DROP TABLE IF EXISTS pg_temp.gisapp_open;
    CREATE TEMP TABLE gisapp_open ON COMMIT DROP AS
    SELECT i.*, s.intake, s.open, s.stage
    FROM incident i JOIN case_status s ON s.code = i.status AND s.open;
    ANALYZE gisapp_open;
    WITH by_building AS (        -- the QR flow: the building's own micro-grid wins (just re-homed above)
        SELECT o.id, b.area_id AS leaf
        FROM gisapp_open o JOIN building b ON b.id = o.building_id JOIN area a ON a.id = b.area_id AND a.generation_id = gen
    ),
    covered AS MATERIALIZED (
        SELECT o.id, o.geom, coalesce(bb.leaf, tw.new_id, cov.leaf) AS hit_leaf
        FROM gisapp_open o
        LEFT JOIN by_building bb ON bb.id = o.id
        LEFT JOIN gisapp_twin tw ON tw.old_id = o.micro_grid_id AND o.snapped_m IS NULL AND bb.leaf IS NULL
                                AND ST_Covers(tw.geom, o.geom)
        LEFT JOIN LATERAL gisapp_covering_owner(CASE WHEN bb.leaf IS NULL AND tw.new_id IS NULL THEN o.geom END,
                                                gen, v_owner) cov(leaf) ON true
    ),
    snapped AS (
        SELECT c.id, x.area_id AS leaf, x.distance_m
        FROM (SELECT * FROM covered WHERE hit_leaf IS NULL AND geom IS NOT NULL) c,
             LATERAL gisapp_nearest(c.geom, gen, v_snap, v_owner) x
    ),
    fresh AS (
        SELECT o.*, coalesce(c.hit_leaf, sn.leaf) AS leaf, sn.distance_m AS new_snapped_m
        FROM gisapp_open o
        JOIN covered c ON c.id = o.id
        LEFT JOIN snapped sn ON sn.id = o.id
    ),
    chained AS (
        SELECT f.*, ch.district_id AS new_district, ch.street_id AS new_street, ch.community_id AS new_community,
               ch.grid_id AS new_grid, ch.micro_grid_id AS new_micro_grid, ch.leaf_level,
               cat.auto_level, f.urgent OR cat.urgent AS by_calendar
        FROM fresh f
        LEFT JOIN category cat ON cat.code = f.category
        LEFT JOIN gisapp_chains(gen) ch ON ch.leaf = f.leaf
    ),
    based AS (              -- gisapp_base_level on the new chain
        SELECT c.*,
               CASE WHEN c.auto_level IS NOT NULL AND c.auto_level < c.leaf_level
                         AND (ARRAY[c.new_district, c.new_street, c.new_community, c.new_grid, c.new_micro_grid])
                             [array_position(enum_range(NULL::area_level), c.auto_level)] IS NOT NULL
                    THEN c.auto_level ELSE c.leaf_level END AS base
        FROM chained c
    ),
    planned AS (            -- an escalation is kept where the new chain has an area at that level
        SELECT b.*,
               CASE WHEN b.owner_level < b.base
                         AND (ARRAY[b.new_district, b.new_street, b.new_community, b.new_grid, b.new_micro_grid])
                             [array_position(enum_range(NULL::area_level), b.owner_level)] IS NOT NULL
                    THEN b.owner_level ELSE b.base END AS new_owner_level,
               CASE WHEN b.intake THEN CASE WHEN b.leaf IS NULL THEN v_unlocated ELSE v_located END
                    ELSE b.status END AS new_status
        FROM based b
    ),
    dated AS (              -- new deadlines only with a new owner level, for the stages not yet passed
        SELECT p.*,
               CASE WHEN p.due[1] IS NOT NULL AND p.intake THEN p.due[1] ELSE p.accept_due END AS new_accept_due,
               CASE WHEN p.due[1] IS NOT NULL AND (p.intake OR (p.stage = 'handle' AND p.status <> 'reopened'))
                    THEN p.due[2] ELSE p.handle_due END AS new_handle_due,
               CASE WHEN p.due[1] IS NOT NULL THEN p.due[3] ELSE p.close_due END AS new_close_due
        FROM (SELECT q.*, CASE WHEN q.new_owner_level IS DISTINCT FROM q.owner_level   -- asked only then
                               THEN (SELECT ARRAY[x.accept_due, x.handle_due, x.close_due] FROM
                                     gisapp_dues(q.category, q.new_owner_level, q.reported_at, q.by_calendar) x)
                          END AS due
              FROM planned q OFFSET 0) p
    ),
    moved AS (
        UPDATE incident i
        SET generation_id = gen, district_id = d.new_district, street_id = d.new_street,
            community_id = d.new_community, grid_id = d.new_grid, micro_grid_id = d.new_micro_grid,
            snapped_m = d.new_snapped_m, owner_level = d.new_owner_level, status = d.new_status,
            accept_due = d.new_accept_due, handle_due = d.new_handle_due, close_due = d.new_close_due,
            version = i.version + 1, updated_at = now()
        FROM dated d WHERE i.id = d.id
        RETURNING d.id, d.status, d.new_status, d.generation_id, d.district_id, d.new_district, d.street_id,
                  d.new_street, d.community_id, d.new_community, d.grid_id, d.new_grid, d.micro_grid_id,
                  d.new_micro_grid, d.snapped_m, d.new_snapped_m, d.owner_level, d.new_owner_level, d.accept_due,
                  d.new_accept_due, d.handle_due, d.new_handle_due, d.close_due, d.new_close_due
    ),
    changed AS (            -- a new owner (another area path: 30_boundaries.sql), owner level, status, snap or
        SELECT d.*         -- deadline; the same micro-grid under a new id is no news
        FROM moved d
        LEFT JOIN area_path p0 ON p0.id = coalesce(d.micro_grid_id, d.grid_id, d.community_id, d.street_id,
                                                   d.district_id)
        LEFT JOIN area_path p1 ON p1.id = coalesce(d.new_micro_grid, d.new_grid, d.new_community, d.new_street,
                                                   d.new_district)
        WHERE p0.path IS DISTINCT FROM p1.path
           OR (d.owner_level, d.status, d.snapped_m, d.accept_due, d.handle_due, d.close_due)
              IS DISTINCT FROM (d.new_owner_level, d.new_status, d.new_snapped_m, d.new_accept_due,
                                d.new_handle_due, d.new_close_due)
    ),
    logged AS (
        INSERT INTO incident_event (incident_id, at, actor, action, from_status, to_status, note, data, user_id)
        SELECT d.id, v_at, v_actor, 'reassign', d.status, d.new_status, v_note,
               coalesce((SELECT jsonb_object_agg(k, v) FROM (VALUES
                   ('generation_id', to_jsonb(gen), to_jsonb(d.generation_id)),
                   ('district_id', to_jsonb(d.new_district), to_jsonb(d.district_id)),
                   ('street_id', to_jsonb(d.new_street), to_jsonb(d.street_id)),
                   ('community_id', to_jsonb(d.new_community), to_jsonb(d.community_id)),
                   ('grid_id', to_jsonb(d.new_grid), to_jsonb(d.grid_id)),
                   ('micro_grid_id', to_jsonb(d.new_micro_grid), to_jsonb(d.micro_grid_id)),
                   ('snapped_m', to_jsonb(d.new_snapped_m), to_jsonb(d.snapped_m)),
                   ('owner_level', to_jsonb(d.new_owner_level), to_jsonb(d.owner_level)),
                   ('status', to_jsonb(d.new_status), to_jsonb(d.status)),
                   ('accept_due', to_jsonb(d.new_accept_due), to_jsonb(d.accept_due)),
                   ('handle_due', to_jsonb(d.new_handle_due), to_jsonb(d.handle_due)),
                   ('close_due', to_jsonb(d.new_close_due), to_jsonb(d.close_due))) c(k, v, was)
                   WHERE v IS DISTINCT FROM was), '{}')
               || jsonb_build_object('was', jsonb_build_object(
                   'generation_id', d.generation_id, 'micro_grid_id', d.micro_grid_id, 'grid_id', d.grid_id,
                   'community_id', d.community_id, 'street_id', d.street_id, 'owner_level', d.owner_level))
               || jsonb_strip_nulls(jsonb_build_object('responsible', r.responsible_name)),
               v_user
        FROM changed d
        LEFT JOIN area r ON r.id = (ARRAY[d.new_district, d.new_street, d.new_community, d.new_grid,
                                          d.new_micro_grid])[array_position(enum_range(NULL::area_level),
                                                                            d.new_owner_level)]
        ORDER BY d.id
        RETURNING 1
    )
    SELECT count(*) INTO n_moved FROM logged;
    PERFORM set_config('gisapp.intake', '', true);
    PERFORM set_config('gisapp.rehomed', n_moved::text, true);
    IF n_moved > 0 THEN
        PERFORM pg_notify('gisapp_incident', json_build_object('rehomed', n_moved, 'generation', gen)::text);
    END IF;
    RETURN NULL;
END $$;
