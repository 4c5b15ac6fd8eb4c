-- The closed loop: the transition table, one function that applies it, a guard for every writer.
-- Errors carry an HTTP-like SQLSTATE: GS404 not found, GS409 conflict, GS422 invalid input; the
-- HINT names the field at fault.

-- Workflow statuses change only through gisapp_transition (locating a report is the exception).
CREATE OR REPLACE FUNCTION gisapp_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status
       AND NOT coalesce((SELECT bool_and(intake) FROM case_status WHERE code IN (OLD.status, NEW.status)), false)
       AND coalesce(current_setting('gisapp.transition', true), '') <> 'on' THEN
        PERFORM gisapp_fail('GS409', 'status', format('status %s → %s must go through gisapp_transition()',
            OLD.status, NEW.status), 'status_by_transition', jsonb_build_object('status', OLD.status, 'to_status', NEW.status));
    END IF;
    RETURN NEW;
END $$;

-- A refusal: the English message for psql and QGIS users, and in DETAIL a stable reason with its
-- parameters, which the app says in its reader's language (core/refusals.py names every reason).
CREATE OR REPLACE FUNCTION gisapp_fail(code text, field text, message text, reason text, params jsonb DEFAULT '{}')
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', message USING ERRCODE = code, HINT = field,
        DETAIL = jsonb_build_object('reason', reason, 'params', coalesce(params, '{}'))::text;
END $$;

