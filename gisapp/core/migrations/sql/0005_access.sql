-- gisapp schema, revision 0005: who may do what. Users with one role each (workers scoped to an area
-- code, departments to a department), bearer tokens and one-time sign-in links (stored as hashes),
-- the audit record, the user behind each event, and client_ref scoped to the client that sent it.

CREATE TABLE user_role (
    code          text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]*$'),
    sort          smallint NOT NULL UNIQUE,
    label         text NOT NULL,            -- an English msgid
    personal_data boolean NOT NULL          -- may see names and phone numbers unmasked
);
INSERT INTO user_role (code, sort, label, personal_data) VALUES
    ('admin',      10, 'Administrator',       true),
    ('operator',   20, 'Operator',            true),
    ('planner',    30, 'Planner',             false),
    ('worker',     40, 'Grid worker',         true),
    ('department', 50, 'Department',          false),
    ('viewer',     60, 'Viewer (big screen)', false);

CREATE TABLE app_user (
    id                  bigserial PRIMARY KEY,
    name                text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{1,39}$'),   -- the login
    display_name        text NOT NULL CHECK (display_name = btrim(display_name)
                                             AND char_length(display_name) BETWEEN 1 AND 100),
    role                text NOT NULL REFERENCES user_role (code),
    area_code           text CHECK (area_code <> ''),     -- a worker's area, at any level, in any generation
    department          text REFERENCES department (code),
    password_hash       text,                             -- a KDF hash (scrypt); NULL: signs in by link only
    disabled            boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz,
    CONSTRAINT app_user_worker_area CHECK ((role = 'worker') = (area_code IS NOT NULL)),
    CONSTRAINT app_user_department CHECK ((role = 'department') = (department IS NOT NULL))
);

CREATE TABLE api_token (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES app_user (id),
    token_hash   text NOT NULL UNIQUE,       -- sha256 of the token; the token itself is shown once
    label        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);

CREATE TABLE login_link (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES app_user (id),
    token_hash text NOT NULL UNIQUE,
    next_path  text NOT NULL DEFAULT '/' CHECK (next_path LIKE '/%' AND next_path NOT LIKE '//%'),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz
);

-- Who did what, when and from where: logins, denials, user and boundary changes, tokens.
-- The app's database role may only add to it (grants); case history stays in incident_event.
CREATE TABLE audit_log (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    user_id bigint REFERENCES app_user (id),
    actor   text NOT NULL,
    action  text NOT NULL CHECK (action ~ '^[a-z][a-z_.]*$'),
    target  text NOT NULL DEFAULT '',
    detail  jsonb NOT NULL DEFAULT '{}',
    ip      inet
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

ALTER TABLE incident_event ADD COLUMN user_id bigint REFERENCES app_user (id);

-- A client_ref is its sender's: two clients may use the same ref, and a guessed ref finds nothing.
ALTER TABLE incident ADD COLUMN reported_by bigint REFERENCES app_user (id);
ALTER TABLE incident DROP CONSTRAINT incident_client_ref_key;
CREATE UNIQUE INDEX incident_client_ref_per_sender ON incident ((coalesce(reported_by, 0)), client_ref);
