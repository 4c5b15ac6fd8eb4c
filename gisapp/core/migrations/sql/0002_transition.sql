-- Owner level, deadlines and duplicate hints, set for every writer right after assignment.
-- Trigger names sort after incident_assign_*, so the area chain is already filled in.
CREATE FUNCTION gisapp_leaf_level(i incident) RETURNS area_level
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN i.micro_grid_id IS NOT NULL THEN 'micro_grid'::area_level
                WHEN i.grid_id IS NOT NULL THEN 'grid' WHEN i.community_id IS NOT NULL THEN 'community'
                WHEN i.street_id IS NOT NULL THEN 'street' WHEN i.district_id IS NOT NULL THEN 'district' END
$$;

CREATE FUNCTION gisapp_chain_id(i incident, lvl area_level) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE lvl WHEN 'micro_grid' THEN i.micro_grid_id WHEN 'grid' THEN i.grid_id
                    WHEN 'community' THEN i.community_id WHEN 'street' THEN i.street_id ELSE i.district_id END
$$;

-- The level a case is owned at before any escalation: its leaf, or the category's auto level above it.
CREATE FUNCTION gisapp_base_level(i incident) RETURNS area_level
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN c.auto_level IS NOT NULL AND c.auto_level < gisapp_leaf_level(i)
                     AND gisapp_chain_id(i, c.auto_level) IS NOT NULL
                THEN c.auto_level ELSE gisapp_leaf_level(i) END
    FROM category c WHERE c.code = i.category
$$;

-- The nearest open case of the same category within the category's radius and time window.
-- A nearest-neighbour walk of the GiST index stops at the first match, so a bulk import of
-- clustered points (311 data repeats addresses) stays linear; the exact distance is checked last.
CREATE FUNCTION gisapp_find_duplicate(cat text, pt geometry, at timestamptz) RETURNS bigint
LANGUAGE plpgsql STABLE SET enable_seqscan = off AS $$
DECLARE
    radius double precision;
    hours double precision;
    found bigint;
    found_geom geometry;
BEGIN
    SELECT dup_radius_m, dup_window_hours INTO radius, hours FROM category WHERE code = cat;
    IF NOT (radius > 0) THEN
        RETURN NULL;
    END IF;
    SELECT o.id, o.geom INTO found, found_geom FROM incident o
    WHERE o.category = cat AND o.duplicate_of IS NULL AND o.geom IS NOT NULL
      AND o.status NOT IN ('closed', 'evaluated', 'cancelled')
      AND o.reported_at BETWEEN at - make_interval(secs => hours * 3600) AND at
    ORDER BY o.geom <-> pt, o.id LIMIT 1;
    IF found IS NOT NULL AND ST_DWithin(found_geom::geography, pt::geography, radius) THEN
        RETURN found;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION gisapp_incident_plan() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    by_calendar boolean;
    base area_level;
    since timestamptz;
BEGIN
    IF TG_OP = 'INSERT' OR NEW.grid_id IS DISTINCT FROM OLD.grid_id OR NEW.micro_grid_id IS DISTINCT FROM OLD.micro_grid_id
       OR NEW.community_id IS DISTINCT FROM OLD.community_id OR NEW.street_id IS DISTINCT FROM OLD.street_id THEN
        base := gisapp_base_level(NEW);
        -- Re-zoning keeps an escalation: a case owned above its base stays at that level if it still has an area there.
        NEW.owner_level := CASE WHEN TG_OP = 'UPDATE' AND OLD.owner_level < base
                                     AND gisapp_chain_id(NEW, OLD.owner_level) IS NOT NULL
                                THEN OLD.owner_level ELSE base END;
    END IF;
    by_calendar := NEW.urgent OR (SELECT urgent FROM category WHERE code = NEW.category);
    IF TG_OP = 'UPDATE' AND NEW.status = 'reopened' AND OLD.status <> 'reopened' THEN
        -- A reopened case gets fresh time to handle and close, counted from now.
        NEW.handle_due := gisapp_due('handle', NEW.category, NEW.owner_level, now(), by_calendar);
        NEW.close_due := gisapp_due('close', NEW.category, NEW.owner_level, now(), by_calendar);
    ELSIF TG_OP = 'INSERT' OR NEW.owner_level IS DISTINCT FROM OLD.owner_level THEN
        -- A new owner level brings its own deadlines, but only for stages not yet passed.
        since := NEW.reported_at;
        IF TG_OP = 'INSERT' OR NEW.status IN ('reported', 'unlocated', 'assigned') THEN
            NEW.accept_due := gisapp_due('accept', NEW.category, NEW.owner_level, since, by_calendar);
        END IF;
        IF TG_OP = 'INSERT' OR NEW.status IN ('reported', 'unlocated', 'assigned', 'accepted', 'in_progress', 'feedback') THEN
            NEW.handle_due := gisapp_due('handle', NEW.category, NEW.owner_level, since, by_calendar);
        END IF;
        IF TG_OP = 'INSERT' OR NEW.status NOT IN ('closed', 'evaluated', 'cancelled') THEN
            NEW.close_due := gisapp_due('close', NEW.category, NEW.owner_level, since, by_calendar);
        END IF;
    END IF;
    IF TG_OP = 'INSERT' AND NEW.geom IS NOT NULL THEN
        NEW.possible_duplicate_of := gisapp_find_duplicate(NEW.category, NEW.geom, NEW.reported_at);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER incident_plan BEFORE INSERT OR UPDATE ON incident
    FOR EACH ROW EXECUTE FUNCTION gisapp_incident_plan();

