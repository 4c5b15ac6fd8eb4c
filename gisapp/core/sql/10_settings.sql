-- Settings that triggers read, and the one definition of a local day.
-- `gisapp db upgrade` writes GISAPP_TIMEZONE (and GISAPP_SNAP_METRES) into app_setting, so psql and
-- QGIS writers get the same days and the same assignment as the app.

CREATE OR REPLACE FUNCTION gisapp_setting(k text, fallback text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT value FROM app_setting WHERE key = k), fallback)
$$;

-- The zone in which days start: "today", date filters, KPI ranges and the SLA's working hours.
CREATE OR REPLACE FUNCTION gisapp_timezone() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT gisapp_setting('timezone', 'Asia/Shanghai')
$$;

-- The instant a local day begins.
CREATE OR REPLACE FUNCTION gisapp_day_start(d date) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT d::timestamp AT TIME ZONE gisapp_timezone()
$$;

-- The local day an instant falls on.
CREATE OR REPLACE FUNCTION gisapp_local_date(t timestamptz) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT (t AT TIME ZONE gisapp_timezone())::date
$$;

CREATE OR REPLACE FUNCTION gisapp_today() RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT gisapp_local_date(now())
$$;
