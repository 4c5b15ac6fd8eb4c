-- gisapp schema, revision 0001: tables and the constraints every client must obey.
-- Functions and triggers are in 0001_crs.sql and 0001_assign.sql.

CREATE EXTENSION IF NOT EXISTS postgis;

-- Ordered: a parent's level must sort before its child's (see area_check_parent).
CREATE TYPE area_level AS ENUM ('district', 'street', 'community', 'grid', 'micro_grid');

-- Settings that triggers read, so psql and QGIS writers get the same behaviour as the app.
CREATE TABLE app_setting (
    key   text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO app_setting (key, value) VALUES ('snap_metres', '50');

-- A numbered boundary version (MapIt's Generation).
CREATE TABLE generation (
    id           integer PRIMARY KEY CHECK (id > 0),
    state        text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'active', 'retired')),
    description  text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    activated_at timestamptz,
    retired_at   timestamptz
);
CREATE UNIQUE INDEX generation_one_active ON generation ((true)) WHERE state = 'active';

CREATE TABLE area (
    id                bigserial PRIMARY KEY,
    generation_id     integer NOT NULL REFERENCES generation (id) ON DELETE CASCADE,
    level             area_level NOT NULL,
    code              text NOT NULL CHECK (code <> ''),
    name              text NOT NULL,
    parent_id         bigint REFERENCES area (id) ON DELETE CASCADE,
    population        integer CHECK (population >= 0),
    households        integer CHECK (households >= 0),
    responsible_name  text,
    responsible_phone text,
    geom              geometry(MultiPolygon, 4326) NOT NULL,
    area_m2           double precision GENERATED ALWAYS AS (ST_Area(geom::geography)) STORED,
    CONSTRAINT area_code_unique UNIQUE (generation_id, code),
    CONSTRAINT area_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))
);
CREATE INDEX area_geom_idx ON area USING gist (geom);
CREATE INDEX area_parent_idx ON area (parent_id);
CREATE INDEX area_generation_level_idx ON area (generation_id, level);

-- ST_Subdivide pieces of every area, kept in sync by trigger: small boxes make lookups fast.
CREATE TABLE area_piece (
    id            bigserial PRIMARY KEY,
    area_id       bigint NOT NULL REFERENCES area (id) ON DELETE CASCADE,
    generation_id integer NOT NULL,
    geom          geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX area_piece_geom_idx ON area_piece USING gist (geom);
CREATE INDEX area_piece_area_idx ON area_piece (area_id);

CREATE TABLE category (
    code     text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    name_zh  text NOT NULL,
    name_en  text NOT NULL,
    snapshot boolean NOT NULL DEFAULT false,  -- one of the eight 随手拍 kinds
    urgent   boolean NOT NULL DEFAULT false,
    sort     integer NOT NULL DEFAULT 0,
    active   boolean NOT NULL DEFAULT true
);
INSERT INTO category (code, name_zh, name_en, snapshot, urgent, sort) VALUES
    ('environment',   '环境保护', 'Environment',         true,  false, 10),
    ('appearance',    '市容市貌', 'City appearance',     true,  false, 20),
    ('facilities',    '公共设施', 'Public facilities',   true,  false, 30),
    ('safety_hazard', '安全隐患', 'Safety hazard',       true,  true,  40),
    ('traffic',       '交通出行', 'Traffic',             true,  false, 50),
    ('noise',         '噪音扰民', 'Noise',               true,  false, 60),
    ('dispute',       '矛盾纠纷', 'Dispute',             true,  false, 70),
    ('services',      '民生服务', 'Community services',  true,  false, 80),
    ('power',         '停电',     'Power outage',        false, true,  110),
    ('water',         '停水供水', 'Water supply',        false, true,  120),
    ('drainage',      '排水积水', 'Drainage',            false, false, 130),
    ('lighting',      '路灯照明', 'Street lighting',     false, false, 140),
    ('road',          '道路破损', 'Road damage',         false, false, 150),
    ('sanitation',    '环境卫生', 'Sanitation',          false, false, 160),
    ('other',         '其他',     'Other',               false, false, 999);

CREATE TABLE building (
    id         bigserial PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code <> ''),
    name       text NOT NULL DEFAULT '',
    address    text NOT NULL DEFAULT '',
    households integer CHECK (households >= 0),
    osm_id     bigint,
    geom       geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    point      geometry(Point, 4326) GENERATED ALWAYS AS (ST_PointOnSurface(geom)) STORED,
    area_id    bigint REFERENCES area (id) ON DELETE SET NULL
);
CREATE INDEX building_geom_idx ON building USING gist (geom);
CREATE INDEX building_area_idx ON building (area_id);

