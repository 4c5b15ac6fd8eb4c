-- Generations, areas and the assignment rule, for every writer (API, bulk import, psql, QGIS).
--
-- The rule for a point, documented in README ("How a report finds its area"):
--   0. Owners are grids and micro-grids (or, in a generation with no grids, its deepest level).
--   1. Among owner areas of the active generation whose pieces COVER the point (boundary
--      included), take the deepest level; ties (a point on a shared edge or vertex) go to the
--      smallest area in m², then the lowest code. So there is never more than one owner.
--   2. None covers it: the nearest owner area within app_setting 'snap_metres' (0 = off),
--      by distance, then the same tie-break; snapped_m records the distance.
--   3. Still none: status 'unlocated'; the report is kept and an operator places it.
-- The chain (micro-grid → … → district) is the leaf and its ancestors via parent_id.

CREATE OR REPLACE FUNCTION gisapp_active_generation() RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT id FROM generation WHERE state = 'active'
$$;

-- Generations: at most one active (unique index); once any was activated, exactly one.
CREATE OR REPLACE FUNCTION gisapp_generation_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM generation WHERE state <> 'draft')
       AND NOT EXISTS (SELECT 1 FROM generation WHERE state = 'active') THEN
        RAISE EXCEPTION 'exactly one generation must be active: activate another one instead'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION gisapp_generation_no_back_to_draft() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'draft' AND NEW.state = 'draft' THEN
        RAISE EXCEPTION 'generation % was %: it cannot return to draft', OLD.id, OLD.state
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

-- Maps cache area geometry per generation; tell every listener when the generation changes.
CREATE OR REPLACE FUNCTION gisapp_generation_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gisapp_generation', json_build_object('generation', NEW.id)::text);
    RETURN NULL;
END $$;

-- Areas: the parent is in the same generation and at a higher level.
CREATE OR REPLACE FUNCTION gisapp_area_check_parent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p area%ROWTYPE;
BEGIN
    IF NEW.parent_id IS NOT NULL THEN
        SELECT * INTO p FROM area WHERE id = NEW.parent_id;
        IF p.generation_id <> NEW.generation_id THEN
            RAISE EXCEPTION 'area %: parent % is in generation %, not %',
                NEW.code, p.code, p.generation_id, NEW.generation_id USING ERRCODE = 'check_violation';
        END IF;
        IF p.level >= NEW.level THEN
            RAISE EXCEPTION 'area % (%): parent % is a %, which is not above it',
                NEW.code, NEW.level, p.code, p.level USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.level <> OLD.level
       AND EXISTS (SELECT 1 FROM area c WHERE c.parent_id = NEW.id AND c.level <= NEW.level) THEN
        RAISE EXCEPTION 'area %: a child would no longer be below level %', NEW.code, NEW.level
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION gisapp_area_sync_pieces() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM area_piece WHERE area_id = NEW.id;
    INSERT INTO area_piece (area_id, generation_id, level, rank, geom)
    SELECT NEW.id, NEW.generation_id, NEW.level, gisapp_area_rank(NEW.area_m2, NEW.code), d.geom
    FROM ST_Subdivide(NEW.geom, 64) AS s(piece), ST_Dump(s.piece) AS d
    WHERE GeometryType(d.geom) = 'POLYGON';
    RETURN NULL;
END $$;

-- Rule 0: the coarsest level that may own a report in a generation.
CREATE OR REPLACE FUNCTION gisapp_owner_level(gen integer) RETURNS area_level
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    -- min() and max() over the (generation_id, level) index: a generic plan may answer EXISTS by
    -- reading every area of every generation when the answer is no.
    IF (SELECT min(level) FROM area WHERE generation_id = gen AND level >= 'grid') = 'grid' THEN
        RETURN 'grid';
    END IF;
    RETURN (SELECT max(level) FROM area WHERE generation_id = gen);
END $$;

