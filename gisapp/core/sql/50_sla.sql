-- Owner level, deadlines and duplicate hints, set for every writer right after assignment
-- (the trigger order is in 90_triggers.sql). Deadlines count working hours on calendar_day, which
-- `gisapp db upgrade` fills from the chinese-calendar package, and past its data from the statutory
-- holidays of the `holidays` package; `gisapp calendar load` adds a year's notice. Days outside the
-- table fall back to Monday–Friday.

CREATE OR REPLACE FUNCTION gisapp_is_workday(d date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT workday FROM calendar_day WHERE day = d), extract(isodow FROM d) < 6)
$$;

-- Each working day's position, the number of working days before it, kept for every writer after any
-- change to the calendar (one statement: the sync, a notice, psql).
CREATE OR REPLACE FUNCTION gisapp_calendar_positions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 THEN   -- its own UPDATE below
        RETURN NULL;
    END IF;
    UPDATE calendar_day c SET workdays_before = p.n
    FROM (SELECT day, (count(*) FILTER (WHERE workday) OVER (ORDER BY day))::int - workday::int AS n
          FROM calendar_day) p
    WHERE p.day = c.day AND c.workdays_before IS DISTINCT FROM p.n;
    RETURN NULL;
END $$;

-- start + hours of working time (work_start–work_end on working days, in the local timezone), by
-- lookup: the start's place on the line of working time, plus the hours, is the n-th working day
-- and a time in it. Outside the calendar's days (or for 0 hours) it walks day by day instead.
CREATE OR REPLACE FUNCTION gisapp_add_work_hours(start timestamptz, hours double precision) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    tz text := gisapp_timezone();
    t0 double precision := extract(epoch FROM gisapp_setting('work_start', '09:00')::time);
    len double precision := extract(epoch FROM gisapp_setting('work_end', '17:00')::time) - t0;
    local timestamp := start AT TIME ZONE tz;
    d calendar_day%ROWTYPE;
    target double precision;
    n integer;
    found_day date;
BEGIN
    SELECT * INTO d FROM calendar_day WHERE day = local::date;
    IF NOT FOUND OR d.workdays_before IS NULL OR len <= 0 OR hours IS NULL OR hours <= 0 THEN
        RETURN gisapp_add_work_hours_walk(start, hours);
    END IF;
    target := d.workdays_before * len + hours * 3600
              + CASE WHEN d.workday THEN least(greatest(extract(epoch FROM local::time) - t0, 0), len) ELSE 0 END;
    n := ceil(target / len)::integer - 1;   -- a deadline at the end of a day stays on that day
    SELECT day INTO found_day FROM calendar_day WHERE workday AND workdays_before = n;
    IF found_day IS NULL THEN
        RETURN gisapp_add_work_hours_walk(start, hours);
    END IF;
    RETURN (found_day + make_interval(secs => t0 + target - n * len)) AT TIME ZONE tz;
END $$;

-- The same, one day at a time: for times outside calendar_day (Monday–Friday there).
CREATE OR REPLACE FUNCTION gisapp_add_work_hours_walk(start timestamptz, hours double precision) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    tz text := gisapp_timezone();
    t0 time := gisapp_setting('work_start', '09:00')::time;
    t1 time := gisapp_setting('work_end', '17:00')::time;
    local timestamp := start AT TIME ZONE tz;
    day date := local::date;
    left_s double precision := hours * 3600;
    from_s double precision;
    avail double precision;
BEGIN
    FOR i IN 1..3700 LOOP  -- ten years of days at most
        IF gisapp_is_workday(day) THEN
            from_s := greatest(extract(epoch FROM t0), CASE WHEN day = local::date
                               THEN extract(epoch FROM local::time) ELSE 0 END);
            avail := extract(epoch FROM t1) - from_s;
            IF avail >= left_s AND avail > 0 THEN
                RETURN ((day + make_interval(secs => from_s + left_s)) AT TIME ZONE tz);
            ELSIF avail > 0 THEN
                left_s := left_s - avail;
            END IF;
        END IF;
        day := day + 1;
    END LOOP;
    RAISE EXCEPTION 'no working time within ten years of %', start;
END $$;

-- The deadline for one stage ('accept', 'handle', 'close') of a case. Most specific sla_rule wins.
CREATE OR REPLACE FUNCTION gisapp_due(stage text, cat text, lvl area_level, start timestamptz,
                                      calendar_hours boolean)
RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
    r sla_rule%ROWTYPE;
    h double precision;
BEGIN
    SELECT * INTO r FROM sla_rule
    WHERE (category = cat OR category IS NULL) AND (level = lvl OR level IS NULL)
    ORDER BY category IS NULL, level IS NULL LIMIT 1;
    h := CASE stage WHEN 'accept' THEN r.accept_hours WHEN 'handle' THEN r.handle_hours ELSE r.close_hours END;
    IF h IS NULL OR start IS NULL THEN
        RETURN NULL;
    END IF;
    IF calendar_hours THEN
        RETURN start + make_interval(secs => h * 3600);
    END IF;
    RETURN gisapp_add_work_hours(start, h);
