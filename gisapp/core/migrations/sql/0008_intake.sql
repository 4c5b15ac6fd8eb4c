-- The bulk path (issue 12): any writer (the importer, psql, QGIS) COPYs reports into incident_intake,
-- and one statement-level trigger applies every intake rule to the whole statement at once, set-based,
-- and moves the rows into incident. Rows never stay here: the table is a doorway, so it is UNLOGGED
-- (what it held is in incident, which is logged, by the end of the same statement).
CREATE UNLOGGED TABLE incident_intake (
    row_no      integer,
    client_ref  text,
    category    text NOT NULL,
    description text NOT NULL DEFAULT '',
    source      text NOT NULL DEFAULT 'app',
    input_lon   double precision,
    input_lat   double precision,
    input_crs   text NOT NULL DEFAULT 'wgs84',
    building_id bigint,
    urgent      boolean NOT NULL DEFAULT false,
    reported_at timestamptz NOT NULL DEFAULT now(),
    reported_by bigint,
    logged_at   timestamptz   -- when the case entered the system, for imported history (default: now)
);

-- One row per intake statement: what came in and what became of it. The importer reads its own
-- transaction's rows for its summary.
CREATE TABLE intake_batch (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txid       bigint NOT NULL DEFAULT txid_current(),
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL,
    rows       integer NOT NULL CHECK (rows >= 0),
    inserted   integer NOT NULL CHECK (inserted >= 0),
    assigned   integer NOT NULL CHECK (assigned >= 0),
    snapped    integer NOT NULL CHECK (snapped >= 0),
    unlocated  integer NOT NULL CHECK (unlocated >= 0),
    duplicates integer NOT NULL CHECK (duplicates >= 0)
);
CREATE INDEX intake_batch_txid ON intake_batch (txid);

-- Each piece knows its area's level (kept by the area trigger), so a lookup tests only the pieces of
-- owner levels against the point instead of every level's pieces and then discarding most.
ALTER TABLE area_piece ADD COLUMN level area_level;
UPDATE area_piece p SET level = a.level FROM area a WHERE a.id = p.area_id;
ALTER TABLE area_piece ALTER COLUMN level SET NOT NULL;

-- Later steps of cases, for importers of history (and the synthetic city): each statement's rows are
-- applied in order of time, as gisapp_transition applies one action, with its rules, set-based
-- (core/sql/46_history_batch.sql). Like incident_intake, a doorway: rows never stay.
CREATE UNLOGGED TABLE case_history_intake (
    incident_id  bigint NOT NULL,
    action       text NOT NULL,
    at           timestamptz NOT NULL,
    actor        text NOT NULL,
    note         text NOT NULL DEFAULT '',
    satisfaction text
);

-- A generation made by `gisapp demo generate`: the big screen says its data are synthetic.
ALTER TABLE generation ADD COLUMN synthetic boolean NOT NULL DEFAULT false;
