-- History intake: a statement of case_history_intake (COPY or INSERT) applies later steps to existing cases,
-- set-based, in order of time per case: the k-th step of every case at once, then the (k+1)-th. Each step
-- keeps gisapp_transition's rules (60_workflow.sql): the action must lead from the case's status, a
-- reason where the action needs one, a satisfaction for an evaluation, a reopening only after
-- 'unsatisfied', verification by someone other than the handler, no closing with a department task
-- open; merges are refused here (they name another case). The first refusal stops the whole statement.
-- Each step writes its event, dated `at`; each case is written once, with where its steps ended; one
-- NOTIFY at the end.

CREATE OR REPLACE FUNCTION gisapp_history_batch() RETURNS trigger LANGUAGE plpgsql
SET jit = off AS $$
DECLARE
    v_user bigint := nullif(current_setting('gisapp.user_id', true), '')::bigint;
    bad record;
    steps integer;
    n_steps integer := 0;
BEGIN
    DROP TABLE IF EXISTS pg_temp.gisapp_steps, pg_temp.gisapp_state, pg_temp.gisapp_step;
    CREATE TEMP TABLE gisapp_steps ON COMMIT DROP AS
    SELECT r.*, row_number() OVER (PARTITION BY r.incident_id ORDER BY r.at, r.ord) AS k
    FROM (SELECT *, row_number() OVER () AS ord FROM new_rows) r;
    SELECT max(k) INTO steps FROM gisapp_steps;
    IF steps IS NULL THEN
        RETURN NULL;
    END IF;
    CREATE INDEX ON gisapp_steps (k);
    ANALYZE gisapp_steps;
    -- Where each case stands as its steps are applied (the case itself is written once, at the end).
    CREATE TEMP TABLE gisapp_state ON COMMIT DROP AS
    SELECT i.id, i.status, i.satisfaction, i.handle_due, i.close_due, i.updated_at, 0 AS taken,
           i.category, i.owner_level, i.urgent OR c.urgent AS by_calendar
    FROM incident i JOIN category c ON c.code = i.category
    WHERE i.id IN (SELECT DISTINCT incident_id FROM gisapp_steps);
    CREATE UNIQUE INDEX ON gisapp_state (id);
    ANALYZE gisapp_state;
    PERFORM set_config('gisapp.intake', 'on', true), set_config('gisapp.transition', 'on', true);
    FOR step IN 1..steps LOOP
        DROP TABLE IF EXISTS pg_temp.gisapp_step;
        CREATE TEMP TABLE gisapp_step ON COMMIT DROP AS
        SELECT s.incident_id, s.action, s.at, s.actor, s.note, s.satisfaction, c.status AS from_status,
               t.to_status, c.satisfaction AS was_satisfied, a.needs_note, a.by_transition,
               (c.id IS NULL) AS no_case, c.category, c.owner_level, c.by_calendar
        FROM gisapp_steps s
        LEFT JOIN gisapp_state c ON c.id = s.incident_id
        LEFT JOIN case_action a ON a.code = s.action
        LEFT JOIN transition t ON t.action = s.action AND t.from_status = c.status
        WHERE s.k = step;
        SELECT * INTO bad FROM gisapp_step g
        WHERE g.no_case OR NOT coalesce(g.by_transition, false) OR g.action = 'merge' OR g.to_status IS NULL
           OR (g.needs_note AND btrim(g.note) = '')
           OR (g.action = 'evaluate' AND NOT EXISTS (SELECT 1 FROM satisfaction s WHERE s.code = g.satisfaction))
           OR (g.action = 'reopen' AND g.was_satisfied IS DISTINCT FROM 'unsatisfied')
           OR (g.action = 'verify' AND EXISTS (
                  SELECT 1 FROM (SELECT e.actor FROM incident_event e WHERE e.incident_id = g.incident_id
                                 AND e.action = 'feedback' ORDER BY e.id DESC LIMIT 1) f
                  WHERE lower(btrim(f.actor)) = lower(btrim(g.actor))))
           OR (g.action = 'close' AND EXISTS (
                  SELECT 1 FROM department_task t JOIN task_status ts ON ts.code = t.status
                  WHERE t.incident_id = g.incident_id AND ts.next IS NOT NULL))
        ORDER BY g.no_case DESC, g.at, g.incident_id   -- a missing case first, then the earliest refusal
        LIMIT 1;
        IF FOUND THEN
            IF bad.no_case THEN
                PERFORM gisapp_fail('GS422', 'incident_id', format('no case %s', bad.incident_id), 'no_case',
                    jsonb_build_object('id', bad.incident_id));
            ELSIF NOT coalesce(bad.by_transition, false) OR bad.action = 'merge' THEN
                PERFORM gisapp_fail('GS422', 'action', format('unknown action %s', bad.action), 'unknown_action',
                    jsonb_build_object('action', bad.action));
            ELSIF bad.to_status IS NULL THEN
                PERFORM gisapp_fail('GS409', 'action', format('case %s: %s is not allowed when the case is %s',
                    bad.incident_id, bad.action, bad.from_status), 'not_allowed',
                    jsonb_build_object('action', bad.action, 'status', bad.from_status, 'actions', '[]'::jsonb));
            ELSIF bad.needs_note AND btrim(bad.note) = '' THEN
                PERFORM gisapp_fail('GS422', 'note', 'a reason is required', 'reason_required');
            ELSIF bad.action = 'evaluate' THEN
                PERFORM gisapp_fail('GS422', 'satisfaction', format('must be one of %s',
                    (SELECT string_agg(code, ', ' ORDER BY sort) FROM satisfaction)), 'satisfaction_choice',
                    jsonb_build_object('satisfactions', (SELECT jsonb_agg(code ORDER BY sort) FROM satisfaction)));
            ELSIF bad.action = 'reopen' THEN
                PERFORM gisapp_fail('GS409', 'action', 'only a case evaluated as unsatisfied can be reopened',
                    'reopen_unsatisfied');
            ELSIF bad.action = 'verify' THEN
                PERFORM gisapp_fail('GS409', 'actor', 'verification must be done by someone other than the handler',
                    'verify_by_other');
            ELSE
                PERFORM gisapp_fail('GS409', 'action', 'a department task is still open', 'task_open');
            END IF;
        END IF;
        -- a reopened case gets fresh time to handle and close, counted from its reopening
        ALTER TABLE gisapp_step ADD COLUMN handle_due timestamptz, ADD COLUMN close_due timestamptz;
        UPDATE gisapp_step g SET (handle_due, close_due) =
            (SELECT d.handle_due, d.close_due FROM gisapp_dues(g.category, g.owner_level, g.at, g.by_calendar) d)
        WHERE g.action = 'reopen';
        UPDATE gisapp_state c
        SET status = g.to_status,
            satisfaction = CASE WHEN g.action = 'evaluate' THEN g.satisfaction ELSE c.satisfaction END,
            handle_due = CASE WHEN g.action = 'reopen' THEN g.handle_due ELSE c.handle_due END,
            close_due = CASE WHEN g.action = 'reopen' THEN g.close_due ELSE c.close_due END,
            updated_at = g.at, taken = c.taken + 1
        FROM gisapp_step g WHERE c.id = g.incident_id;
        INSERT INTO incident_event (incident_id, at, actor, action, from_status, to_status, note, data, user_id)
        SELECT g.incident_id, g.at, g.actor, g.action, g.from_status, g.to_status, g.note,
               jsonb_build_object('status', g.to_status)
               || CASE WHEN g.action = 'evaluate' THEN jsonb_build_object('satisfaction', g.satisfaction)
                       WHEN g.action = 'reopen' THEN jsonb_strip_nulls(jsonb_build_object(
                           'handle_due', g.handle_due, 'close_due', g.close_due))
                       ELSE '{}' END,
               v_user
        FROM gisapp_step g ORDER BY g.at, g.incident_id;
        n_steps := n_steps + (SELECT count(*) FROM gisapp_step);
    END LOOP;
    UPDATE incident i
    SET status = c.status, satisfaction = c.satisfaction, handle_due = c.handle_due, close_due = c.close_due,
        version = i.version + c.taken, updated_at = c.updated_at
    FROM gisapp_state c WHERE i.id = c.id;
    DELETE FROM case_history_intake;
    PERFORM set_config('gisapp.intake', '', true), set_config('gisapp.transition', '', true);
    PERFORM pg_notify('gisapp_incident', json_build_object('steps', n_steps)::text);
    RETURN NULL;
END $$;