-- Workflow states change only through gisapp_transition (locating a report is the exception).
CREATE FUNCTION gisapp_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status
       AND NOT (OLD.status IN ('reported', 'unlocated', 'assigned') AND NEW.status IN ('reported', 'unlocated', 'assigned'))
       AND coalesce(current_setting('gisapp.transition', true), '') <> 'on' THEN
        RAISE EXCEPTION 'status % → % must go through gisapp_transition()', OLD.status, NEW.status
            USING ERRCODE = 'GS409', HINT = 'status';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER incident_status_guard BEFORE UPDATE OF status ON incident
    FOR EACH ROW EXECUTE FUNCTION gisapp_status_guard();

CREATE VIEW incident_sla AS
SELECT i.id, i.status, i.owner_level,
       CASE WHEN i.status IN ('reported', 'assigned') THEN i.accept_due
            WHEN i.status IN ('accepted', 'in_progress', 'feedback', 'reopened') THEN i.handle_due
            WHEN i.status = 'verified' THEN i.close_due END AS due,
       CASE WHEN i.status IN ('reported', 'assigned') THEN 'accept'
            WHEN i.status IN ('accepted', 'in_progress', 'feedback', 'reopened') THEN 'handle'
            WHEN i.status = 'verified' THEN 'close' END AS stage
FROM incident i;

CREATE VIEW incident_overdue AS
SELECT s.*, s.due < now() AS overdue FROM incident_sla s;