-- What may be done to a case now: the table's actions plus escalation and dismissing a duplicate hint.
CREATE OR REPLACE FUNCTION gisapp_allowed_actions(p_id bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT array_cat(
        coalesce((SELECT array_agg(t.action ORDER BY t.action) FROM transition t WHERE t.from_status = i.status), '{}'),
        array_remove(ARRAY[
            CASE WHEN o.open AND i.owner_level > 'district' THEN 'escalate' END,
            CASE WHEN o.open AND i.owner_level < gisapp_base_level(i) THEN 'deescalate' END,
            CASE WHEN o.open AND i.possible_duplicate_of IS NOT NULL THEN 'keep' END], NULL))
    FROM incident i
    JOIN case_status s ON s.code = i.status,
    LATERAL (SELECT i.owner_level IS NOT NULL AND s.open AS open) o
    WHERE i.id = p_id
$$;

-- The case to act on, locked against a second writer; with a named actor.
CREATE OR REPLACE FUNCTION gisapp_lock_case(p_id bigint, p_actor text) RETURNS incident
LANGUAGE plpgsql AS $$
DECLARE
    c incident%ROWTYPE;
BEGIN
    IF coalesce(trim(p_actor), '') = '' THEN
        PERFORM gisapp_fail('GS422', 'actor', 'actor is required', 'actor_required');
    END IF;
    SELECT * INTO c FROM incident WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM gisapp_fail('GS404', 'id', format('no case %s', p_id), 'no_case', jsonb_build_object('id', p_id));
    END IF;
    RETURN c;
END $$;

-- Whether `actor` (now) is who wrote an event: the same signed-in user when both are known, else the
-- same name, whatever its case and surrounding spaces.
CREATE OR REPLACE FUNCTION gisapp_same_person(actor text, e incident_event) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN e.id IS NULL THEN false
                WHEN e.user_id IS NOT NULL AND nullif(current_setting('gisapp.user_id', true), '') IS NOT NULL
                THEN e.user_id = current_setting('gisapp.user_id', true)::bigint
                ELSE lower(btrim(e.actor)) = lower(btrim(actor)) END
$$;

-- Apply one action to a case. Returns the case's new version.
CREATE OR REPLACE FUNCTION gisapp_transition(p_id bigint, p_action text, p_actor text, p_note text DEFAULT '',
                                             p_version integer DEFAULT NULL, p_data jsonb DEFAULT '{}')
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    c incident%ROWTYPE;
    act case_action%ROWTYPE;
    target text;
    lvl area_level;
    base area_level;
    levels area_level[] := enum_range(NULL::area_level);
    pos integer;
    other bigint;
    no_note boolean := coalesce(trim(p_note), '') = '';
BEGIN
    IF p_action = 'merge' AND p_data ->> 'duplicate_of' ~ '^[0-9]{1,18}$' THEN
        -- Two operators merging A into B and B into A at once: both lock the lower id first, so one
        -- waits for the other instead of a deadlock.
        other := (p_data ->> 'duplicate_of')::bigint;
        PERFORM 1 FROM incident WHERE id IN (least(p_id, other), greatest(p_id, other)) ORDER BY id FOR UPDATE;
    END IF;
    c := gisapp_lock_case(p_id, p_actor);
    IF p_version IS NOT NULL AND p_version <> c.version THEN
        PERFORM gisapp_fail('GS409', 'version', format(
            'case %s is at version %s, not %s: someone else changed it first; reload and try again',
            p_id, c.version, p_version), 'stale', jsonb_build_object('id', p_id, 'version', c.version, 'seen', p_version));
    END IF;
    SELECT * INTO act FROM case_action WHERE code = p_action AND by_transition;
    IF NOT FOUND THEN
        PERFORM gisapp_fail('GS422', 'action', format('unknown action %s', p_action), 'unknown_action',
            jsonb_build_object('action', p_action));
    END IF;
    PERFORM set_config('gisapp.actor', p_actor, true), set_config('gisapp.action', p_action, true),
            set_config('gisapp.note', coalesce(p_note, ''), true), set_config('gisapp.transition', 'on', true);
    IF p_action = 'keep' THEN  -- the operator looked at the duplicate hint and keeps the case apart
        IF c.possible_duplicate_of IS NULL OR NOT gisapp_is_open(c.status) THEN
            PERFORM gisapp_fail('GS409', 'action', format('case %s has no open duplicate hint to dismiss', p_id),
                'no_duplicate_hint', jsonb_build_object('id', p_id));
        END IF;
        UPDATE incident SET possible_duplicate_of = NULL WHERE id = p_id;
    ELSIF p_action IN ('escalate', 'deescalate') THEN
        IF NOT gisapp_is_open(c.status) OR c.owner_level IS NULL THEN
            PERFORM gisapp_fail('GS409', 'action', format('case %s is %s: it has no owner to move', p_id, c.status),
                'no_owner', jsonb_build_object('id', p_id, 'status', c.status));
        END IF;
        IF act.needs_note AND no_note THEN
            PERFORM gisapp_fail('GS422', 'note', 'a reason is required', 'reason_required');
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
                ELSE format('case %s is not escalated (owned at %s)', p_id, c.owner_level) END,
                CASE p_action WHEN 'escalate' THEN 'top_level' ELSE 'not_escalated' END,
                jsonb_build_object('id', p_id, 'level', c.owner_level));
        END IF;
        UPDATE incident SET owner_level = lvl WHERE id = p_id;
    ELSE
        SELECT to_status INTO target FROM transition WHERE action = p_action AND from_status = c.status;
        IF target IS NULL THEN
            PERFORM gisapp_fail('GS409', 'action', format('%s is not allowed when the case is %s; allowed: %s',
                p_action, c.status, coalesce(nullif(array_to_string(gisapp_allowed_actions(p_id), ', '), ''), 'none')),
                'not_allowed', jsonb_build_object('action', p_action, 'status', c.status,
                                                  'actions', to_jsonb(gisapp_allowed_actions(p_id))));
        END IF;
        IF p_action = 'verify' AND gisapp_same_person(p_actor, (SELECT e FROM incident_event e
                WHERE e.incident_id = p_id AND e.action = 'feedback' ORDER BY e.id DESC LIMIT 1)) THEN
            PERFORM gisapp_fail('GS409', 'actor', 'verification must be done by someone other than the handler',
                'verify_by_other');
        ELSIF p_action = 'close' AND EXISTS (SELECT 1 FROM department_task t JOIN task_status ts ON ts.code = t.status
                                             WHERE t.incident_id = p_id AND ts.next IS NOT NULL) THEN
            PERFORM gisapp_fail('GS409', 'action', 'a department task is still open', 'task_open');
        ELSIF p_action = 'evaluate' AND NOT EXISTS (SELECT 1 FROM satisfaction WHERE code = p_data ->> 'satisfaction') THEN
            PERFORM gisapp_fail('GS422', 'satisfaction', format('must be one of %s',
                (SELECT string_agg(code, ', ' ORDER BY sort) FROM satisfaction)), 'satisfaction_choice',
                jsonb_build_object('satisfactions', (SELECT jsonb_agg(code ORDER BY sort) FROM satisfaction)));
        ELSIF p_action = 'reopen' AND c.satisfaction IS DISTINCT FROM 'unsatisfied' THEN
            PERFORM gisapp_fail('GS409', 'action', 'only a case evaluated as unsatisfied can be reopened',
                'reopen_unsatisfied');
        ELSIF act.needs_note AND no_note THEN
            PERFORM gisapp_fail('GS422', 'note', 'a reason is required', 'reason_required');
        END IF;
        IF p_action = 'merge' THEN
            other := (p_data ->> 'duplicate_of')::bigint;
            IF other IS NULL OR other = p_id OR NOT EXISTS (SELECT 1 FROM incident WHERE id = other) THEN
                PERFORM gisapp_fail('GS422', 'duplicate_of', 'must name another case that is not cancelled',
                    'merge_other');
            ELSIF EXISTS (SELECT 1 FROM incident WHERE id = other AND status = 'cancelled') THEN
                -- the state of the other case, not a bad field: e.g. it was just merged into this one
                PERFORM gisapp_fail('GS409', 'duplicate_of', format('case %s is cancelled (merged or withdrawn)', other),
                    'merge_cancelled', jsonb_build_object('id', other));
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
CREATE OR REPLACE FUNCTION gisapp_place(p_id bigint, p_lon double precision, p_lat double precision, p_actor text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    c incident%ROWTYPE;
BEGIN
    c := gisapp_lock_case(p_id, p_actor);
    IF c.status <> 'unlocated' THEN
        PERFORM gisapp_fail('GS409', 'action', format('case %s is %s: only unlocated reports are placed', p_id, c.status),
            'place_unlocated', jsonb_build_object('id', p_id, 'status', c.status));
    ELSIF p_lon IS NULL OR p_lat IS NULL OR abs(p_lon) > 180 OR abs(p_lat) > 90 THEN
        PERFORM gisapp_fail('GS422', 'lon', 'lon and lat must be a point on the earth', 'place_point');
    END IF;
    PERFORM set_config('gisapp.actor', p_actor, true), set_config('gisapp.action', 'place', true);
    UPDATE incident SET geom = ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326) WHERE id = p_id;
    PERFORM set_config('gisapp.actor', '', true), set_config('gisapp.action', '', true);
    RETURN (SELECT status FROM incident WHERE id = p_id);