-- Rule 1's tie-break among areas of one level, the smallest in m² then the lowest code, as one sortable
-- key. Each piece carries its area's (area_piece.rank, kept by the trigger above), so every lookup,
-- one point or a batch, sorts its covering pieces without reading areas.
CREATE OR REPLACE FUNCTION gisapp_area_rank(area_m2 double precision, code text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_char(area_m2, 'FM0000000000000000.000000') || ' ' || code
$$;

-- Rule 1 among the areas of `lowest` level and below: the deepest covering the point, then the tie-break
-- (none for a NULL point, which skips the probe). LANGUAGE sql and one query, so the planner inlines it
-- where it is called; given the literal 'grid', the probe reads the owner levels' own index.
CREATE OR REPLACE FUNCTION gisapp_covering_at(pt geometry, gen integer, lowest area_level)
RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
    SELECT p.area_id FROM area_piece p
    WHERE p.level >= lowest AND p.generation_id = gen AND ST_Covers(p.geom, pt)
    ORDER BY p.level DESC, p.rank LIMIT 1
$$;

-- Rules 0 and 1 for the set-based paths (the bulk path, activation), given the generation's owner level:
-- inlined into the caller's LATERAL join, one index probe per point.
CREATE OR REPLACE FUNCTION gisapp_covering_owner(pt geometry, gen integer, owner area_level)
RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
    SELECT c FROM gisapp_covering_at(pt, gen, 'grid') c WHERE owner >= 'grid'
    UNION ALL
    SELECT c FROM gisapp_covering_at(pt, gen, owner) c WHERE owner < 'grid'
$$;

-- The deepest owner area covering a point; rules 0 and 1 above, for one point.
-- plpgsql, not LANGUAGE sql: its query plan is cached per session instead of made on every call.
CREATE OR REPLACE FUNCTION gisapp_locate(pt geometry, gen integer) RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    hit bigint;
    owner area_level;
BEGIN
    -- Nearly every generation has grids, so try their owners first without asking: one probe of the
    -- owner levels' own index. Only when it misses, rule 0 for a generation without grids.
    SELECT c INTO hit FROM gisapp_covering_at(pt, gen, 'grid') c;
    IF hit IS NULL THEN
        owner := gisapp_owner_level(gen);
        IF owner < 'grid' THEN
            SELECT c INTO hit FROM gisapp_covering_at(pt, gen, owner) c;
        END IF;
    END IF;
    RETURN hit;
END $$;

-- The nearest area within max_m metres; rule 2 above.
CREATE OR REPLACE FUNCTION gisapp_nearest(pt geometry, gen integer, max_m double precision,
                                          OUT area_id bigint, OUT distance_m double precision,
                                          owner area_level DEFAULT NULL)   -- a batch knows it already
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    IF max_m <= 0 THEN
        RETURN;
    END IF;
    owner := coalesce(owner, gisapp_owner_level(gen));
    IF owner >= 'grid' THEN   -- the owner levels' own index (rule 0: nearly every generation)
        SELECT p.area_id, ST_Distance(p.geom::geography, pt::geography) AS d INTO area_id, distance_m
        FROM area_piece p
        WHERE p.level >= 'grid' AND p.generation_id = gen AND p.level >= owner
          -- a loose bound in degrees lets the GiST index cut the search before the exact test
          AND ST_DWithin(p.geom, pt, max_m / (110000.0 * greatest(cosd(ST_Y(pt)), 0.01)))
          AND ST_DWithin(p.geom::geography, pt::geography, max_m)
        ORDER BY d, p.level DESC, p.rank
        LIMIT 1;
        RETURN;
    END IF;
    SELECT p.area_id, ST_Distance(p.geom::geography, pt::geography) AS d INTO area_id, distance_m
    FROM area_piece p
    WHERE p.generation_id = gen AND p.level >= owner
      AND ST_DWithin(p.geom, pt, max_m / (110000.0 * greatest(cosd(ST_Y(pt)), 0.01)))
      AND ST_DWithin(p.geom::geography, pt::geography, max_m)
    ORDER BY d, p.level DESC, p.rank
    LIMIT 1;
END $$;

-- The area chain of one report, as the incident columns want it.
CREATE OR REPLACE FUNCTION gisapp_assign(pt geometry, building bigint,
    OUT generation_id integer, OUT district_id bigint, OUT street_id bigint,
    OUT community_id bigint, OUT grid_id bigint, OUT micro_grid_id bigint,
    OUT snapped_m double precision)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    leaf_area bigint;
    cur bigint;
    up bigint;
    lvl area_level;
BEGIN
    generation_id := gisapp_active_generation();
    IF generation_id IS NULL THEN
        RETURN;
    END IF;
    IF building IS NOT NULL THEN  -- the QR-code flow: the building's own micro-grid wins
        SELECT b.area_id INTO leaf_area FROM building b JOIN area a ON a.id = b.area_id
        WHERE b.id = building AND a.generation_id = gisapp_assign.generation_id;
    END IF;
    IF leaf_area IS NULL AND pt IS NOT NULL THEN
        leaf_area := gisapp_locate(pt, generation_id);
        IF leaf_area IS NULL THEN
            SELECT n.area_id, n.distance_m INTO leaf_area, snapped_m
            FROM gisapp_nearest(pt, generation_id, gisapp_setting('snap_metres', '0')::double precision) n;
        END IF;
    END IF;
    -- Up the parents, one key lookup per level (a join here could be planned over every area of a city).
    cur := leaf_area;
    WHILE cur IS NOT NULL LOOP
        SELECT a.level, a.parent_id INTO lvl, up FROM area a WHERE a.id = cur;
        CASE lvl
            WHEN 'district' THEN district_id := cur;
            WHEN 'street' THEN street_id := cur;
            WHEN 'community' THEN community_id := cur;
            WHEN 'grid' THEN grid_id := cur;
            ELSE micro_grid_id := cur;
        END CASE;
        cur := up;
    END LOOP;
END $$;

-- Every area of a generation with its chain as the incident columns want it, all at once: the
-- set-based twin of gisapp_assign's chain (bulk intake, activation). A chain is at most five deep.
CREATE OR REPLACE FUNCTION gisapp_chains(gen integer)
RETURNS TABLE (leaf bigint, leaf_level area_level, district_id bigint, street_id bigint,
               community_id bigint, grid_id bigint, micro_grid_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT a0.id, a0.level,
           CASE 'district'::area_level WHEN a0.level THEN a0.id WHEN a1.level THEN a1.id WHEN a2.level THEN a2.id
                WHEN a3.level THEN a3.id WHEN a4.level THEN a4.id END,
           CASE 'street'::area_level WHEN a0.level THEN a0.id WHEN a1.level THEN a1.id WHEN a2.level THEN a2.id
                WHEN a3.level THEN a3.id WHEN a4.level THEN a4.id END,
           CASE 'community'::area_level WHEN a0.level THEN a0.id WHEN a1.level THEN a1.id WHEN a2.level THEN a2.id
                WHEN a3.level THEN a3.id WHEN a4.level THEN a4.id END,
           CASE 'grid'::area_level WHEN a0.level THEN a0.id WHEN a1.level THEN a1.id WHEN a2.level THEN a2.id
                WHEN a3.level THEN a3.id WHEN a4.level THEN a4.id END,
           CASE 'micro_grid'::area_level WHEN a0.level THEN a0.id WHEN a1.level THEN a1.id WHEN a2.level THEN a2.id
                WHEN a3.level THEN a3.id WHEN a4.level THEN a4.id END
    FROM area a0
    LEFT JOIN area a1 ON a1.id = a0.parent_id
    LEFT JOIN area a2 ON a2.id = a1.parent_id
    LEFT JOIN area a3 ON a3.id = a2.parent_id
    LEFT JOIN area a4 ON a4.id = a3.parent_id
    WHERE a0.generation_id = gen
$$;

-- Who owns a place, as people know it: the codes of an area's chain, top down ("310115/310115005/…"). A case,
-- building or checkpoint keeps its owner across generations exactly when its area's path stays the same
-- (activation's events, the diff's impact and its "population moved" all ask this one view).
CREATE OR REPLACE VIEW area_path AS
SELECT a0.id, a0.generation_id, concat_ws('/', a4.code, a3.code, a2.code, a1.code, a0.code) AS path
FROM area a0
LEFT JOIN area a1 ON a1.id = a0.parent_id
LEFT JOIN area a2 ON a2.id = a1.parent_id
LEFT JOIN area a3 ON a3.id = a2.parent_id
LEFT JOIN area a4 ON a4.id = a3.parent_id;

-- Buildings and checkpoints belong to the deepest area containing them.
CREATE OR REPLACE FUNCTION gisapp_place_feature() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.area_id := gisapp_locate(
        CASE WHEN TG_TABLE_NAME = 'building' THEN ST_PointOnSurface(NEW.geom) ELSE NEW.geom END,
        gisapp_active_generation());
    RETURN NEW;
END $$;

-- The first statuses follow the location (case_status.intake); later workflow statuses are left alone.
CREATE OR REPLACE FUNCTION gisapp_located_status(status text, leaf bigint) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN NOT s.intake THEN status WHEN leaf IS NULL THEN 'unlocated' ELSE 'assigned' END
    FROM case_status s WHERE s.code = status
$$;

-- Switch the active generation in one transaction; its trigger (35_rehome.sql) moves everything that
-- points into areas. Returns how many open cases changed owner (each with its event).
CREATE OR REPLACE FUNCTION gisapp_activate_generation(gen integer) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM generation WHERE id = gen) THEN
        RAISE EXCEPTION 'no generation %', gen USING ERRCODE = 'no_data_found';
    END IF;
    PERFORM set_config('gisapp.rehomed', '0', true);
    UPDATE generation SET state = 'retired', retired_at = now() WHERE state = 'active' AND id <> gen;
    UPDATE generation SET state = 'active', activated_at = now(), retired_at = NULL
    WHERE id = gen AND state <> 'active';
    RETURN current_setting('gisapp.rehomed')::integer;
END $$;

-- An area's name as people tell it apart: every community has a 第2网格, so a grid or micro-grid is
-- named with its community in front ("银城社区·第1网格-微网格01") unless its name already starts with it.
CREATE OR REPLACE FUNCTION gisapp_area_label(p_id bigint) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH RECURSIVE up AS (
        SELECT id, parent_id, level, name, 0 AS depth FROM area WHERE id = p_id
        UNION ALL
        SELECT a.id, a.parent_id, a.level, a.name, up.depth + 1 FROM area a JOIN up ON a.id = up.parent_id
        WHERE up.level > 'community'),
    self AS (SELECT level, name FROM up WHERE depth = 0),
    community AS (SELECT name FROM up WHERE level = 'community')
    SELECT CASE WHEN self.level > 'community' AND community.name IS NOT NULL
                     AND left(self.name, char_length(community.name)) <> community.name
                THEN community.name || '·' || self.name ELSE self.name END
    FROM self LEFT JOIN community ON true
$$;
