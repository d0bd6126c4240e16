-- Statistics at county scale (issue 8, second step): daily counts per dimension, kept by triggers on
-- ecg_exam_search, so that volume and diagnosis statistics over years read thousands of rows, not millions.
-- Also: a refresh that changes nothing writes nothing (no dead tuples, no index churn).

-- One row per organisation, local calendar day (the organisation's time zone), dimension and key:
--   all (key ''), department, device, priority, technician, reader (signed exams), code (one per statement).
CREATE TABLE ecg_stats_daily (
  organization_id  uuid NOT NULL,
  day              date NOT NULL,
  dim              text NOT NULL,
  key              text NOT NULL,
  exams            integer NOT NULL,
  critical         integer NOT NULL,
  PRIMARY KEY (organization_id, dim, day, key)
);

CREATE FUNCTION ecg_stats_daily_apply(rows jsonb) RETURNS void LANGUAGE sql AS $$
  -- rows: [{organization_id, exam_at, department_id, device_name, priority, technician_id, reader_id,
  --         statement_codes, critical, sign}] where sign is +1 (new) or -1 (old).
  INSERT INTO ecg_stats_daily AS d (organization_id, day, dim, key, exams, critical)
  SELECT r.organization_id, (r.exam_at AT TIME ZONE coalesce(o.time_zone, 'Asia/Shanghai'))::date, k.dim, k.key,
    sum(r.sign), sum(CASE WHEN r.critical THEN r.sign ELSE 0 END)
  FROM jsonb_to_recordset(rows) AS r(organization_id uuid, exam_at timestamptz, department_id text,
    device_name text, priority text, technician_id text, reader_id text, statement_codes text[],
    critical boolean, sign integer)
  LEFT JOIN organizations o ON o.id = r.organization_id
  CROSS JOIN LATERAL (
    SELECT 'all' AS dim, '' AS key
    UNION ALL SELECT 'department', coalesce(r.department_id, '')
    UNION ALL SELECT 'device', coalesce(r.device_name, '')
    UNION ALL SELECT 'priority', coalesce(r.priority, '')
    UNION ALL SELECT 'technician', r.technician_id WHERE r.technician_id IS NOT NULL
    UNION ALL SELECT 'reader', r.reader_id WHERE r.reader_id IS NOT NULL
    UNION ALL SELECT 'code', c FROM unnest(r.statement_codes) c
  ) k
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 3, 2, 4
  ON CONFLICT (organization_id, dim, day, key)
  DO UPDATE SET exams = d.exams + EXCLUDED.exams, critical = d.critical + EXCLUDED.critical
$$;

CREATE FUNCTION ecg_stats_daily_on_search() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changes jsonb;
BEGIN
  -- Only the columns the counts depend on; rows whose counted columns did not change cancel out.
  WITH delta AS (
    SELECT organization_id, exam_at, department_id::text, device_name, priority, technician_id::text,
      reader_id::text, statement_codes, critical, 1 AS sign FROM new_rows
    UNION ALL
    SELECT organization_id, exam_at, department_id::text, device_name, priority, technician_id::text,
      reader_id::text, statement_codes, critical, -1 FROM old_rows
  ), net AS (
    SELECT organization_id, exam_at, department_id, device_name, priority, technician_id, reader_id,
      statement_codes, critical, sum(sign)::int AS sign
    FROM delta GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 HAVING sum(sign) <> 0
  )
  SELECT jsonb_agg(to_jsonb(net)) INTO changes FROM net;
  IF changes IS NOT NULL THEN
    PERFORM ecg_stats_daily_apply(changes);
  END IF;
  RETURN NULL;
END $$;

-- Inserts only add; updates add the new rows and subtract the old (exams are never deleted).
CREATE FUNCTION ecg_stats_daily_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ecg_stats_daily_apply(
    (SELECT jsonb_agg(jsonb_build_object('organization_id', organization_id, 'exam_at', exam_at,
      'department_id', department_id, 'device_name', device_name, 'priority', priority,
      'technician_id', technician_id, 'reader_id', reader_id, 'statement_codes', statement_codes,
      'critical', critical, 'sign', 1)) FROM new_rows));
  RETURN NULL;
END $$;

CREATE TRIGGER ecg_stats_daily_ins AFTER INSERT ON ecg_exam_search
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ecg_stats_daily_on_insert();
CREATE TRIGGER ecg_stats_daily_upd AFTER UPDATE ON ecg_exam_search
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION ecg_stats_daily_on_search();

-- The refresh of 0007, writing only rows that differ from what is stored.
CREATE OR REPLACE FUNCTION ecg_exam_search_refresh(ids uuid[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO ecg_exam_search AS t (exam_id, organization_id, patient_id, exam_at, received_at, status,
    report_status, critical, device_name, department_id, priority, green_channel, technician_id, reader_id,
    signed_at, heart_rate, pr, qrs, qt, qtc, statement_codes, statement_text)
  SELECT e.id, e.organization_id, e.patient_id, coalesce(e.acquired_at, e.received_at), e.received_at, e.status,
    v.status, e.critical, e.device_name, o.ordering_department_id, o.priority, coalesce(o.green_channel, false),
    e.created_by, s.signed_by, s.signed_at,
    ecg_search_num(m.m, 'heartRate'), ecg_search_num(m.m, 'pr'), ecg_search_num(m.m, 'qrsDuration'),
    ecg_search_num(m.m, 'qt'), ecg_search_num(m.m, 'qtcBazett'),
    ecg_search_codes(st.s), ecg_search_text(st.s, v.conclusion)
  FROM ecg_exams e
  LEFT JOIN ecg_orders o ON o.id = e.order_id
  LEFT JOIN ecg_reports r ON r.exam_id = e.id
  LEFT JOIN ecg_report_versions v ON v.report_id = r.id AND v.version = r.current_version
  LEFT JOIN LATERAL (
    SELECT sv.signed_by, sv.signed_at FROM ecg_report_versions sv
    WHERE sv.report_id = r.id AND sv.signed_at IS NOT NULL ORDER BY sv.version LIMIT 1
  ) s ON true
  CROSS JOIN LATERAL (
    SELECT coalesce(e.analysis -> 'measurements', '{}') || coalesce(v.measurements, '{}') AS m
  ) m
  CROSS JOIN LATERAL (
    SELECT CASE WHEN v.id IS NOT NULL THEN v.statements ELSE e.analysis -> 'statements' END AS s
  ) st
  WHERE e.id = ANY(ids)
  ON CONFLICT (exam_id) DO UPDATE SET
    organization_id = EXCLUDED.organization_id, patient_id = EXCLUDED.patient_id, exam_at = EXCLUDED.exam_at,
    received_at = EXCLUDED.received_at, status = EXCLUDED.status, report_status = EXCLUDED.report_status,
    critical = EXCLUDED.critical, device_name = EXCLUDED.device_name, department_id = EXCLUDED.department_id,
    priority = EXCLUDED.priority, green_channel = EXCLUDED.green_channel,
    technician_id = EXCLUDED.technician_id, reader_id = EXCLUDED.reader_id, signed_at = EXCLUDED.signed_at,
    heart_rate = EXCLUDED.heart_rate, pr = EXCLUDED.pr, qrs = EXCLUDED.qrs, qt = EXCLUDED.qt,
    qtc = EXCLUDED.qtc, statement_codes = EXCLUDED.statement_codes, statement_text = EXCLUDED.statement_text
  WHERE (t.organization_id, t.patient_id, t.exam_at, t.received_at, t.status, t.report_status, t.critical,
         t.device_name, t.department_id, t.priority, t.green_channel, t.technician_id, t.reader_id, t.signed_at,
         t.heart_rate, t.pr, t.qrs, t.qt, t.qtc, t.statement_codes, t.statement_text)
    IS DISTINCT FROM
        (EXCLUDED.organization_id, EXCLUDED.patient_id, EXCLUDED.exam_at, EXCLUDED.received_at, EXCLUDED.status,
         EXCLUDED.report_status, EXCLUDED.critical, EXCLUDED.device_name, EXCLUDED.department_id,
         EXCLUDED.priority, EXCLUDED.green_channel, EXCLUDED.technician_id, EXCLUDED.reader_id,
         EXCLUDED.signed_at, EXCLUDED.heart_rate, EXCLUDED.pr, EXCLUDED.qrs, EXCLUDED.qt, EXCLUDED.qtc,
         EXCLUDED.statement_codes, EXCLUDED.statement_text)
$$;

-- Exams already there.
SELECT ecg_stats_daily_apply((SELECT jsonb_agg(jsonb_build_object('organization_id', organization_id,
  'exam_at', exam_at, 'department_id', department_id, 'device_name', device_name, 'priority', priority,
  'technician_id', technician_id, 'reader_id', reader_id, 'statement_codes', statement_codes,
  'critical', critical, 'sign', 1)) FROM ecg_exam_search))
WHERE EXISTS (SELECT 1 FROM ecg_exam_search);

-- Turnaround percentiles read signed exams by organisation and time without visiting the table.
CREATE INDEX ecg_exam_search_signed_idx ON ecg_exam_search (organization_id, exam_at)
  INCLUDE (priority, reader_id, signed_at, received_at) WHERE signed_at IS NOT NULL;
