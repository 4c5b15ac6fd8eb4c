-- The shared vocabulary: the tables of revision 0004 (case_status, case_action, satisfaction,
-- task_status, area_level_label) are the source. Set queries join them; these are for one value.

CREATE OR REPLACE FUNCTION gisapp_is_open(status text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT open FROM case_status WHERE code = status
$$;

CREATE OR REPLACE FUNCTION gisapp_open_statuses() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT array_agg(code ORDER BY sort) FROM case_status WHERE open
$$;
