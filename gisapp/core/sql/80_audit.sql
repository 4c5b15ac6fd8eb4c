-- The audit record for every writer: boundary changes made through the app, the CLI or QGIS alike are
-- written here by triggers (one row per statement, naming the codes it touched). The app names its
-- user and the client's address with SET LOCAL gisapp.user_id / gisapp.actor / gisapp.ip; any other
-- writer is recorded as 'db:<role>' from the address it connected from.

CREATE OR REPLACE FUNCTION gisapp_audit(p_action text, p_target text, p_detail jsonb DEFAULT '{}')
RETURNS void LANGUAGE sql AS $$
    INSERT INTO audit_log (user_id, actor, action, target, detail, ip)
    VALUES (nullif(current_setting('gisapp.user_id', true), '')::bigint,
            coalesce(nullif(current_setting('gisapp.actor', true), ''), 'db:' || session_user),
            p_action, left(p_target, 500), p_detail,
            coalesce(nullif(current_setting('gisapp.ip', true), '')::inet, inet_client_addr()))
$$;

-- A trigger sees only the transition tables of its own event, hence one query per event.
CREATE OR REPLACE FUNCTION gisapp_audit_areas() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    summary jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT jsonb_build_object('count', count(*), 'generations', jsonb_agg(DISTINCT generation_id),
                                  'codes', (SELECT jsonb_agg(code) FROM (SELECT code FROM old_rows LIMIT 50) c))
        FROM old_rows INTO summary;
    ELSE
        SELECT jsonb_build_object('count', count(*), 'generations', jsonb_agg(DISTINCT generation_id),
                                  'codes', (SELECT jsonb_agg(code) FROM (SELECT code FROM new_rows LIMIT 50) c))
        FROM new_rows INTO summary;
    END IF;
    IF (summary ->> 'count')::integer > 0 THEN
        PERFORM gisapp_audit('boundary.area_' || lower(TG_OP), format('%s areas', summary ->> 'count'), summary);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION gisapp_audit_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM gisapp_audit('boundary.generation_create', format('generation %s', NEW.id),
                             jsonb_build_object('state', NEW.state));
    ELSIF NEW.state IS DISTINCT FROM OLD.state THEN
        PERFORM gisapp_audit('boundary.generation_' || NEW.state, format('generation %s', NEW.id),
                             jsonb_build_object('from', OLD.state, 'to', NEW.state));
    END IF;
    RETURN NULL;
END $$;
