-- Incidents: conversion, assignment, versioning and the append-only history, for every writer.
-- A writer may name itself and its action for the history with
--   SET LOCAL gisapp.actor = '...'; SET LOCAL gisapp.action = '...'; SET LOCAL gisapp.note = '...';
-- otherwise the event says 'db:<role>' and 'report' / 'update'.

CREATE FUNCTION gisapp_incident_assign() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.geom IS NULL AND NEW.input_lon IS NOT NULL THEN
            NEW.geom := gisapp_to_wgs84(NEW.input_lon, NEW.input_lat, NEW.input_crs);
        ELSIF NEW.geom IS NOT NULL AND NEW.input_lon IS NULL THEN
            NEW.input_crs := 'wgs84';
            NEW.input_lon := ST_X(NEW.geom);
            NEW.input_lat := ST_Y(NEW.geom);
        END IF;
    END IF;
    -- A report tied to a building without a point of its own takes the building's point;
    -- so does one whose building is changed while its point is not.
    IF NEW.building_id IS NOT NULL AND (NEW.geom IS NULL OR (TG_OP = 'UPDATE'
            AND NEW.building_id IS DISTINCT FROM OLD.building_id AND NEW.geom IS NOT DISTINCT FROM OLD.geom)) THEN
        NEW.geom := (SELECT point FROM building WHERE id = NEW.building_id);
    END IF;
    r := gisapp_assign(NEW.geom, NEW.building_id);
    NEW.generation_id := r.generation_id;
    NEW.district_id := r.district_id;
    NEW.street_id := r.street_id;
    NEW.community_id := r.community_id;
    NEW.grid_id := r.grid_id;
    NEW.micro_grid_id := r.micro_grid_id;
    NEW.snapped_m := r.snapped_m;
    NEW.status := gisapp_located_status(NEW.status, coalesce(
        r.micro_grid_id, r.grid_id, r.community_id, r.street_id, r.district_id));
    RETURN NEW;
END $$;
CREATE TRIGGER incident_assign_insert BEFORE INSERT ON incident
    FOR EACH ROW EXECUTE FUNCTION gisapp_incident_assign();
CREATE TRIGGER incident_assign_update BEFORE UPDATE OF geom, building_id ON incident
    FOR EACH ROW WHEN (OLD.geom IS DISTINCT FROM NEW.geom OR OLD.building_id IS DISTINCT FROM NEW.building_id)
    EXECUTE FUNCTION gisapp_incident_assign();

-- Every change bumps the version (for optimistic locking) and the time.
CREATE FUNCTION gisapp_incident_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER incident_touch BEFORE UPDATE ON incident
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION gisapp_incident_touch();

CREATE FUNCTION gisapp_incident_log() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed jsonb;
    act text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        changed := jsonb_build_object(
            'source', NEW.source, 'category', NEW.category, 'generation_id', NEW.generation_id,
            'micro_grid_id', NEW.micro_grid_id, 'grid_id', NEW.grid_id, 'snapped_m', NEW.snapped_m);
        act := 'report';
    ELSE
        SELECT coalesce(jsonb_object_agg(n.key, n.value), '{}') INTO changed
        FROM jsonb_each(to_jsonb(NEW) - 'geom') n
        WHERE n.key NOT IN ('version', 'updated_at')
          AND (to_jsonb(OLD) - 'geom') -> n.key IS DISTINCT FROM n.value;
        IF OLD.geom IS DISTINCT FROM NEW.geom THEN
            changed := changed || jsonb_build_object('lon', ST_X(NEW.geom), 'lat', ST_Y(NEW.geom));
        END IF;
        IF changed = '{}' THEN
            RETURN NULL;
        END IF;
        act := 'update';
    END IF;
    INSERT INTO incident_event (incident_id, actor, action, from_status, to_status, note, data)
    VALUES (NEW.id,
            coalesce(nullif(current_setting('gisapp.actor', true), ''), 'db:' || current_user),
            coalesce(nullif(current_setting('gisapp.action', true), ''), act),
            CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
            NEW.status,
            coalesce(current_setting('gisapp.note', true), ''),
            changed);
    RETURN NULL;
END $$;
CREATE TRIGGER incident_log AFTER INSERT OR UPDATE ON incident
    FOR EACH ROW EXECUTE FUNCTION gisapp_incident_log();

-- Every event, however it is written, reaches the listeners.
CREATE FUNCTION gisapp_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gisapp_incident', json_build_object(
        'incident_id', NEW.incident_id, 'event_id', NEW.id, 'action', NEW.action,
        'status', NEW.to_status)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER incident_event_notify AFTER INSERT ON incident_event
    FOR EACH ROW EXECUTE FUNCTION gisapp_event_notify();

CREATE FUNCTION gisapp_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER incident_event_append_only BEFORE UPDATE OR DELETE ON incident_event
    FOR EACH ROW EXECUTE FUNCTION gisapp_append_only();
CREATE TRIGGER incident_event_no_truncate BEFORE TRUNCATE ON incident_event
    FOR EACH STATEMENT EXECUTE FUNCTION gisapp_append_only();

-- Switch the active generation in one transaction and move everything that points into areas.
-- Closed and cancelled cases keep the areas they were handled in.
CREATE FUNCTION gisapp_activate_generation(gen integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    moved integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM generation WHERE id = gen) THEN
        RAISE EXCEPTION 'no generation %', gen USING ERRCODE = 'no_data_found';
    END IF;
    UPDATE generation SET state = 'retired', retired_at = now() WHERE state = 'active' AND id <> gen;
    UPDATE generation SET state = 'active', activated_at = now(), retired_at = NULL
    WHERE id = gen AND state <> 'active';
    UPDATE building SET area_id = gisapp_locate(ST_PointOnSurface(geom), gen);
    UPDATE checkpoint SET area_id = gisapp_locate(geom, gen);
    PERFORM set_config('gisapp.action', 'reassign', true);
    WITH fresh AS (
        SELECT i.id, a.*,
               coalesce(a.micro_grid_id, a.grid_id, a.community_id, a.street_id, a.district_id) AS leaf
        FROM incident i, LATERAL gisapp_assign(i.geom, i.building_id) a
        WHERE i.status NOT IN ('closed', 'evaluated', 'cancelled')
    )
    UPDATE incident i
    SET generation_id = f.generation_id, district_id = f.district_id, street_id = f.street_id,
        community_id = f.community_id, grid_id = f.grid_id, micro_grid_id = f.micro_grid_id,
        snapped_m = f.snapped_m,
        status = gisapp_located_status(i.status, f.leaf)
    FROM fresh f WHERE i.id = f.id;
    GET DIAGNOSTICS moved = ROW_COUNT;
    PERFORM set_config('gisapp.action', '', true);
    RETURN moved;
END $$;
