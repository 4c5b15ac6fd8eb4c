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

-- The line of working time, shared by one case (gisapp_add_work_hours) and a batch (gisapp_intake_batch):
-- `target` seconds along it fall on the working day at position gisapp_work_position(target, len) ...
CREATE OR REPLACE FUNCTION gisapp_work_position(target double precision, len double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ceil(target / len)::integer - 1   -- a deadline at the end of a day stays on that day
$$;

-- ... at this time of that day.
CREATE OR REPLACE FUNCTION gisapp_work_instant(found date, target double precision, t0 double precision,
                                               len double precision, tz text) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (found + make_interval(secs => t0 + target - gisapp_work_position(target, len) * len)) AT TIME ZONE tz
$$;

-- Where a start lies on that line: working days before its day, plus the working time gone on it.
CREATE OR REPLACE FUNCTION gisapp_work_start(workdays_before integer, workday boolean, local timestamp,
                                             t0 double precision, len double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT workdays_before * len
           + CASE WHEN workday THEN least(greatest(extract(epoch FROM local::time) - t0, 0), len) ELSE 0 END
$$;

-- start + each of several hours of working time (work_start–work_end on working days, in the local
-- timezone), by lookup: the start's place on the line of working time, plus the hours, is the n-th
-- working day and a time in it. Outside the calendar's days (or for 0 hours) it walks day by day.
-- Several at once, so a case's three deadlines read the settings and the start's day once.
CREATE OR REPLACE FUNCTION gisapp_add_work_hours_each(start timestamptz, hours double precision[])
RETURNS timestamptz[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    tz text := gisapp_timezone();
    t0 double precision := extract(epoch FROM gisapp_setting('work_start', '09:00')::time);
    len double precision := extract(epoch FROM gisapp_setting('work_end', '17:00')::time) - t0;
    local timestamp := start AT TIME ZONE tz;
    d calendar_day%ROWTYPE;
    target double precision;
    found_day date;
    out timestamptz[] := array_fill(NULL::timestamptz, ARRAY[cardinality(hours)]);
BEGIN
    IF start IS NULL THEN
        RETURN out;
    END IF;
    SELECT * INTO d FROM calendar_day WHERE day = local::date;
    FOR i IN 1..cardinality(hours) LOOP
        CONTINUE WHEN hours[i] IS NULL;
        found_day := NULL;
        IF d.workdays_before IS NOT NULL AND len > 0 AND hours[i] > 0 THEN
            target := gisapp_work_start(d.workdays_before, d.workday, local, t0, len) + hours[i] * 3600;
            SELECT day INTO found_day FROM calendar_day
            WHERE workday AND workdays_before = gisapp_work_position(target, len);
        END IF;
        out[i] := CASE WHEN found_day IS NULL THEN gisapp_add_work_hours_walk(start, hours[i])
                       ELSE gisapp_work_instant(found_day, target, t0, len, tz) END;
    END LOOP;
    RETURN out;
END $$;

CREATE OR REPLACE FUNCTION gisapp_add_work_hours(start timestamptz, hours double precision) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT (gisapp_add_work_hours_each(start, ARRAY[hours]))[1]
$$;

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

-- A case's deadlines ('accept', 'handle', 'close'), all three from one read of its sla_rule; the most
-- specific rule wins. Urgent cases count calendar hours, the others working hours.
CREATE OR REPLACE FUNCTION gisapp_dues(cat text, lvl area_level, start timestamptz, calendar_hours boolean,
    OUT accept_due timestamptz, OUT handle_due timestamptz, OUT close_due timestamptz)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    r sla_rule%ROWTYPE;
    due timestamptz[];
BEGIN
    SELECT * INTO r FROM sla_rule
    WHERE (category = cat OR category IS NULL) AND (level = lvl OR level IS NULL)
    ORDER BY category IS NULL, level IS NULL LIMIT 1;
    IF calendar_hours THEN
        accept_due := start + make_interval(secs => r.accept_hours * 3600);
        handle_due := start + make_interval(secs => r.handle_hours * 3600);
        close_due := start + make_interval(secs => r.close_hours * 3600);
        RETURN;
    END IF;
    due := gisapp_add_work_hours_each(start, ARRAY[r.accept_hours, r.handle_hours, r.close_hours]);
    accept_due := due[1];
    handle_due := due[2];
    close_due := due[3];
END $$;

-- The level a case is owned at before any escalation: its leaf, or the category's auto level above it.
CREATE OR REPLACE FUNCTION gisapp_base_level(i incident) RETURNS area_level
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN c.auto_level IS NOT NULL AND c.auto_level < gisapp_leaf_level(i)
                     AND gisapp_chain_id(i, c.auto_level) IS NOT NULL
                THEN c.auto_level ELSE gisapp_leaf_level(i) END
    FROM category c WHERE c.code = i.category
$$;

-- The nearest open case of a category within `radius` metres and `hours` before `at` (and filed before
-- case `before`, when given): the duplicate hint. LANGUAGE sql and one SELECT, so the planner inlines it
-- where it is called, into one report's query and into the bulk path's pass over a batch alike
-- (45_intake_batch.sql). The search is bounded: the index on place, time and category reads only the
-- cases in a box one radius wide and in the window.
CREATE OR REPLACE FUNCTION gisapp_duplicate_of(cat text, pt geometry, at timestamptz, before bigint,
                                               radius double precision, hours double precision)
RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
    SELECT o.id FROM incident o
    WHERE ST_DWithin(o.geom, pt, radius / (111000.0 * greatest(cos(radians(least(abs(ST_Y(pt)) + 0.1, 89.9))), 0.01)))
      AND o.reported_at BETWEEN at - make_interval(secs => hours * 3600) AND at
      AND o.category = cat AND o.duplicate_of IS NULL
      AND o.status IN (SELECT code FROM case_status WHERE open)   -- read once per query
      AND ST_DistanceSphere(o.geom, pt) <= radius
      AND (before IS NULL OR o.id < before)
    ORDER BY o.geom <-> pt, o.id
    LIMIT 1
$$;

-- The same for one new report, with its category's radius and window (none for a radius of 0).
CREATE OR REPLACE FUNCTION gisapp_find_duplicate(cat text, pt geometry, at timestamptz) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    radius double precision;
    hours double precision;
BEGIN
    SELECT dup_radius_m, dup_window_hours INTO radius, hours FROM category WHERE code = cat;
    IF NOT (radius > 0) OR pt IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT d FROM gisapp_duplicate_of(cat, pt, at, NULL, radius, hours) d);
END $$;

CREATE OR REPLACE FUNCTION gisapp_incident_plan() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    by_calendar boolean;
    base area_level;
    st case_status%ROWTYPE;
    due record;
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
        due := gisapp_dues(NEW.category, NEW.owner_level, now(), by_calendar);
        NEW.handle_due := due.handle_due;
        NEW.close_due := due.close_due;
    ELSIF TG_OP = 'INSERT' THEN
        due := gisapp_dues(NEW.category, NEW.owner_level, NEW.reported_at, by_calendar);
        NEW.accept_due := due.accept_due;
        NEW.handle_due := due.handle_due;
        NEW.close_due := due.close_due;
    ELSIF NEW.owner_level IS DISTINCT FROM OLD.owner_level THEN
        -- A new owner level brings its own deadlines, but only for stages not yet passed; a reopened
        -- case keeps the handling time its reopening gave it.
        due := gisapp_dues(NEW.category, NEW.owner_level, NEW.reported_at, by_calendar);
        SELECT * INTO st FROM case_status WHERE code = NEW.status;
        IF st.intake THEN
            NEW.accept_due := due.accept_due;
        END IF;
        IF st.intake OR (st.stage = 'handle' AND NEW.status <> 'reopened') THEN
            NEW.handle_due := due.handle_due;
        END IF;
        IF st.open THEN
            NEW.close_due := due.close_due;
        END IF;
    END IF;
    IF TG_OP = 'INSERT' AND NEW.geom IS NOT NULL THEN
        NEW.possible_duplicate_of := gisapp_find_duplicate(NEW.category, NEW.geom, NEW.reported_at);
    END IF;
    RETURN NEW;
END $$;
