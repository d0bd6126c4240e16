-- Per-case QC metrics: one row per case and metric of its center that applies to it (a metric that does not apply
-- counts nowhere, so it has no row), computed by @lifeline/emergency
-- (computeCaseMetrics, the same definitions the case screen uses) so the QC endpoints aggregate in SQL instead of
-- loading every case and node of a period. Organisation, center and index time (door, else first medical
-- contact, else the earliest time) are copied onto each row so a period query reads this table alone.
CREATE TABLE emergency_case_metrics (
  case_id                     uuid NOT NULL REFERENCES emergency_cases(id) ON DELETE CASCADE,
  metric                      text NOT NULL,
  kind                        text NOT NULL CHECK (kind IN ('interval', 'proportion')),
  organization_id             uuid NOT NULL,
  prehospital_organization_id uuid,
  center                      text NOT NULL,
  -- Places the case in a period; null when the case has no exact time yet (then it is in no period).
  index_at                    timestamptz,
  -- Interval metrics: minutes null when not computable (missing node, end before start).
  -- Proportion metrics: the case is eligible (denominator); counted = in the numerator.
  -- minutes is the package's value (one decimal) as the same double; averages are taken as numeric.
  minutes                     double precision,
  target_minutes              double precision,
  within_target               boolean,
  counted                     boolean,
  PRIMARY KEY (case_id, metric)
);
CREATE INDEX emergency_case_metrics_period_idx ON emergency_case_metrics (center, index_at);
-- The longest outliers of a metric without sorting all of them.
CREATE INDEX emergency_case_metrics_outliers_idx ON emergency_case_metrics (center, metric, minutes DESC)
  WHERE within_target = false;

-- Cases whose metric rows must be recomputed before the next QC read. Triggers on cases and time nodes mark a
-- case in the writing transaction, whatever module writes (node tap or edit or delete, case fields, merge, lab or
-- ECG times); the server recomputes marked cases with the package code and removes the mark only if it was not
-- renewed meanwhile (seq).
CREATE SEQUENCE emergency_case_metrics_stale_seq;
CREATE TABLE emergency_case_metrics_stale (
  case_id uuid PRIMARY KEY,
  seq     bigint NOT NULL DEFAULT nextval('emergency_case_metrics_stale_seq')
);

CREATE FUNCTION emergency_case_mark_metrics_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO emergency_case_metrics_stale (case_id) SELECT DISTINCT r.id FROM new_rows r
  ON CONFLICT (case_id) DO UPDATE SET seq = nextval('emergency_case_metrics_stale_seq');
  RETURN NULL;
END $$;

-- A node moved to another case (merge) marks both cases.
CREATE FUNCTION emergency_node_mark_metrics_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO emergency_case_metrics_stale (case_id) SELECT DISTINCT r.case_id FROM new_rows r
    ON CONFLICT (case_id) DO UPDATE SET seq = nextval('emergency_case_metrics_stale_seq');
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO emergency_case_metrics_stale (case_id) SELECT DISTINCT r.case_id FROM old_rows r
    ON CONFLICT (case_id) DO UPDATE SET seq = nextval('emergency_case_metrics_stale_seq');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER emergency_cases_metrics_ins AFTER INSERT ON emergency_cases
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION emergency_case_mark_metrics_stale();
CREATE TRIGGER emergency_cases_metrics_upd AFTER UPDATE ON emergency_cases
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION emergency_case_mark_metrics_stale();
CREATE TRIGGER emergency_nodes_metrics_ins AFTER INSERT ON emergency_time_nodes
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION emergency_node_mark_metrics_stale();
CREATE TRIGGER emergency_nodes_metrics_upd AFTER UPDATE ON emergency_time_nodes
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION emergency_node_mark_metrics_stale();
CREATE TRIGGER emergency_nodes_metrics_del AFTER DELETE ON emergency_time_nodes
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION emergency_node_mark_metrics_stale();

-- Backfill: every existing case is marked; the first QC read (or the start-up job) computes its rows.
INSERT INTO emergency_case_metrics_stale (case_id) SELECT id FROM emergency_cases;
