-- Coordinates from Chinese phone apps: GCJ-02 ("Mars", Amap/Tencent) and BD-09 (Baidu).
-- The published algorithm (as in eviltransform / coordtransform); the offset is zero outside China.

CREATE OR REPLACE FUNCTION gisapp_out_of_china(lon double precision, lat double precision)
RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lon < 72.004 OR lon > 137.8347 OR lat < 0.8293 OR lat > 55.8271
$$;

CREATE OR REPLACE FUNCTION gisapp_wgs84_to_gcj02(lon double precision, lat double precision,
                                      OUT glon double precision, OUT glat double precision)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    a  CONSTANT double precision := 6378245.0;
    ee CONSTANT double precision := 0.00669342162296594323;
    x double precision := lon - 105.0;
    y double precision := lat - 35.0;
    dlat double precision;
    dlon double precision;
    radlat double precision;
    magic double precision;
    sqrtmagic double precision;
BEGIN
    IF gisapp_out_of_china(lon, lat) THEN
        glon := lon; glat := lat; RETURN;
    END IF;
    dlat := -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
          + (20.0 * sin(6.0 * x * pi()) + 20.0 * sin(2.0 * x * pi())) * 2.0 / 3.0
          + (20.0 * sin(y * pi()) + 40.0 * sin(y / 3.0 * pi())) * 2.0 / 3.0
          + (160.0 * sin(y / 12.0 * pi()) + 320.0 * sin(y * pi() / 30.0)) * 2.0 / 3.0;
    dlon := 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
          + (20.0 * sin(6.0 * x * pi()) + 20.0 * sin(2.0 * x * pi())) * 2.0 / 3.0
          + (20.0 * sin(x * pi()) + 40.0 * sin(x / 3.0 * pi())) * 2.0 / 3.0
          + (150.0 * sin(x / 12.0 * pi()) + 300.0 * sin(x / 30.0 * pi())) * 2.0 / 3.0;
    radlat := lat / 180.0 * pi();
    magic := 1.0 - ee * sin(radlat) * sin(radlat);
    sqrtmagic := sqrt(magic);
    dlat := (dlat * 180.0) / ((a * (1.0 - ee)) / (magic * sqrtmagic) * pi());
    dlon := (dlon * 180.0) / (a / sqrtmagic * cos(radlat) * pi());
    glat := lat + dlat;
    glon := lon + dlon;
END $$;

-- The exact inverse, by fixed-point iteration (the offset varies slowly, so it converges fast).
CREATE OR REPLACE FUNCTION gisapp_gcj02_to_wgs84(glon double precision, glat double precision,
                                      OUT lon double precision, OUT lat double precision)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    t record;
    dlon double precision;
    dlat double precision;
BEGIN
    lon := glon; lat := glat;
    FOR i IN 1..30 LOOP
        t := gisapp_wgs84_to_gcj02(lon, lat);
        dlon := t.glon - glon;
        dlat := t.glat - glat;
        EXIT WHEN abs(dlon) < 1e-11 AND abs(dlat) < 1e-11;
        lon := lon - dlon;
        lat := lat - dlat;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION gisapp_bd09_to_gcj02(blon double precision, blat double precision,
                                     OUT glon double precision, OUT glat double precision)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    x_pi CONSTANT double precision := pi() * 3000.0 / 180.0;
    x double precision := blon - 0.0065;
    y double precision := blat - 0.006;
    z double precision;
    theta double precision;
BEGIN
    z := sqrt(x * x + y * y) - 0.00002 * sin(y * x_pi);
    theta := atan2(y, x) - 0.000003 * cos(x * x_pi);
    glon := z * cos(theta);
    glat := z * sin(theta);
END $$;

CREATE OR REPLACE FUNCTION gisapp_gcj02_to_bd09(glon double precision, glat double precision,
                                     OUT blon double precision, OUT blat double precision)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    x_pi CONSTANT double precision := pi() * 3000.0 / 180.0;
    z double precision;
    theta double precision;
BEGIN
    z := sqrt(glon * glon + glat * glat) + 0.00002 * sin(glat * x_pi);
    theta := atan2(glat, glon) + 0.000003 * cos(glon * x_pi);
    blon := z * cos(theta) + 0.0065;
    blat := z * sin(theta) + 0.006;
END $$;

-- A WGS84 point from coordinates in any supported system.
CREATE OR REPLACE FUNCTION gisapp_to_wgs84(lon double precision, lat double precision, crs text)
RETURNS geometry LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    g record;
    w record;
BEGIN
    CASE crs
        WHEN 'wgs84' THEN
            RETURN ST_SetSRID(ST_MakePoint(lon, lat), 4326);
        WHEN 'gcj02' THEN
            w := gisapp_gcj02_to_wgs84(lon, lat);
        WHEN 'bd09' THEN
            g := gisapp_bd09_to_gcj02(lon, lat);
            w := gisapp_gcj02_to_wgs84(g.glon, g.glat);
        ELSE
            RAISE EXCEPTION 'unknown crs %: use wgs84, gcj02 or bd09', crs USING ERRCODE = 'invalid_parameter_value';
    END CASE;
    RETURN ST_SetSRID(ST_MakePoint(w.lon, w.lat), 4326);
END $$;
