-- The level ↔ column mapping of a case's area chain, written once: a case stores one area id per
-- level (district_id … micro_grid_id). Everything else asks these functions.

-- The chain as an array, top level first (the order of area_level).
CREATE OR REPLACE FUNCTION gisapp_chain_ids(i incident) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY[i.district_id, i.street_id, i.community_id, i.grid_id, i.micro_grid_id]
$$;

-- The deepest area of a chain: the one a case belongs to (its leaf).
CREATE OR REPLACE FUNCTION gisapp_leaf_id(district bigint, street bigint, community bigint, grid bigint,
                                          micro_grid bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(micro_grid, grid, community, street, district)
$$;

CREATE OR REPLACE FUNCTION gisapp_leaf_id(i incident) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT gisapp_leaf_id(i.district_id, i.street_id, i.community_id, i.grid_id, i.micro_grid_id)
$$;

-- One expression (no FROM), so the planner inlines it: it runs on every report.
CREATE OR REPLACE FUNCTION gisapp_leaf_level(i incident) RETURNS area_level
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN i.micro_grid_id IS NOT NULL THEN 'micro_grid'::area_level
                WHEN i.grid_id IS NOT NULL THEN 'grid'::area_level
                WHEN i.community_id IS NOT NULL THEN 'community'::area_level
                WHEN i.street_id IS NOT NULL THEN 'street'::area_level
                WHEN i.district_id IS NOT NULL THEN 'district'::area_level END
$$;

-- The case's area at one level, or NULL.
CREATE OR REPLACE FUNCTION gisapp_chain_id(i incident, lvl area_level) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (gisapp_chain_ids(i))[array_position(enum_range(NULL::area_level), lvl)]
$$;

-- A case's chain in another generation, level by level through the area codes, top level first,
-- NULL where a code did not survive (closed history keeps counting after a redraw).
CREATE OR REPLACE FUNCTION gisapp_chain_in(i incident, gen integer) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT array_agg(m.id ORDER BY u.n)
    FROM unnest(gisapp_chain_ids(i)) WITH ORDINALITY u(id, n)
    LEFT JOIN area h ON h.id = u.id
    LEFT JOIN area m ON m.generation_id = gen AND m.code = h.code AND m.level = h.level
$$;
