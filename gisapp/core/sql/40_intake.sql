-- Cases as they come in: conversion, assignment, versioning and the append-only history, for every writer.
-- A writer may name itself and its action for the history with
--   SET LOCAL gisapp.actor = '...'; SET LOCAL gisapp.action = '...'; SET LOCAL gisapp.note = '...';
-- otherwise the event says 'db:<role>' and 'report' / 'update'. The app also sets gisapp.user_id, the
-- signed-in user; importers of history may date events with SET LOCAL gisapp.at = '…'.

CREATE OR REPLACE FUNCTION gisapp_incident_assign() RETURNS trigger LANGUAGE plpgsql AS $$
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
    NEW.status := gisapp_located_status(NEW.status, gisapp_leaf_id(NEW));
    RETURN NEW;
END $$;

-- Every change bumps the version (for optimistic locking) and the time.
CREATE OR REPLACE FUNCTION gisapp_incident_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION gisapp_incident_log() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- Every event, however it is written, reaches the listeners.
CREATE OR REPLACE FUNCTION gisapp_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gisapp_incident', json_build_object(
        'incident_id', NEW.incident_id, 'event_id', NEW.id, 'action', NEW.action,
        'status', NEW.to_status)::text);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION gisapp_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

-- Who and when: the app names its signed-in user (SET LOCAL gisapp.user_id); importers of history
-- may date events (SET LOCAL gisapp.at).
CREATE OR REPLACE FUNCTION gisapp_event_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.at := coalesce(nullif(current_setting('gisapp.at', true), '')::timestamptz, NEW.at);
    NEW.user_id := coalesce(NEW.user_id, nullif(current_setting('gisapp.user_id', true), '')::bigint);
    RETURN NEW;
END $$;
