-- Planners redraw the grid (issue 10): drafts copied from a generation keep each area's identity, the
-- diff between two generations is stored data, and the words of validation and diff are tables.
-- The rules themselves (frozen generations, versions, copy, validate, diff) are in core/sql/32–34.

-- Lineage: the generation a draft was copied from, and the area each of its areas came from, so
-- "unchanged / changed / new / gone" is data and a case can follow its area across generations.
ALTER TABLE generation ADD COLUMN based_on integer REFERENCES generation (id) ON DELETE SET NULL;
ALTER TABLE area ADD COLUMN origin_id bigint REFERENCES area (id) ON DELETE SET NULL;
CREATE INDEX area_origin_idx ON area (origin_id);
-- Two planners on one area: a save names the version it read, and the second one is refused.
ALTER TABLE area ADD COLUMN version integer NOT NULL DEFAULT 1;

-- What validation finds. A blocking problem stops activation; the others are warnings. Invalid
-- geometry and duplicate codes are not here: area's own constraints refuse them when they are written.
CREATE TABLE boundary_problem (
    code     text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]*$'),
    sort     smallint NOT NULL UNIQUE,
    label    text NOT NULL,        -- an English msgid; the catalogs translate it
    blocking boolean NOT NULL
);
INSERT INTO boundary_problem (code, sort, label, blocking) VALUES
    ('orphan',          30, 'No parent',                     true),
    ('outside_parent',  40, 'Outside its parent',            true),
    ('overlap',         50, 'Overlaps a sibling',            true),
    ('gap',             60, 'Gap in its parent',             true),
    ('split_building',  70, 'Building split between areas',  true),
    ('lost_checkpoint', 80, 'Checkpoint outside every area', true),
    ('sliver',          90, 'Sliver',                        false),
    ('no_responsible', 100, 'No responsible person',         false),
    ('no_population',  110, 'No population',                 false);

-- How an area of one generation relates to another generation's (OCHA's boundary change classes), with
-- its colour on the planner's map.
CREATE TABLE change_class (
    code   text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]*$'),
    sort   smallint NOT NULL UNIQUE,
    label  text NOT NULL,      -- an English msgid
    colour text NOT NULL CHECK (colour ~ '^#[0-9a-f]{6}$')
);
INSERT INTO change_class (code, sort, label, colour) VALUES
    ('unchanged', 10, 'Unchanged', '#bdbdbd'),
    ('renamed',   20, 'Renamed',   '#80b1d3'),
    ('recoded',   30, 'Recoded',   '#8dd3c7'),
    ('reshaped',  40, 'Reshaped',  '#fdb462'),
    ('split',     50, 'Split',     '#fb8072'),
    ('merged',    60, 'Merged',    '#bc80bd'),
    ('new',       70, 'New',       '#b3de69'),
    ('removed',   80, 'Removed',   '#6a3d9a');

-- The stored diff of generation_id against against_id, one row per link between an area and an area of
-- against_id that it continues or replaces (a merged area has one per merged area); an area linked to
-- none is new (previous_id NULL), and an area of against_id that nothing continues is removed (area_id
-- NULL). Every row of one area carries the same class.
CREATE TABLE area_change (
    id            bigserial PRIMARY KEY,
    generation_id integer NOT NULL REFERENCES generation (id) ON DELETE CASCADE,
    against_id    integer NOT NULL REFERENCES generation (id) ON DELETE CASCADE,
    level         area_level NOT NULL,
    area_id       bigint REFERENCES area (id) ON DELETE CASCADE,
    previous_id   bigint REFERENCES area (id) ON DELETE CASCADE,
    class         text NOT NULL REFERENCES change_class (code),
    iou           double precision CHECK (iou BETWEEN 0 AND 1),   -- intersection over union of the two
    kept          double precision CHECK (kept BETWEEN 0 AND 1),  -- share of the previous area inside this one
    computed_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (area_id IS NOT NULL OR previous_id IS NOT NULL),
    CHECK ((area_id IS NULL) = (class = 'removed'))
);
CREATE INDEX area_change_pair_idx ON area_change (generation_id, against_id);
CREATE INDEX area_change_area_idx ON area_change (area_id);
CREATE INDEX area_change_previous_idx ON area_change (previous_id);

-- The planner's edits of a draft, newest last, each with the rows it changed or removed as they were
-- (geometry as hex EWKB, so an undo restores the same bytes) and the areas it added: undo replays one
-- backwards. Two planners on one area: a save on an older version is refused with the edit that changed it.
CREATE TABLE area_edit (
    id            bigserial PRIMARY KEY,
    generation_id integer NOT NULL REFERENCES generation (id) ON DELETE CASCADE,
    at            timestamptz NOT NULL DEFAULT now(),
    actor         text NOT NULL,
    action        text NOT NULL CHECK (action IN ('draw', 'transfer', 'split', 'merge', 'attributes', 'undo')),
    summary       jsonb NOT NULL DEFAULT '{}',     -- what was done, by area code, for lists and messages
    before        jsonb NOT NULL DEFAULT '[]',     -- area rows as they were
    created       bigint[] NOT NULL DEFAULT '{}',  -- areas it added
    touched       bigint[] NOT NULL DEFAULT '{}',  -- every area it changed, added or removed
    after         jsonb NOT NULL DEFAULT '[]',     -- those rows as it left them: undo refuses if they changed
    undone_by     bigint REFERENCES area_edit (id)
);
CREATE INDEX area_edit_generation_idx ON area_edit (generation_id, id);
