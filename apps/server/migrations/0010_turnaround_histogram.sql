-- Turnaround statistics over years (issue 8): monthly histograms of the minutes from reception to the first
-- signature, per organisation, local calendar month (the organisation's time zone), dimension (priority, reader)
-- and key, kept by triggers on ecg_exam_search like ecg_stats_daily (0008). Percentiles over whole months are read
-- from the buckets (a few thousand rows for three years) instead of sorting every signed exam; the partial months
-- at the ends of a period are still read from ecg_exam_search (see modules/stats/turnaround.ts).
-- New triggers only: the refresh and rollup functions of 0007/0008 are left as they are.

-- Buckets 2 % wide: bucket b holds minutes m with floor(ln(1 + m) / ln(1.02)) = b (0 min → 0, 10 → 121,
-- 60 → 207, 1 day → 368). Each row also keeps the smallest and largest value it holds, so a percentile whose
-- neighbouring values sit in buckets of one or two exams is exact, and the maximum is exact.
CREATE FUNCTION ecg_tat_bucket(minutes double precision) RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
  SELECT floor(ln(1 + greatest(minutes, 0)) / ln(1.02))::smallint
$$;

CREATE TABLE ecg_turnaround_monthly (
  organization_id  uuid NOT NULL,
  -- The local month as instants: [month_start, month_end).
  month_start      timestamptz NOT NULL,
  month_end        timestamptz NOT NULL,
  dim              text NOT NULL,
  key              text NOT NULL,
  bucket           smallint NOT NULL,
  exams            integer NOT NULL,
  min_min          double precision NOT NULL,
  max_min          double precision NOT NULL,
  PRIMARY KEY (organization_id, dim, month_start, key, bucket)
);

-- rows: signed exams' (organization_id, exam_at, priority, reader_id, minutes, sign) with sign +1 (new) or -1 (old).
CREATE FUNCTION ecg_turnaround_apply(rows jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO ecg_turnaround_monthly AS h (organization_id, month_start, month_end, dim, key, bucket, exams,
    min_min, max_min)
  SELECT r.organization_id,
    date_trunc('month', r.exam_at AT TIME ZONE z.tz) AT TIME ZONE z.tz,
    (date_trunc('month', r.exam_at AT TIME ZONE z.tz) + interval '1 month') AT TIME ZONE z.tz,
    k.dim, k.key, ecg_tat_bucket(r.minutes), sum(r.sign),
    -- Values of removed exams cannot narrow the range; only added ones widen it.
    coalesce(min(r.minutes) FILTER (WHERE r.sign > 0), 'Infinity'),
    coalesce(max(r.minutes) FILTER (WHERE r.sign > 0), '-Infinity')
  FROM jsonb_to_recordset(rows) AS r(organization_id uuid, exam_at timestamptz, priority text, reader_id text,
    minutes double precision, sign integer)
  LEFT JOIN organizations o ON o.id = r.organization_id
  CROSS JOIN LATERAL (SELECT coalesce(o.time_zone, 'Asia/Shanghai') AS tz) z
  CROSS JOIN LATERAL (
    SELECT 'priority' AS dim, coalesce(r.priority, 'routine') AS key
    UNION ALL SELECT 'reader', r.reader_id WHERE r.reader_id IS NOT NULL
  ) k
  GROUP BY 1, 2, 3, 4, 5, 6
  ORDER BY 1, 4, 2, 5, 6
  ON CONFLICT (organization_id, dim, month_start, key, bucket) DO UPDATE SET
    exams = h.exams + EXCLUDED.exams,
    -- A row that had emptied starts afresh.
    min_min = CASE WHEN h.exams <= 0 THEN EXCLUDED.min_min ELSE least(h.min_min, EXCLUDED.min_min) END,
    max_min = CASE WHEN h.exams <= 0 THEN EXCLUDED.max_min ELSE greatest(h.max_min, EXCLUDED.max_min) END
$$;

CREATE FUNCTION ecg_turnaround_on_search() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changes jsonb;
BEGIN
  -- Only signed exams and the columns the histogram depends on; unchanged rows cancel out (a report status
  -- change rewrites the search row but moves nothing here).
  WITH delta AS (
    SELECT organization_id, exam_at, priority, reader_id::text AS reader_id,
      extract(epoch FROM signed_at - received_at) / 60 AS minutes, 1 AS sign
    FROM new_rows WHERE signed_at IS NOT NULL
    UNION ALL
    SELECT organization_id, exam_at, priority, reader_id::text,
      extract(epoch FROM signed_at - received_at) / 60, -1
    FROM old_rows WHERE signed_at IS NOT NULL
  ), net AS (
    SELECT organization_id, exam_at, priority, reader_id, minutes, sum(sign)::int AS sign
    FROM delta GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0
  )
  SELECT jsonb_agg(to_jsonb(net)) INTO changes FROM net;
  IF changes IS NOT NULL THEN
    PERFORM ecg_turnaround_apply(changes);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION ecg_turnaround_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changes jsonb;
BEGIN
  SELECT jsonb_agg(jsonb_build_object('organization_id', organization_id, 'exam_at', exam_at,
      'priority', priority, 'reader_id', reader_id, 'sign', 1,
      'minutes', extract(epoch FROM signed_at - received_at) / 60))
    INTO changes FROM new_rows WHERE signed_at IS NOT NULL;
  IF changes IS NOT NULL THEN
    PERFORM ecg_turnaround_apply(changes);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER ecg_turnaround_ins AFTER INSERT ON ecg_exam_search
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ecg_turnaround_on_insert();
CREATE TRIGGER ecg_turnaround_upd AFTER UPDATE ON ecg_exam_search
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION ecg_turnaround_on_search();

-- Exams already there, in one pass (no jsonb round trip for a million rows).
INSERT INTO ecg_turnaround_monthly (organization_id, month_start, month_end, dim, key, bucket, exams, min_min,
  max_min)
SELECT s.organization_id,
  date_trunc('month', s.exam_at AT TIME ZONE z.tz) AT TIME ZONE z.tz,
  (date_trunc('month', s.exam_at AT TIME ZONE z.tz) + interval '1 month') AT TIME ZONE z.tz,
  k.dim, k.key, ecg_tat_bucket(x.m), count(*), min(x.m), max(x.m)
FROM ecg_exam_search s
LEFT JOIN organizations o ON o.id = s.organization_id
CROSS JOIN LATERAL (SELECT coalesce(o.time_zone, 'Asia/Shanghai') AS tz) z
CROSS JOIN LATERAL (SELECT extract(epoch FROM s.signed_at - s.received_at) / 60 AS m) x
CROSS JOIN LATERAL (
  SELECT 'priority' AS dim, coalesce(s.priority, 'routine') AS key
  UNION ALL SELECT 'reader', s.reader_id::text WHERE s.reader_id IS NOT NULL
) k
WHERE s.signed_at IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;

-- Combined search (EXPLAIN ANALYZE on 1M exams): a statement, patient or QTc/HR filter over a period walked
-- (organization_id, exam_at) and fetched every row of the period from the table to test the filter (or, for QTc,
-- every QTc > 500 of all time from the QTc index), so a member hospital with few matches cost one heap visit per
-- exam of the year. With the statement codes, the patient, QTc and heart rate in the index, the page (ORDER BY
-- exam_at DESC, exam_id DESC LIMIT n) and the capped count are index-only scans that test the filter on the index
-- entry; it replaces the (organization_id, exam_at DESC) index of 0007.
CREATE INDEX ecg_exam_search_org_at_cover_idx ON ecg_exam_search (organization_id, exam_at DESC, exam_id DESC)
  INCLUDE (statement_codes, patient_id, qtc, heart_rate);
DROP INDEX ecg_exam_search_org_at_idx;
