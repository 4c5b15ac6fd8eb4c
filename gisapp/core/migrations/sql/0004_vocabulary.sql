-- gisapp schema, revision 0004: the shared vocabulary as tables, and limits every writer obeys.
-- Each status, action, satisfaction grade, task state and level label is written once, here, with
-- what it means; foreign keys replace the CHECK lists of earlier revisions. From this revision on,
-- functions, views and triggers live in the repeatable files of gisapp/core/sql/, not in revisions.

CREATE TABLE case_status (
    code    text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]*$'),
    sort    smallint NOT NULL UNIQUE,
    label   text NOT NULL,       -- an English msgid; the catalogs translate it
    open    boolean NOT NULL,    -- still in the loop: an "open case"
    closed  boolean NOT NULL,    -- the loop was completed (办结): counted by the closure rate
    intake  boolean NOT NULL,    -- set by the location, not by a person (the assignment trigger)
    working boolean NOT NULL,    -- in someone's hands: the case reached "assigned" (response rate)
    stage   text CHECK (stage IN ('accept', 'handle', 'close')),   -- whose deadline applies now
    CHECK (NOT (open AND closed))
);
INSERT INTO case_status (code, sort, label, open, closed, intake, working, stage) VALUES
    ('reported',     10, 'Reported',    true,  false, true,  false, 'accept'),
    ('unlocated',    20, 'Unlocated',   true,  false, true,  false, NULL),
    ('assigned',     30, 'Assigned',    true,  false, true,  true,  'accept'),
    ('accepted',     40, 'Accepted',    true,  false, false, true,  'handle'),
    ('in_progress',  50, 'In progress', true,  false, false, true,  'handle'),
    ('feedback',     60, 'Feedback',    true,  false, false, true,  'handle'),
    ('verified',     70, 'Verified',    true,  false, false, true,  'close'),
    ('closed',       80, 'Closed',      false, true,  false, true,  NULL),
    ('evaluated',    90, 'Evaluated',   false, true,  false, true,  NULL),
    ('reopened',    100, 'Reopened',    true,  false, false, true,  'handle'),
    ('cancelled',   110, 'Cancelled',   false, false, false, false, NULL);

ALTER TABLE incident DROP CONSTRAINT incident_status_check,
    ADD CONSTRAINT incident_status_fkey FOREIGN KEY (status) REFERENCES case_status (code);
-- Its predicate was a copy of the open-status list; open cases are found through case_status now.
DROP INDEX incident_open_idx;

CREATE TABLE case_action (
    code          text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]*$'),
    sort          smallint NOT NULL UNIQUE,
    label         text NOT NULL,                   -- an English msgid
    by_transition boolean NOT NULL,                -- a person asks for it through gisapp_transition
    needs_note    boolean NOT NULL DEFAULT false   -- refused without a reason
);
INSERT INTO case_action (code, sort, label, by_transition, needs_note) VALUES
    ('report',              10, 'Reported',              false, false),
    ('update',              20, 'Updated',               false, false),
    ('reassign',            30, 'Reassigned',            false, false),
    ('place',               40, 'Placed on the map',     false, false),
    ('accept',              50, 'Accept',                true,  false),
    ('start',               60, 'Start',                 true,  false),
    ('feedback',            70, 'Feedback',              true,  false),
    ('verify',              80, 'Verify',                true,  false),
    ('reject',              90, 'Reject',                true,  false),
    ('close',              100, 'Close',                 true,  false),
    ('evaluate',           110, 'Evaluate',              true,  false),
    ('reopen',             120, 'Reopen',                true,  false),
    ('cancel',             130, 'Cancel',                true,  true),
    ('escalate',           140, 'Escalate',              true,  true),
    ('deescalate',         150, 'De-escalate',           true,  true),
    ('merge',              160, 'Merge as duplicate',    true,  false),
    ('keep',               170, 'Not a duplicate',       true,  false),
    ('callout',            180, 'Department called',     false, false),
    ('department_arrived', 190, 'Department arrived',    false, false),
    ('department_done',    200, 'Department done',       false, false);

ALTER TABLE incident_event ADD CONSTRAINT incident_event_action_fkey FOREIGN KEY (action) REFERENCES case_action (code);
ALTER TABLE transition
    ADD CONSTRAINT transition_action_fkey FOREIGN KEY (action) REFERENCES case_action (code),
    ADD CONSTRAINT transition_from_fkey FOREIGN KEY (from_status) REFERENCES case_status (code),
    ADD CONSTRAINT transition_to_fkey FOREIGN KEY (to_status) REFERENCES case_status (code);

CREATE TABLE satisfaction (
    code      text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]*$'),
    sort      smallint NOT NULL UNIQUE,
    label     text NOT NULL,      -- an English msgid
    satisfied boolean NOT NULL    -- counted as satisfied by the satisfaction rate
);
INSERT INTO satisfaction (code, sort, label, satisfied) VALUES
    ('satisfied',   10, 'Satisfied',           true),
    ('basically',   20, 'Basically satisfied', true),
    ('unsatisfied', 30, 'Unsatisfied',         false);
ALTER TABLE incident DROP CONSTRAINT incident_satisfaction_check,
    ADD CONSTRAINT incident_satisfaction_fkey FOREIGN KEY (satisfaction) REFERENCES satisfaction (code);

CREATE TABLE task_status (
    code  text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]*$'),
    sort  smallint NOT NULL UNIQUE,
    label text NOT NULL,                         -- an English msgid
    next  text REFERENCES task_status (code)     -- the one state a department task may move on to
);
INSERT INTO task_status (code, sort, label, next) VALUES
    ('done',    30, 'Done',    NULL),
    ('arrived', 20, 'Arrived', 'done'),
    ('called',  10, 'Called',  'arrived');
ALTER TABLE department_task DROP CONSTRAINT department_task_status_check,
    ADD CONSTRAINT department_task_status_fkey FOREIGN KEY (status) REFERENCES task_status (code);

CREATE TABLE area_level_label (
    level area_level PRIMARY KEY,
    label text NOT NULL           -- an English msgid
);
INSERT INTO area_level_label (level, label) VALUES
    ('district', 'District'), ('street', 'Street'), ('community', 'Community'), ('grid', 'Grid'),
    ('micro_grid', 'Micro-grid');

-- Limits that hold for every writer, the API's and the console's included.
ALTER TABLE incident_event
    ADD CONSTRAINT incident_event_actor_check CHECK (btrim(actor) <> '' AND char_length(actor) <= 200),
    ADD CONSTRAINT incident_event_note_check CHECK (char_length(note) <= 4000);
ALTER TABLE department_task
    ADD CONSTRAINT department_task_called_by_check CHECK (btrim(called_by) <> '' AND char_length(called_by) <= 200);
ALTER TABLE incident ADD CONSTRAINT incident_client_ref_length CHECK (char_length(client_ref) <= 200);