CREATE TABLE checkpoint (
    id        bigserial PRIMARY KEY,
    code      text NOT NULL UNIQUE CHECK (code <> ''),
    kind      text NOT NULL CHECK (kind IN ('gate', 'camera', 'junction')),
    name      text NOT NULL,
    status    text NOT NULL DEFAULT 'online' CHECK (status IN ('online', 'offline')),
    last_seen timestamptz,
    osm_id    bigint,
    geom      geometry(Point, 4326) NOT NULL,
    area_id   bigint REFERENCES area (id) ON DELETE SET NULL
);
CREATE INDEX checkpoint_geom_idx ON checkpoint USING gist (geom);

CREATE TABLE incident (
    id            bigserial PRIMARY KEY,
    client_ref    text UNIQUE CHECK (client_ref <> ''),
    category      text NOT NULL REFERENCES category (code),
    description   text NOT NULL DEFAULT '' CHECK (char_length(description) <= 4000),
    source        text NOT NULL DEFAULT 'app'
                  CHECK (source IN ('app', 'qr', 'hotline', 'patrol', 'camera', 'open311')),
    geom          geometry(Point, 4326),
    input_crs     text NOT NULL DEFAULT 'wgs84' CHECK (input_crs IN ('wgs84', 'gcj02', 'bd09')),
    input_lon     double precision,  -- the coordinates as given, before conversion
    input_lat     double precision,
    building_id   bigint REFERENCES building (id),
    urgent        boolean NOT NULL DEFAULT false,
    reported_at   timestamptz NOT NULL DEFAULT now(),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    status        text NOT NULL DEFAULT 'reported' CHECK (status IN (
                      'reported', 'unlocated', 'assigned', 'accepted', 'in_progress', 'feedback',
                      'verified', 'closed', 'evaluated', 'reopened', 'cancelled')),
    version       integer NOT NULL DEFAULT 1,
    generation_id integer REFERENCES generation (id),
    district_id   bigint REFERENCES area (id),
    street_id     bigint REFERENCES area (id),
    community_id  bigint REFERENCES area (id),
    grid_id       bigint REFERENCES area (id),
    micro_grid_id bigint REFERENCES area (id),
    snapped_m     double precision CHECK (snapped_m >= 0),  -- set when placed in the nearest area
    CONSTRAINT incident_lonlat_range CHECK (
        geom IS NULL OR (ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90)),
    CONSTRAINT incident_input_pair CHECK ((input_lon IS NULL) = (input_lat IS NULL))
);
CREATE INDEX incident_geom_idx ON incident USING gist (geom);
CREATE INDEX incident_status_idx ON incident (status);
CREATE INDEX incident_reported_idx ON incident (reported_at);
CREATE INDEX incident_grid_idx ON incident (grid_id);
CREATE INDEX incident_micro_grid_idx ON incident (micro_grid_id);

-- Append-only history: a trigger refuses UPDATE, DELETE and TRUNCATE.
CREATE TABLE incident_event (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incident (id),
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor       text NOT NULL,
    action      text NOT NULL,
    from_status text,
    to_status   text,
    note        text NOT NULL DEFAULT '',
    data        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX incident_event_incident_idx ON incident_event (incident_id, id);
