-- Bulk intake (issue 12): a statement of incident_intake (COPY or INSERT, by any writer) becomes cases
-- with every intake rule applied to the whole statement at once: assignment with the edge and snap
-- rules (30_boundaries.sql), owner level, deadlines and duplicate hints (50_sla.sql), idempotency by
-- client_ref, the first event of each case, and one NOTIFY. The per-row triggers stand aside for the
-- rows this function writes (gisapp.intake, 90_triggers.sql); tests/cases/test_intake_batch.py holds
-- both paths to the same answers, column by column.
--
-- The switch is not a security boundary against the app's own role: it keeps the two paths from
-- running twice, and only a trigger (depth > 0) can use it.

-- Hash joins only, but for the spatial steps, which are LATERAL index probes (one per row, which no
-- setting turns into anything else): the planner's guesses inside a trigger are poor (the statistics
-- predate the batch), and a nested loop or merge join chosen on them grows with the square of the batch.
-- No JIT: compiling costs more than a batch's plan saves.
CREATE OR REPLACE FUNCTION gisapp_intake_batch() RETURNS trigger LANGUAGE plpgsql
SET jit = off SET enable_mergejoin = off SET enable_nestloop = off AS $$
DECLARE
    v_gen integer := gisapp_active_generation();
    v_owner area_level := gisapp_owner_level(v_gen);
    v_snap double precision := gisapp_setting('snap_metres', '0')::double precision;
    v_tz text := gisapp_timezone();
    v_t0 double precision := extract(epoch FROM gisapp_setting('work_start', '09:00')::time);
    v_len double precision := extract(epoch FROM gisapp_setting('work_end', '17:00')::time) - v_t0;
    v_actor text := coalesce(nullif(current_setting('gisapp.actor', true), ''), 'db:' || current_user);
    v_action text := coalesce(nullif(current_setting('gisapp.action', true), ''), 'report');
    v_note text := coalesce(current_setting('gisapp.note', true), '');
    v_at timestamptz := coalesce(nullif(current_setting('gisapp.at', true), '')::timestamptz, clock_timestamp());
    v_user bigint := nullif(current_setting('gisapp.user_id', true), '')::bigint;
    v_located text := gisapp_located_status('reported', 0);
    v_unlocated text := gisapp_located_status('reported', NULL);
    v_ids bigint[];
    v_dup_ids bigint[];
    v_dups bigint[];
    n_rows integer;
    n_ins integer;
    n_assigned integer;
    n_snapped integer;
    n_unlocated integer;
    n_dups integer := 0;
