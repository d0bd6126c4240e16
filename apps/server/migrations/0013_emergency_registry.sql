-- Emergency (issue 7, session 2): identification of temporary patients with what moved, so it can be undone;
-- registry endpoints and uploads to the national chest pain / stroke / trauma data platforms.

-- An unknown patient identified: the temporary record is merged into the real one (patient_merges) and the
-- emergency cases and ECG exams of the temporary record are re-pointed. The ids that moved are kept so the
-- identification can be undone exactly (only rows still pointing to the real patient move back).
CREATE TABLE emergency_identifications (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id      uuid NOT NULL REFERENCES organizations(id),
  temporary_patient_id uuid NOT NULL REFERENCES patients(id),
  patient_id           uuid NOT NULL REFERENCES patients(id),
  merge_id             uuid REFERENCES patient_merges(id),
  case_ids             uuid[] NOT NULL DEFAULT '{}',
  ecg_exam_ids         uuid[] NOT NULL DEFAULT '{}',
  ecg_report_ids       uuid[] NOT NULL DEFAULT '{}',
  reason               text NOT NULL,
  identified_by        uuid REFERENCES users(id),
  identified_at        timestamptz NOT NULL DEFAULT now(),
  undone_at            timestamptz,
  undone_by            uuid REFERENCES users(id),
  undo_reason          text
);
CREATE INDEX emergency_identifications_org_idx ON emergency_identifications (organization_id, identified_at);
CREATE INDEX emergency_identifications_open_idx ON emergency_identifications (merge_id) WHERE undone_at IS NULL;

-- Where a hospital uploads each registry's cases (one row per organisation and registry).
CREATE TABLE emergency_registry_endpoints (
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  registry         text NOT NULL,
  url              text NOT NULL,
  headers          jsonb NOT NULL DEFAULT '{}',
  hospital_code    text,
  timeout_ms       integer NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 120000),
  enabled          boolean NOT NULL DEFAULT true,
  updated_by       uuid REFERENCES users(id),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, registry)
);

-- One upload of one case (a signed-off snapshot of the mapped record); retried by the job until accepted,
-- rejected by the registry, or out of attempts.
CREATE TABLE emergency_registry_uploads (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  case_id          uuid NOT NULL REFERENCES emergency_cases(id),
  registry         text NOT NULL,
  status           text NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'sending', 'retrying', 'accepted', 'rejected', 'failed')),
  payload          jsonb NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  last_status_code integer,
  response         jsonb,
  registry_case_id text,
  signed_off_by    uuid REFERENCES users(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  accepted_at      timestamptz
);
CREATE INDEX emergency_registry_uploads_case_idx ON emergency_registry_uploads (case_id, created_at DESC);
CREATE INDEX emergency_registry_uploads_org_idx ON emergency_registry_uploads (organization_id, status, created_at DESC);
-- At most one upload in flight per case and registry.
CREATE UNIQUE INDEX emergency_registry_uploads_open_idx ON emergency_registry_uploads (case_id, registry)
  WHERE status IN ('queued', 'sending', 'retrying');
