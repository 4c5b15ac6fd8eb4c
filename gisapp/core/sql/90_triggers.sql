-- Every trigger, in one place. PostgreSQL fires the triggers of one table, timing and event in
-- the order of their names, so each name carries its place: <table>_<NN>_<what>.
--
-- incident, BEFORE INSERT/UPDATE:  10 assign (INSERT)* · 11 assign (UPDATE of the point or building)
--                                  · 20 plan (owner level, deadlines, duplicate hint)*
--                                  · 30 status guard · 90 touch (version, updated_at: last)*
-- incident, AFTER:                 50 log (the event)*
-- incident_intake (statement):     AFTER 50 batch: the bulk path, every rule set-based (45_intake_batch.sql);
--                                  the row triggers of incident and incident_event marked (*) stand aside
--                                  for the rows it writes (gisapp.intake, at trigger depth > 0 only)
-- case_history_intake (statement): AFTER 50 batch: later steps of cases, set-based (46_history_batch.sql)
-- incident_event:                  BEFORE 10 stamp (user, gisapp.at)* · 10 append-only · AFTER 50 notify*
-- generation:                      BEFORE 10 no back to draft · AFTER 50 notify · 60 re-home (35_rehome.sql)
--                                  · deferred 90 exactly one active
-- area:                            BEFORE 05 frozen outside drafts · 10 check parent · 90 version
--                                  · AFTER 50 sync pieces
-- building, checkpoint:            BEFORE 10 place in their area
-- attachment:                      BEFORE 10 append-only
-- audit_log:                       BEFORE 10 append-only
-- calendar_day (statement):        AFTER 50 working-day positions
-- generation, area (statement):    AFTER 80 audit

CREATE TRIGGER generation_10_no_back_to_draft BEFORE UPDATE OF state ON generation
    FOR EACH ROW EXECUTE FUNCTION gisapp_generation_no_back_to_draft();
CREATE TRIGGER generation_50_notify AFTER UPDATE OF state ON generation
    FOR EACH ROW WHEN (NEW.state = 'active' AND OLD.state IS DISTINCT FROM 'active')
    EXECUTE FUNCTION gisapp_generation_notify();
CREATE TRIGGER generation_60_rehome AFTER UPDATE OF state ON generation
    FOR EACH ROW WHEN (NEW.state = 'active' AND OLD.state IS DISTINCT FROM 'active')
    EXECUTE FUNCTION gisapp_generation_rehome();
CREATE CONSTRAINT TRIGGER generation_90_exactly_one_active
    AFTER INSERT OR UPDATE OR DELETE ON generation
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gisapp_generation_guard();

CREATE TRIGGER area_05_frozen BEFORE INSERT OR UPDATE OR DELETE ON area
    FOR EACH ROW EXECUTE FUNCTION gisapp_area_frozen();
CREATE TRIGGER area_10_check_parent BEFORE INSERT OR UPDATE OF parent_id, level, generation_id ON area
    FOR EACH ROW EXECUTE FUNCTION gisapp_area_check_parent();
CREATE TRIGGER area_90_version BEFORE UPDATE ON area
    FOR EACH ROW EXECUTE FUNCTION gisapp_area_version();
CREATE TRIGGER area_50_sync_pieces AFTER INSERT OR UPDATE OF geom, generation_id, level, code ON area
    FOR EACH ROW EXECUTE FUNCTION gisapp_area_sync_pieces();

CREATE TRIGGER building_10_place BEFORE INSERT OR UPDATE OF geom ON building
    FOR EACH ROW EXECUTE FUNCTION gisapp_place_feature();
CREATE TRIGGER checkpoint_10_place BEFORE INSERT OR UPDATE OF geom ON checkpoint
    FOR EACH ROW EXECUTE FUNCTION gisapp_place_feature();

CREATE TRIGGER incident_10_assign_insert BEFORE INSERT ON incident
    FOR EACH ROW WHEN (pg_trigger_depth() = 0 OR current_setting('gisapp.intake', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION gisapp_incident_assign();
-- Points compared as their bytes: a WHEN clause is re-created by pg_restore with an empty search_path,
-- where geometry's own = operator cannot be found (README, Backups; tests/core/test_backup.py).
CREATE TRIGGER incident_11_assign_update BEFORE UPDATE OF geom, building_id ON incident
    FOR EACH ROW WHEN (ST_AsEWKB(OLD.geom) IS DISTINCT FROM ST_AsEWKB(NEW.geom)
                       OR OLD.building_id IS DISTINCT FROM NEW.building_id)
    EXECUTE FUNCTION gisapp_incident_assign();
CREATE TRIGGER incident_20_plan BEFORE INSERT OR UPDATE ON incident
    FOR EACH ROW WHEN (pg_trigger_depth() = 0 OR current_setting('gisapp.intake', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION gisapp_incident_plan();
CREATE TRIGGER incident_30_status_guard BEFORE UPDATE OF status ON incident
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION gisapp_status_guard();
CREATE TRIGGER incident_90_touch BEFORE UPDATE ON incident
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.* AND (pg_trigger_depth() = 0 OR current_setting('gisapp.intake', true) IS DISTINCT FROM 'on'))
    EXECUTE FUNCTION gisapp_incident_touch();
CREATE TRIGGER incident_50_log AFTER INSERT OR UPDATE ON incident
    FOR EACH ROW WHEN (pg_trigger_depth() = 0 OR current_setting('gisapp.intake', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION gisapp_incident_log();

CREATE TRIGGER incident_intake_50_batch AFTER INSERT ON incident_intake
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gisapp_intake_batch();

CREATE TRIGGER case_history_intake_50_batch AFTER INSERT ON case_history_intake
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gisapp_history_batch();

CREATE TRIGGER incident_event_10_stamp BEFORE INSERT ON incident_event
    FOR EACH ROW WHEN (pg_trigger_depth() = 0 OR current_setting('gisapp.intake', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION gisapp_event_stamp();
CREATE TRIGGER incident_event_10_append_only BEFORE UPDATE OR DELETE ON incident_event
    FOR EACH ROW EXECUTE FUNCTION gisapp_append_only();
CREATE TRIGGER incident_event_10_no_truncate BEFORE TRUNCATE ON incident_event
    FOR EACH STATEMENT EXECUTE FUNCTION gisapp_append_only();
CREATE TRIGGER incident_event_50_notify AFTER INSERT ON incident_event
    FOR EACH ROW WHEN (pg_trigger_depth() = 0 OR current_setting('gisapp.intake', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION gisapp_event_notify();

CREATE TRIGGER attachment_10_append_only BEFORE UPDATE OR DELETE ON attachment
    FOR EACH ROW EXECUTE FUNCTION gisapp_append_only();

CREATE TRIGGER audit_log_10_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION gisapp_append_only();
CREATE TRIGGER audit_log_10_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION gisapp_append_only();

CREATE TRIGGER generation_80_audit AFTER INSERT OR UPDATE OF state ON generation
    FOR EACH ROW EXECUTE FUNCTION gisapp_audit_generation();
CREATE TRIGGER area_80_audit_insert AFTER INSERT ON area REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gisapp_audit_areas();
CREATE TRIGGER area_80_audit_update AFTER UPDATE ON area REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gisapp_audit_areas();
CREATE TRIGGER area_80_audit_delete AFTER DELETE ON area REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gisapp_audit_areas();

CREATE TRIGGER calendar_day_50_positions AFTER INSERT OR UPDATE OR DELETE ON calendar_day
    FOR EACH STATEMENT EXECUTE FUNCTION gisapp_calendar_positions();
