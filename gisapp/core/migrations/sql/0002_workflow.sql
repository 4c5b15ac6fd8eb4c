-- The closed loop: one transition table, one function that applies it, a guard for every writer.
-- Errors carry an HTTP-like SQLSTATE: GS404 not found, GS409 conflict, GS422 invalid input.

ALTER TABLE category
    ADD COLUMN auto_level area_level,                                   -- goes straight to this owner level
    ADD COLUMN dup_radius_m double precision NOT NULL DEFAULT 50 CHECK (dup_radius_m >= 0),
    ADD COLUMN dup_window_hours double precision NOT NULL DEFAULT 72 CHECK (dup_window_hours >= 0);
UPDATE category SET auto_level = 'street' WHERE code IN ('power', 'water');  -- a whole compound, say
UPDATE category SET dup_radius_m = 200, dup_window_hours = 24 WHERE code IN ('power', 'water');

ALTER TABLE incident
    ADD COLUMN owner_level area_level,
    ADD COLUMN satisfaction text CHECK (satisfaction IN ('satisfied', 'basically', 'unsatisfied')),
    ADD COLUMN duplicate_of bigint REFERENCES incident (id),
    ADD COLUMN possible_duplicate_of bigint REFERENCES incident (id),
    ADD COLUMN accept_due timestamptz,
    ADD COLUMN handle_due timestamptz,
    ADD COLUMN close_due timestamptz,
    ADD CONSTRAINT incident_not_own_duplicate CHECK (duplicate_of <> id AND possible_duplicate_of <> id);

CREATE TABLE transition (
    action      text NOT NULL,
    from_status text NOT NULL,
    to_status   text NOT NULL,
    PRIMARY KEY (action, from_status)
);
INSERT INTO transition (action, from_status, to_status) VALUES
    ('accept', 'assigned', 'accepted'),
    ('start', 'accepted', 'in_progress'),
    ('start', 'reopened', 'in_progress'),
    ('feedback', 'in_progress', 'feedback'),
    ('verify', 'feedback', 'verified'),
    ('reject', 'feedback', 'in_progress'),
    ('close', 'verified', 'closed'),
    ('evaluate', 'closed', 'evaluated'),
    ('reopen', 'evaluated', 'reopened');
INSERT INTO transition (action, from_status, to_status)
SELECT a, s, 'cancelled' FROM unnest(ARRAY['cancel', 'merge']) a,
    unnest(ARRAY['reported', 'unlocated', 'assigned', 'accepted', 'in_progress', 'feedback',
                 'verified', 'reopened']) s;

CREATE TABLE department (
    code    text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    name_zh text NOT NULL,
    name_en text NOT NULL
);
INSERT INTO department VALUES
    ('power', '供电公司', 'Power company'), ('water', '自来水公司', 'Water company'),
    ('heating', '供热公司', 'Heating company'), ('city_management', '城管局', 'City management'),
    ('housing', '住建局', 'Housing bureau'), ('police', '派出所', 'Police'),
    ('fire', '消防救援', 'Fire and rescue'), ('sanitation', '环卫所', 'Sanitation');

CREATE TABLE department_task (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incident (id),
    department  text NOT NULL REFERENCES department (code),
    status      text NOT NULL DEFAULT 'called' CHECK (status IN ('called', 'arrived', 'done')),
    called_at   timestamptz NOT NULL DEFAULT now(),
    arrived_at  timestamptz,
    done_at     timestamptz,
    called_by   text NOT NULL
);
CREATE INDEX department_task_incident_idx ON department_task (incident_id);

-- Importing history (the demo, or cases moved from an older system): a writer may date its
-- events with SET LOCAL gisapp.at = '…'. Live writers leave it unset and get the clock.
CREATE FUNCTION gisapp_event_time() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.at := coalesce(nullif(current_setting('gisapp.at', true), '')::timestamptz, NEW.at);
    RETURN NEW;
END $$;
CREATE TRIGGER incident_event_time BEFORE INSERT ON incident_event
    FOR EACH ROW EXECUTE FUNCTION gisapp_event_time();

-- Photos and documents attached to an event (a handler's feedback photo, say). Append-only too.
CREATE TABLE attachment (
    id           bigserial PRIMARY KEY,
    incident_id  bigint NOT NULL REFERENCES incident (id),
    event_id     bigint NOT NULL REFERENCES incident_event (id),
    filename     text NOT NULL CHECK (filename <> '' AND length(filename) <= 200),
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    size         integer NOT NULL CHECK (size > 0),
    sha256       text NOT NULL,
    content      bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (size = length(content))
);
CREATE INDEX attachment_event_idx ON attachment (event_id);
CREATE TRIGGER attachment_append_only BEFORE UPDATE OR DELETE ON attachment
    FOR EACH ROW EXECUTE FUNCTION gisapp_append_only();
