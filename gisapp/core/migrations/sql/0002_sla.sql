-- SLA: deadlines per category and owner level, counted on the Chinese working calendar.
-- calendar_day is filled by `gisapp db upgrade` from the chinese-calendar package (holidays and
-- 调休 make-up days); days it does not list fall back to Monday–Friday.

CREATE TABLE calendar_day (
    day     date PRIMARY KEY,
    workday boolean NOT NULL,
    name    text NOT NULL DEFAULT ''
);

INSERT INTO app_setting (key, value) VALUES
    ('timezone', 'Asia/Shanghai'), ('work_start', '09:00'), ('work_end', '17:00');

-- Deadlines in hours. Most specific row wins: category+level, category, level, default.
CREATE TABLE sla_rule (
    id           serial PRIMARY KEY,
    category     text REFERENCES category (code),
    level        area_level,
    accept_hours double precision NOT NULL CHECK (accept_hours > 0),
    handle_hours double precision NOT NULL CHECK (handle_hours > 0),
    close_hours  double precision NOT NULL CHECK (close_hours > 0),
    UNIQUE NULLS NOT DISTINCT (category, level)
);
INSERT INTO sla_rule (category, level, accept_hours, handle_hours, close_hours) VALUES
    (NULL, NULL, 4, 24, 40),            -- working hours: ½ day to accept, 3 days to handle, 5 to close
    (NULL, 'street', 4, 40, 56),
    (NULL, 'district', 4, 56, 80),
    ('power', NULL, 1, 6, 24),          -- urgent categories count calendar hours
    ('water', NULL, 1, 6, 24),
    ('safety_hazard', NULL, 1, 8, 24);

CREATE FUNCTION gisapp_is_workday(d date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT workday FROM calendar_day WHERE day = d), extract(isodow FROM d) < 6)
$$;

-- start + hours of working time (work_start–work_end on working days, in the setting's timezone).
CREATE FUNCTION gisapp_add_work_hours(start timestamptz, hours double precision) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    tz text := gisapp_setting('timezone', 'Asia/Shanghai');
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

-- The deadline for one stage ('accept', 'handle', 'close') of a case.
CREATE FUNCTION gisapp_due(stage text, cat text, lvl area_level, start timestamptz, calendar_hours boolean)
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
