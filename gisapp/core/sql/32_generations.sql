-- A generation's life (issue 10): drafts are edited, active and retired generations are frozen for
-- every writer (the app, psql, QGIS), and a new draft starts as a copy that remembers where each of its
-- areas came from (area.origin_id, generation.based_on).

-- Geometry, parent, level and code of an area decide where cases, buildings and checkpoints belong;
-- changed in a live generation, every stored assignment would silently go stale. So they change only in
-- drafts, and areas are added and removed only there. Names, population and the responsible person
-- may change anywhere. Deleting a whole generation (cascade: its row is already gone) is not refused.
CREATE OR REPLACE FUNCTION gisapp_area_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r area%ROWTYPE;
    gen_state text;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    IF TG_OP = 'UPDATE' THEN
        IF ST_AsEWKB(NEW.geom) IS NOT DISTINCT FROM ST_AsEWKB(OLD.geom) AND NEW.parent_id IS NOT DISTINCT FROM OLD.parent_id
           AND NEW.level = OLD.level AND NEW.code = OLD.code AND NEW.generation_id = OLD.generation_id THEN
            RETURN NEW;
        END IF;
        IF NEW.generation_id <> OLD.generation_id THEN   -- moved out of a frozen generation
            SELECT state INTO gen_state FROM generation WHERE id = OLD.generation_id;
            IF gen_state <> 'draft' THEN r := OLD; END IF;
        END IF;
    END IF;
    SELECT state INTO gen_state FROM generation WHERE id = r.generation_id;
    IF gen_state <> 'draft' THEN
        PERFORM gisapp_fail('GS409', 'generation_id',
            format('area %s is in generation %s, which is %s: change boundaries in a draft '
                   '(gisapp generations new), then activate it', r.code, r.generation_id, gen_state),
            'area_frozen', jsonb_build_object('code', r.code, 'generation', r.generation_id, 'state', gen_state));
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;

-- Every change to an area's row counts up its version: the planner's editor saves "version N", and a
-- save made on an older version is refused instead of overwriting someone else's edit.
CREATE OR REPLACE FUNCTION gisapp_area_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END $$;

-- A new draft: every area of generation src, copied with its parent links and its origin. Returns the
-- new generation's number.
CREATE OR REPLACE FUNCTION gisapp_generation_copy(src integer, about text DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    gen integer;
    lvl area_level;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM generation WHERE id = src) THEN
        PERFORM gisapp_fail('GS404', 'from', format('no generation %s', src), 'no_generation',
                            jsonb_build_object('generation', src));
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('gisapp_generation_copy'));   -- two copies at once get two numbers
    SELECT coalesce(max(id), 0) + 1 INTO gen FROM generation;
    INSERT INTO generation (id, description, based_on, synthetic)
    SELECT gen, coalesce(about, format('draft from generation %s', src)), src, g.synthetic
    FROM generation g WHERE g.id = src;
    FOREACH lvl IN ARRAY enum_range(NULL::area_level) LOOP     -- parents first, found by their origin
        INSERT INTO area (generation_id, level, code, name, parent_id, population, households,
                          responsible_name, responsible_phone, geom, origin_id)
        SELECT gen, a.level, a.code, a.name, np.id, a.population, a.households,
               a.responsible_name, a.responsible_phone, a.geom, a.id
        FROM area a LEFT JOIN area np ON np.origin_id = a.parent_id AND np.generation_id = gen
        WHERE a.generation_id = src AND a.level = lvl
        ORDER BY a.id;
    END LOOP;
    RETURN gen;
END $$;