END $$;

-- The level a case is owned at before any escalation: its leaf, or the category's auto level above it.
CREATE OR REPLACE FUNCTION gisapp_base_level(i incident) RETURNS area_level
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN c.auto_level IS NOT NULL AND c.auto_level < gisapp_leaf_level(i)
                     AND gisapp_chain_id(i, c.auto_level) IS NOT NULL
                THEN c.auto_level ELSE gisapp_leaf_level(i) END
    FROM category c WHERE c.code = i.category
$$;

-- The nearest open case of the same category within the category's radius and time window.
-- A nearest-neighbour walk of the GiST index stops at the first match, so a bulk import of
-- clustered points (311 data repeats addresses) stays linear; the exact distance is checked last.
CREATE OR REPLACE FUNCTION gisapp_find_duplicate(cat text, pt geometry, at timestamptz) RETURNS bigint
LANGUAGE plpgsql STABLE SET enable_seqscan = off AS $$
DECLARE
    radius double precision;
    hours double precision;
    -- ORDER BY lets the primary key serve this read: a scan costed as disabled would wake the JIT.
    not_open text[] := ARRAY(SELECT code FROM case_status WHERE NOT open ORDER BY code);
    found bigint;
    found_geom geometry;
BEGIN
    SELECT dup_radius_m, dup_window_hours INTO radius, hours FROM category WHERE code = cat;
    IF NOT (radius > 0) THEN
        RETURN NULL;
    END IF;
    SELECT o.id, o.geom INTO found, found_geom FROM incident o
    WHERE o.category = cat AND o.duplicate_of IS NULL AND o.geom IS NOT NULL
      AND o.status <> ALL(not_open)
      AND o.reported_at BETWEEN at - make_interval(secs => hours * 3600) AND at
    ORDER BY o.geom <-> pt, o.id LIMIT 1;
    IF found IS NOT NULL AND ST_DWithin(found_geom::geography, pt::geography, radius) THEN
        RETURN found;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION gisapp_incident_plan() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    by_calendar boolean;
    base area_level;
    since timestamptz;
    st case_status%ROWTYPE;
BEGIN
    IF TG_OP = 'INSERT' OR NEW.grid_id IS DISTINCT FROM OLD.grid_id OR NEW.micro_grid_id IS DISTINCT FROM OLD.micro_grid_id
       OR NEW.community_id IS DISTINCT FROM OLD.community_id OR NEW.street_id IS DISTINCT FROM OLD.street_id THEN
        base := gisapp_base_level(NEW);
        -- Re-zoning keeps an escalation: a case owned above its base stays at that level if it still has an area there.
        NEW.owner_level := CASE WHEN TG_OP = 'UPDATE' AND OLD.owner_level < base
                                     AND gisapp_chain_id(NEW, OLD.owner_level) IS NOT NULL
                                THEN OLD.owner_level ELSE base END;
    END IF;
    by_calendar := NEW.urgent OR (SELECT urgent FROM category WHERE code = NEW.category);
    IF TG_OP = 'UPDATE' AND NEW.status = 'reopened' AND OLD.status <> 'reopened' THEN
        -- A reopened case gets fresh time to handle and close, counted from now.
        NEW.handle_due := gisapp_due('handle', NEW.category, NEW.owner_level, now(), by_calendar);
        NEW.close_due := gisapp_due('close', NEW.category, NEW.owner_level, now(), by_calendar);
    ELSIF TG_OP = 'INSERT' THEN
        since := NEW.reported_at;
        NEW.accept_due := gisapp_due('accept', NEW.category, NEW.owner_level, since, by_calendar);
        NEW.handle_due := gisapp_due('handle', NEW.category, NEW.owner_level, since, by_calendar);
        NEW.close_due := gisapp_due('close', NEW.category, NEW.owner_level, since, by_calendar);
    ELSIF NEW.owner_level IS DISTINCT FROM OLD.owner_level THEN
        -- A new owner level brings its own deadlines, but only for stages not yet passed; a reopened
        -- case keeps the handling time its reopening gave it.
        since := NEW.reported_at;
        SELECT * INTO st FROM case_status WHERE code = NEW.status;
        IF st.intake THEN
            NEW.accept_due := gisapp_due('accept', NEW.category, NEW.owner_level, since, by_calendar);
        END IF;
        IF st.intake OR (st.stage = 'handle' AND NEW.status <> 'reopened') THEN
            NEW.handle_due := gisapp_due('handle', NEW.category, NEW.owner_level, since, by_calendar);
        END IF;
        IF st.open THEN
            NEW.close_due := gisapp_due('close', NEW.category, NEW.owner_level, since, by_calendar);
        END IF;
    END IF;
    IF TG_OP = 'INSERT' AND NEW.geom IS NOT NULL THEN
        NEW.possible_duplicate_of := gisapp_find_duplicate(NEW.category, NEW.geom, NEW.reported_at);
    END IF;
    RETURN NEW;
END $$;
