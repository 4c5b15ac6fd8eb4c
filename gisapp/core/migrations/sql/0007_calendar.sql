-- A working calendar that does not run out (issue 12): where each day's answer comes from, each
-- working day's position (for working hours by lookup, not day by day), and the notices loaded.

-- official: the chinese-calendar package (the State Council's notices it carries);
-- rule:     a year it has no data for, from the statutory holidays of the `holidays` package and
--           weekends (no 调休 make-up days: they are only known from the year's notice);
-- notice:   an administrator's `gisapp calendar load` of the year's notice: always wins.
ALTER TABLE calendar_day
    ADD COLUMN source text NOT NULL DEFAULT 'official' CHECK (source IN ('official', 'rule', 'notice')),
    ADD COLUMN workdays_before integer CHECK (workdays_before >= 0);
-- The n-th working day, found by an index lookup (kept by the calendar_day trigger; not unique, as a
-- change shifts every later position one row at a time).
CREATE INDEX calendar_day_working_position ON calendar_day (workdays_before) WHERE workday;
UPDATE calendar_day c SET workdays_before = p.n
FROM (SELECT day, (count(*) FILTER (WHERE workday) OVER (ORDER BY day))::int - workday::int AS n
      FROM calendar_day) p
WHERE p.day = c.day;

CREATE TABLE calendar_notice (
    year      smallint PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    title     text NOT NULL DEFAULT '' CHECK (char_length(title) <= 300),
    loaded_at timestamptz NOT NULL DEFAULT now(),
    loaded_by text NOT NULL DEFAULT ''
);
