-- The operator's desk (issue 14): what an event is called once done, departments and the categories
-- they usually serve, and the source channels' names. Tables and data only (functions: core/sql/).

-- A button says what to do ("Accept"); the timeline says what was done ("Accepted").
ALTER TABLE case_action ADD COLUMN done_label text;
UPDATE case_action a SET done_label = d.label FROM (VALUES
    ('report', 'Reported'), ('update', 'Updated'), ('reassign', 'Reassigned'), ('place', 'Placed on the map'),
    ('accept', 'Accepted'), ('start', 'Started'), ('feedback', 'Feedback given'), ('verify', 'Verified'),
    ('reject', 'Sent back'), ('close', 'Closed'), ('evaluate', 'Called back'), ('reopen', 'Reopened'),
    ('cancel', 'Cancelled'), ('escalate', 'Escalated'), ('deescalate', 'Handed back down'),
    ('merge', 'Merged as a duplicate'), ('keep', 'Kept apart from the possible duplicate'),
    ('callout', 'Department called'), ('department_arrived', 'Department arrived'),
    ('department_done', 'Department done')) AS d(code, label)
WHERE a.code = d.code;
UPDATE case_action SET done_label = label WHERE done_label IS NULL;
ALTER TABLE case_action ALTER COLUMN done_label SET NOT NULL,
    ADD CONSTRAINT case_action_done_label_check CHECK (done_label <> '');

-- Actions that destroy or hide a case's work: the console puts them last and asks first.
ALTER TABLE case_action ADD COLUMN destructive boolean NOT NULL DEFAULT false;
UPDATE case_action SET destructive = true WHERE code IN ('cancel', 'merge');

INSERT INTO department VALUES ('drainage', '排水公司', 'Drainage company')
ON CONFLICT (code) DO NOTHING;

-- The departments a category usually needs, in the order the call-out dialog proposes them.
CREATE TABLE department_category (
    category   text NOT NULL REFERENCES category (code) ON DELETE CASCADE,
    department text NOT NULL REFERENCES department (code) ON DELETE CASCADE,
    rank       smallint NOT NULL DEFAULT 1 CHECK (rank > 0),
    PRIMARY KEY (category, department)
);
INSERT INTO department_category (category, department, rank) VALUES
    ('power', 'power', 1), ('lighting', 'power', 1), ('lighting', 'city_management', 2),
    ('water', 'water', 1), ('drainage', 'drainage', 1), ('drainage', 'water', 2),
    ('road', 'city_management', 1), ('road', 'housing', 2), ('appearance', 'city_management', 1),
    ('sanitation', 'sanitation', 1), ('environment', 'sanitation', 1), ('environment', 'city_management', 2),
    ('safety_hazard', 'fire', 1), ('safety_hazard', 'housing', 2), ('safety_hazard', 'police', 3),
    ('traffic', 'police', 1), ('noise', 'police', 1), ('noise', 'city_management', 2),
    ('dispute', 'police', 1), ('facilities', 'housing', 1), ('facilities', 'city_management', 2);

-- How a report came in, named for people (the timeline shows the channel, not a machine name).
CREATE TABLE report_source (
    code  text PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    sort  smallint NOT NULL UNIQUE
);
INSERT INTO report_source VALUES ('app', 'App', 1), ('qr', 'QR code', 2), ('hotline', 'Hotline', 3),
    ('patrol', 'Grid patrol', 4), ('camera', 'Camera', 5), ('open311', 'Open311', 6);
-- The channels are this table's rows from now on, not a list written into a CHECK.
ALTER TABLE incident DROP CONSTRAINT incident_source_check,
    ADD CONSTRAINT incident_source_fkey FOREIGN KEY (source) REFERENCES report_source (code);

-- Named places people search for (东方明珠, a park, a metro entrance), from the basemap's OSM points.
CREATE TABLE poi (
    id     bigserial PRIMARY KEY,
    name   text NOT NULL CHECK (name <> '' AND char_length(name) <= 200),
    kind   text NOT NULL DEFAULT '' CHECK (char_length(kind) <= 60),
    osm_id bigint,
    geom   geometry(Point, 4326) NOT NULL
);
CREATE INDEX poi_geom_idx ON poi USING gist (geom);
CREATE INDEX basemap_feature_name_idx ON basemap_feature (name) WHERE name <> '';