CREATE FUNCTION gisapp_fail(code text, field text, message text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', message USING ERRCODE = code, HINT = field;
END $$;

-- What may be done to a case now: the table's actions plus escalation and dismissing a duplicate hint.
CREATE FUNCTION gisapp_allowed_actions(p_id bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT array_cat(
        coalesce((SELECT array_agg(t.action ORDER BY t.action) FROM transition t WHERE t.from_status = i.status), '{}'),
        array_remove(ARRAY[
            CASE WHEN open AND i.owner_level > 'district' THEN 'escalate' END,
            CASE WHEN open AND i.owner_level < gisapp_base_level(i) THEN 'deescalate' END,
            CASE WHEN open AND i.possible_duplicate_of IS NOT NULL THEN 'keep' END], NULL))
    FROM incident i, LATERAL (SELECT i.owner_level IS NOT NULL
                                     AND i.status NOT IN ('closed', 'evaluated', 'cancelled') AS open) o
    WHERE i.id = p_id
$$;

-- The case to act on, locked against a second writer; with a named actor.
CREATE FUNCTION gisapp_lock_case(p_id bigint, p_actor text) RETURNS incident
LANGUAGE plpgsql AS $$
DECLARE
    c incident%ROWTYPE;
BEGIN
    IF coalesce(trim(p_actor), '') = '' THEN
        PERFORM gisapp_fail('GS422', 'actor', 'actor is required');
    END IF;
    SELECT * INTO c FROM incident WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM gisapp_fail('GS404', 'id', format('no case %s', p_id));
    END IF;
    RETURN c;
END $$;

-- Apply one action to a case. Returns the case's new version.
CREATE FUNCTION gisapp_transition(p_id bigint, p_action text, p_actor text, p_note text DEFAULT '',
                                  p_version integer DEFAULT NULL, p_data jsonb DEFAULT '{}')
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    c incident%ROWTYPE;
    target text;
    lvl area_level;
    base area_level;
    levels area_level[] := enum_range(NULL::area_level);
    pos integer;
    other bigint;
BEGIN
    c := gisapp_lock_case(p_id, p_actor);
    IF p_version IS NOT NULL AND p_version <> c.version THEN
        PERFORM gisapp_fail('GS409', 'version', format(
            'case %s is at version %s, not %s: someone else changed it first; reload and try again',
            p_id, c.version, p_version));
    END IF;
    PERFORM set_config('gisapp.actor', p_actor, true), set_config('gisapp.action', p_action, true),
            set_config('gisapp.note', coalesce(p_note, ''), true), set_config('gisapp.transition', 'on', true);
    IF p_action = 'keep' THEN  -- the operator looked at the duplicate hint and keeps the case apart
        IF c.possible_duplicate_of IS NULL OR c.status IN ('closed', 'evaluated', 'cancelled') THEN
            PERFORM gisapp_fail('GS409', 'action', format('case %s has no open duplicate hint to dismiss', p_id));
        END IF;
        UPDATE incident SET possible_duplicate_of = NULL WHERE id = p_id;
    ELSIF p_action IN ('escalate', 'deescalate') THEN
        IF c.status IN ('closed', 'evaluated', 'cancelled') OR c.owner_level IS NULL THEN
            PERFORM gisapp_fail('GS409', 'action', format('case %s is %s: it has no owner to move', p_id, c.status));
        END IF;
        IF coalesce(trim(p_note), '') = '' THEN
            PERFORM gisapp_fail('GS422', 'note', 'a reason is required');
        END IF;
        base := gisapp_base_level(c);
        pos := array_position(levels, c.owner_level);
        LOOP  -- the next level in that direction that the case's chain has an area for
            pos := pos + CASE p_action WHEN 'escalate' THEN -1 ELSE 1 END;
            EXIT WHEN pos < 1 OR pos > array_length(levels, 1) OR (p_action = 'deescalate' AND levels[pos] > base);
            IF gisapp_chain_id(c, levels[pos]) IS NOT NULL THEN
                lvl := levels[pos];
                EXIT;
            END IF;
        END LOOP;
        IF lvl IS NULL THEN
            PERFORM gisapp_fail('GS409', 'action', CASE p_action WHEN 'escalate'
                THEN format('case %s is already owned at the top level (%s)', p_id, c.owner_level)
                ELSE format('case %s is not escalated (owned at %s)', p_id, c.owner_level) END);
        END IF;
        UPDATE incident SET owner_level = lvl WHERE id = p_id;
    ELSE
        SELECT to_status INTO target FROM transition WHERE action = p_action AND from_status = c.status;
        IF target IS NULL THEN
            IF NOT EXISTS (SELECT 1 FROM transition WHERE action = p_action) THEN
                PERFORM gisapp_fail('GS422', 'action', format('unknown action %s', p_action));
            END IF;
            PERFORM gisapp_fail('GS409', 'action', format('%s is not allowed when the case is %s; allowed: %s',
                p_action, c.status, coalesce(nullif(array_to_string(gisapp_allowed_actions(p_id), ', '), ''), 'none')));
        END IF;
        IF p_action = 'verify' AND p_actor = (SELECT actor FROM incident_event
                WHERE incident_id = p_id AND action = 'feedback' ORDER BY id DESC LIMIT 1) THEN
            PERFORM gisapp_fail('GS409', 'actor', 'verification must be done by someone other than the handler');
        ELSIF p_action = 'close' AND EXISTS (SELECT 1 FROM department_task WHERE incident_id = p_id AND status <> 'done') THEN
            PERFORM gisapp_fail('GS409', 'action', 'a department task is still open');
        ELSIF p_action = 'evaluate' AND coalesce(p_data ->> 'satisfaction', '') NOT IN ('satisfied', 'basically', 'unsatisfied') THEN
            PERFORM gisapp_fail('GS422', 'satisfaction', 'must be one of satisfied, basically, unsatisfied');
        ELSIF p_action = 'reopen' AND c.satisfaction IS DISTINCT FROM 'unsatisfied' THEN
            PERFORM gisapp_fail('GS409', 'action', 'only a case evaluated as unsatisfied can be reopened');
        ELSIF p_action = 'cancel' AND coalesce(trim(p_note), '') = '' THEN
            PERFORM gisapp_fail('GS422', 'note', 'a reason is required');
        END IF;
        IF p_action = 'merge' THEN
            other := (p_data ->> 'duplicate_of')::bigint;
            IF other IS NULL OR other = p_id OR NOT EXISTS (SELECT 1 FROM incident WHERE id = other AND status <> 'cancelled') THEN
                PERFORM gisapp_fail('GS422', 'duplicate_of', 'must name another case that is not cancelled');
            END IF;
        END IF;
        UPDATE incident
        SET status = target,
            satisfaction = CASE WHEN p_action = 'evaluate' THEN p_data ->> 'satisfaction' ELSE satisfaction END,
            duplicate_of = CASE WHEN p_action = 'merge' THEN other ELSE duplicate_of END,
            possible_duplicate_of = CASE WHEN p_action = 'merge' THEN NULL ELSE possible_duplicate_of END
        WHERE id = p_id;
    END IF;
    -- Leave nothing behind for the transaction's next writer.
    PERFORM set_config('gisapp.transition', '', true), set_config('gisapp.action', '', true),
            set_config('gisapp.note', '', true), set_config('gisapp.actor', '', true);
    RETURN (SELECT version FROM incident WHERE id = p_id);
END $$;

-- An operator puts an unlocated report on the map; the assignment trigger does the rest.
CREATE FUNCTION gisapp_place(p_id bigint, p_lon double precision, p_lat double precision, p_actor text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    c incident%ROWTYPE;
BEGIN
    c := gisapp_lock_case(p_id, p_actor);
    IF c.status <> 'unlocated' THEN
        PERFORM gisapp_fail('GS409', 'action', format('case %s is %s: only unlocated reports are placed', p_id, c.status));
    ELSIF p_lon IS NULL OR p_lat IS NULL OR abs(p_lon) > 180 OR abs(p_lat) > 90 THEN
        PERFORM gisapp_fail('GS422', 'lon', 'lon and lat must be a point on the earth');
    END IF;
    PERFORM set_config('gisapp.actor', p_actor, true), set_config('gisapp.action', 'place', true);
    UPDATE incident SET geom = ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326) WHERE id = p_id;
    PERFORM set_config('gisapp.actor', '', true), set_config('gisapp.action', '', true);
    RETURN (SELECT status FROM incident WHERE id = p_id);
END $$;

-- 吹哨报到: call a department to a case owned at street or district level.
CREATE FUNCTION gisapp_call_department(p_id bigint, p_department text, p_actor text, p_note text DEFAULT '')
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    c incident%ROWTYPE;
    task bigint;
BEGIN
    c := gisapp_lock_case(p_id, p_actor);
    IF c.status IN ('closed', 'evaluated', 'cancelled') THEN
        PERFORM gisapp_fail('GS409', 'action', format('case %s is %s', p_id, c.status));
    ELSIF c.owner_level IS NULL OR c.owner_level > 'street' THEN
        PERFORM gisapp_fail('GS409', 'action', 'departments are called at street or district level; escalate first');
    ELSIF NOT EXISTS (SELECT 1 FROM department WHERE code = p_department) THEN
        PERFORM gisapp_fail('GS422', 'department', format('unknown department %s', p_department));
    END IF;
    INSERT INTO department_task (incident_id, department, called_by) VALUES (p_id, p_department, p_actor)
    RETURNING id INTO task;
    INSERT INTO incident_event (incident_id, actor, action, from_status, to_status, note, data)
    VALUES (p_id, p_actor, 'callout', c.status, c.status, coalesce(p_note, ''),
            jsonb_build_object('department', p_department, 'task_id', task));
    RETURN task;
END $$;

-- A department task's own small loop: called → arrived → done.
CREATE FUNCTION gisapp_department_task(p_task bigint, p_status text, p_actor text, p_note text DEFAULT '')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t department_task%ROWTYPE;
    i incident%ROWTYPE;
BEGIN
    SELECT * INTO t FROM department_task WHERE id = p_task;
    IF NOT FOUND THEN
        PERFORM gisapp_fail('GS404', 'task', format('no department task %s', p_task));
    END IF;
    i := gisapp_lock_case(t.incident_id, p_actor);
    SELECT * INTO t FROM department_task WHERE id = p_task FOR UPDATE;
    IF NOT ((t.status = 'called' AND p_status = 'arrived') OR (t.status = 'arrived' AND p_status = 'done')) THEN
        PERFORM gisapp_fail('GS409', 'status', format('task %s is %s; it cannot become %s', p_task, t.status, p_status));
    END IF;
    UPDATE department_task SET status = p_status,
        arrived_at = CASE WHEN p_status = 'arrived' THEN now() ELSE arrived_at END,
        done_at = CASE WHEN p_status = 'done' THEN now() ELSE done_at END
    WHERE id = p_task;
    INSERT INTO incident_event (incident_id, actor, action, from_status, to_status, note, data)
    VALUES (t.incident_id, p_actor, 'department_' || p_status, i.status, i.status, coalesce(p_note, ''),
            jsonb_build_object('department', t.department, 'task_id', p_task));
END $$;