BEGIN
    SELECT count(*) INTO n_rows FROM new_rows;
    IF n_rows = 0 THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('gisapp.intake', 'on', true);

    WITH src AS (
        SELECT r.*,
               coalesce(CASE WHEN r.input_crs = 'wgs84' THEN ST_SetSRID(ST_MakePoint(r.input_lon, r.input_lat), 4326)
                             ELSE gisapp_to_wgs84(r.input_lon, r.input_lat, r.input_crs) END,
                        b.point) AS pt,
               ba.id AS building_leaf
        FROM (SELECT *, row_number() OVER () AS n FROM new_rows) r   -- n: the order written, before any join
        LEFT JOIN building b ON b.id = r.building_id
        LEFT JOIN area ba ON ba.id = b.area_id AND ba.generation_id = v_gen
    ),
    covered AS (           -- rule 1: the deepest owner area covering the point, then the smallest, then the code
        SELECT s.*, coalesce(s.building_leaf, cov.leaf) AS hit_leaf
        FROM src s
        LEFT JOIN LATERAL gisapp_covering_owner(CASE WHEN s.building_leaf IS NULL THEN s.pt END,
                                                v_gen, v_owner) cov(leaf) ON true
    ),
    snapped AS (           -- rule 2, for the few the pieces miss: the nearest within the snap distance
        SELECT c.n, x.area_id, x.distance_m
        FROM (SELECT * FROM covered WHERE hit_leaf IS NULL AND pt IS NOT NULL) c,
             LATERAL gisapp_nearest(c.pt, v_gen, v_snap, v_owner) x
    ),
    located AS (
        SELECT c.*, coalesce(c.hit_leaf, near.area_id) AS leaf, near.distance_m AS snapped_m
        FROM covered c LEFT JOIN snapped near ON near.n = c.n
    ),
    rules AS (              -- gisapp_dues' most specific sla_rule, for every category and level (or none)
        SELECT c.code AS category, coalesce(l.level::text, '') AS level_key,
               r.accept_hours, r.handle_hours, r.close_hours
        FROM category c
        CROSS JOIN (SELECT unnest(enum_range(NULL::area_level)) UNION ALL SELECT NULL) l(level)
        LEFT JOIN LATERAL (SELECT * FROM sla_rule s
                           WHERE (s.category = c.code OR s.category IS NULL) AND (s.level = l.level OR s.level IS NULL)
                           ORDER BY s.category IS NULL, s.level IS NULL LIMIT 1) r ON true
    ),
    planned AS (            -- gisapp_base_level: the leaf, or the category's auto level above it
        SELECT l.*, ch.district_id, ch.street_id, ch.community_id, ch.grid_id, ch.micro_grid_id,
               CASE WHEN cat.auto_level IS NOT NULL AND cat.auto_level < ch.leaf_level
                         AND CASE cat.auto_level WHEN 'district' THEN ch.district_id WHEN 'street' THEN ch.street_id
                                 WHEN 'community' THEN ch.community_id WHEN 'grid' THEN ch.grid_id
                                 ELSE ch.micro_grid_id END IS NOT NULL
                    THEN cat.auto_level ELSE ch.leaf_level END AS owner_level,
               l.urgent OR cat.urgent AS by_calendar
        FROM located l
        LEFT JOIN category cat ON cat.code = l.category
        LEFT JOIN gisapp_chains(v_gen) ch ON ch.leaf = l.leaf
    ),
    placed AS (             -- where each report starts on the line of working time (gisapp_add_work_hours)
        SELECT p.*, r.accept_hours, r.handle_hours, r.close_hours, d.workdays_before AS start_pos,
               gisapp_work_start(d.workdays_before, d.workday, p.reported_at AT TIME ZONE v_tz, v_t0, v_len) AS start_s
        FROM planned p
        LEFT JOIN rules r ON r.category = p.category AND r.level_key = coalesce(p.owner_level::text, '')
        LEFT JOIN calendar_day d ON d.day = (p.reported_at AT TIME ZONE v_tz)::date
    ),
    aimed AS (
        SELECT q.*, q.start_s + q.accept_hours * 3600 AS t_accept, q.start_s + q.handle_hours * 3600 AS t_handle,
               q.start_s + q.close_hours * 3600 AS t_close
        FROM placed q
    ),
    dated AS (
        SELECT a.*, fa.day AS day_accept, fh.day AS day_handle, fc.day AS day_close
        FROM aimed a
        LEFT JOIN calendar_day fa ON fa.workday AND fa.workdays_before = gisapp_work_position(a.t_accept, v_len)
        LEFT JOIN calendar_day fh ON fh.workday AND fh.workdays_before = gisapp_work_position(a.t_handle, v_len)
        LEFT JOIN calendar_day fc ON fc.workday AND fc.workdays_before = gisapp_work_position(a.t_close, v_len)
    ),
    ins AS (
        INSERT INTO incident (client_ref, category, description, source, geom, input_crs, input_lon, input_lat,
                              building_id, urgent, reported_at, reported_by, status, generation_id, district_id,
                              street_id, community_id, grid_id, micro_grid_id, snapped_m, owner_level,
                              accept_due, handle_due, close_due, created_at)
        SELECT d.client_ref, d.category, d.description, d.source, d.pt, d.input_crs, d.input_lon, d.input_lat,
               d.building_id, d.urgent, d.reported_at, d.reported_by,
               CASE WHEN d.leaf IS NULL THEN v_unlocated ELSE v_located END,
               CASE WHEN v_gen IS NOT NULL THEN v_gen END,
               d.district_id, d.street_id, d.community_id, d.grid_id, d.micro_grid_id, d.snapped_m, d.owner_level,
               CASE WHEN d.accept_hours IS NULL THEN NULL
                    WHEN d.by_calendar THEN d.reported_at + make_interval(secs => d.accept_hours * 3600)
                    WHEN d.day_accept IS NULL OR d.start_pos IS NULL OR d.accept_hours <= 0 OR v_len <= 0
                         THEN gisapp_add_work_hours_walk(d.reported_at, d.accept_hours)
                    ELSE gisapp_work_instant(d.day_accept, d.t_accept, v_t0, v_len, v_tz) END,
               CASE WHEN d.handle_hours IS NULL THEN NULL
                    WHEN d.by_calendar THEN d.reported_at + make_interval(secs => d.handle_hours * 3600)
                    WHEN d.day_handle IS NULL OR d.start_pos IS NULL OR d.handle_hours <= 0 OR v_len <= 0
                         THEN gisapp_add_work_hours_walk(d.reported_at, d.handle_hours)
                    ELSE gisapp_work_instant(d.day_handle, d.t_handle, v_t0, v_len, v_tz) END,
               CASE WHEN d.close_hours IS NULL THEN NULL
                    WHEN d.by_calendar THEN d.reported_at + make_interval(secs => d.close_hours * 3600)
                    WHEN d.day_close IS NULL OR d.start_pos IS NULL OR d.close_hours <= 0 OR v_len <= 0
                         THEN gisapp_add_work_hours_walk(d.reported_at, d.close_hours)
                    ELSE gisapp_work_instant(d.day_close, d.t_close, v_t0, v_len, v_tz) END,
               coalesce(d.logged_at, now())
        FROM dated d
        ORDER BY d.n
        ON CONFLICT ((coalesce(reported_by, 0)), client_ref) DO NOTHING
        RETURNING id, status, snapped_m, source, category, generation_id, micro_grid_id, grid_id, created_at
    ),
    logged AS (             -- the first event of each case, as gisapp_incident_log writes it; dated
                            -- logged_at when the writer gave one (created_at holds it; else it is now())
        INSERT INTO incident_event (incident_id, at, actor, action, from_status, to_status, note, data, user_id)
        SELECT id, CASE WHEN created_at = now() THEN v_at ELSE created_at END, v_actor, v_action, NULL, status, v_note,
               jsonb_build_object('source', source, 'category', category, 'generation_id', generation_id,
                                  'micro_grid_id', micro_grid_id, 'grid_id', grid_id, 'snapped_m', snapped_m),
               v_user
        FROM ins ORDER BY id
    )
    SELECT array_agg(id ORDER BY id), count(*), count(*) FILTER (WHERE status = v_located),
           count(*) FILTER (WHERE snapped_m IS NOT NULL), count(*) FILTER (WHERE status = v_unlocated)
    INTO v_ids, n_ins, n_assigned, n_snapped, n_unlocated
    FROM ins;

    IF n_ins > 0 AND EXISTS (SELECT 1 FROM category WHERE dup_radius_m > 0) THEN
        -- gisapp_duplicate_of for each new case, among the cases inserted before it: a bounded index
        -- probe per case (the function is inlined), so the pass grows with the batch, not with the
        -- cases already stored.
        SELECT coalesce(array_agg(n.id ORDER BY n.id), '{}'), coalesce(array_agg(x.dup ORDER BY n.id), '{}')
        INTO v_dup_ids, v_dups
        FROM incident n
        JOIN category c ON c.code = n.category AND c.dup_radius_m > 0
        CROSS JOIN LATERAL gisapp_duplicate_of(n.category, n.geom, n.reported_at, n.id,
                                               c.dup_radius_m, c.dup_window_hours) x(dup)
        WHERE n.id = ANY (v_ids) AND n.id BETWEEN v_ids[1] AND v_ids[cardinality(v_ids)] AND n.geom IS NOT NULL;
        -- the cases by key (without it, with nested loops off, the join would read every case stored)
        UPDATE incident i SET possible_duplicate_of = u.dup
        FROM unnest(v_dup_ids, v_dups) u(id, dup)
        WHERE i.id = u.id AND i.id = ANY (v_dup_ids);
        GET DIAGNOSTICS n_dups = ROW_COUNT;
    END IF;

    INSERT INTO intake_batch (actor, rows, inserted, assigned, snapped, unlocated, duplicates)
    VALUES (v_actor, n_rows, n_ins, n_assigned, n_snapped, n_unlocated, n_dups);
    DELETE FROM incident_intake;   -- the statement's rows: others' uncommitted rows are not visible here
    IF n_ins > 0 THEN
        PERFORM pg_notify('gisapp_incident', json_build_object('inserted', n_ins)::text);
    END IF;
    PERFORM set_config('gisapp.intake', '', true);
    RETURN NULL;
END $$;