END $$;

-- 吹哨报到: call a department to a case owned at street or district level.
CREATE OR REPLACE FUNCTION gisapp_call_department(p_id bigint, p_department text, p_actor text,
                                                  p_note text DEFAULT '')
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    c incident%ROWTYPE;
    task bigint;
BEGIN
    c := gisapp_lock_case(p_id, p_actor);
    IF NOT gisapp_is_open(c.status) THEN
        PERFORM gisapp_fail('GS409', 'action', format('case %s is %s', p_id, c.status), 'callout_closed',
            jsonb_build_object('id', p_id, 'status', c.status));
    ELSIF c.owner_level IS NULL OR c.owner_level > 'street' THEN
        PERFORM gisapp_fail('GS409', 'action', 'departments are called at street or district level; escalate first',
            'callout_level');
    ELSIF NOT EXISTS (SELECT 1 FROM department WHERE code = p_department) THEN
        PERFORM gisapp_fail('GS422', 'department', format('unknown department %s', p_department),
            'unknown_department', jsonb_build_object('department', p_department));
    END IF;
    INSERT INTO department_task (incident_id, department, called_by) VALUES (p_id, p_department, p_actor)
    RETURNING id INTO task;
    INSERT INTO incident_event (incident_id, actor, action, from_status, to_status, note, data)
    VALUES (p_id, p_actor, 'callout', c.status, c.status, coalesce(p_note, ''),
            jsonb_build_object('department', p_department, 'task_id', task));
    RETURN task;
END $$;

-- A department task's own small loop: each state may move on to its task_status.next.
CREATE OR REPLACE FUNCTION gisapp_department_task(p_task bigint, p_status text, p_actor text, p_note text DEFAULT '')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t department_task%ROWTYPE;
    i incident%ROWTYPE;
BEGIN
    SELECT * INTO t FROM department_task WHERE id = p_task;
    IF NOT FOUND THEN
        PERFORM gisapp_fail('GS404', 'task', format('no department task %s', p_task), 'no_task',
            jsonb_build_object('task', p_task));
    END IF;
    i := gisapp_lock_case(t.incident_id, p_actor);
    SELECT * INTO t FROM department_task WHERE id = p_task FOR UPDATE;
    IF p_status IS DISTINCT FROM (SELECT next FROM task_status WHERE code = t.status) THEN
        PERFORM gisapp_fail('GS409', 'status', format('task %s is %s; it cannot become %s', p_task, t.status, p_status),
            'task_move', jsonb_build_object('task', p_task, 'task_status', t.status, 'task_next', p_status));
    END IF;
    UPDATE department_task SET status = p_status,
        arrived_at = CASE WHEN p_status = 'arrived' THEN now() ELSE arrived_at END,
        done_at = CASE WHEN p_status = 'done' THEN now() ELSE done_at END
    WHERE id = p_task;
    INSERT INTO incident_event (incident_id, actor, action, from_status, to_status, note, data)
    VALUES (t.incident_id, p_actor, 'department_' || p_status, i.status, i.status, coalesce(p_note, ''),
            jsonb_build_object('department', t.department, 'task_id', p_task));
END $$;
