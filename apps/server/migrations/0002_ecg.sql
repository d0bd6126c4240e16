-- ECG acquisition (issue 4): orders, exams with their original file and decoded waveform, matching history.
-- Originals and waveforms live in the blob store (content-addressed by sha256); rows hold their keys.

CREATE TABLE ecg_orders (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id         uuid NOT NULL REFERENCES organizations(id),
  patient_id              uuid NOT NULL REFERENCES patients(id),
  accession_number        text NOT NULL,
  placer_number           text,
  filler_number           text,
  procedure_code          text NOT NULL,
  procedure_name          text NOT NULL,
  priority                text NOT NULL DEFAULT 'routine' CHECK (priority IN ('routine', 'urgent', 'stat')),
  green_channel           boolean NOT NULL DEFAULT false,
  ordering_department_id  uuid REFERENCES departments(id),
  ordering_clinician      text,
  -- Named so that later issues (HIS integration, reports) can widen it with DROP/ADD CONSTRAINT.
  status                  text NOT NULL DEFAULT 'scheduled'
    CONSTRAINT ecg_orders_status_check CHECK (status IN ('scheduled', 'in-progress', 'completed', 'cancelled')),
  scheduled_at            timestamptz NOT NULL DEFAULT now(),
  source                  text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'hl7')),
  cancel_reason           text,
  created_by              uuid REFERENCES users(id),
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, accession_number)
);
CREATE INDEX ecg_orders_org_status_idx ON ecg_orders (organization_id, status, scheduled_at);
CREATE INDEX ecg_orders_patient_idx ON ecg_orders (patient_id);

CREATE TABLE ecg_exams (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id      uuid NOT NULL REFERENCES organizations(id),
  patient_id           uuid REFERENCES patients(id),
  order_id             uuid REFERENCES ecg_orders(id),
  -- acquired → analysed (or analysis-failed); issue 5 adds report states by widening this constraint.
  status               text NOT NULL DEFAULT 'acquired'
    CONSTRAINT ecg_exams_status_check CHECK (status IN ('acquired', 'analysed', 'analysis-failed')),
  acquired_at          timestamptz,
  received_at          timestamptz NOT NULL DEFAULT now(),
  channel              text NOT NULL CHECK (channel IN ('upload', 'api', 'dicom', 'folder', 'hl7')),
  device_id            uuid,
  device_name          text,
  device               jsonb NOT NULL DEFAULT '{}',
  format               text NOT NULL,
  -- The main original file (byte for byte) and, for multi-file records (WFDB .hea + .dat), every file.
  original_blob        text NOT NULL,
  original_name        text NOT NULL,
  original_files       jsonb NOT NULL DEFAULT '[]',
  content_hash         text NOT NULL,
  instance_uid         text,
  -- What the file says about patient and order; national IDs only masked plus a keyed hash (see ingest.ts).
  identifiers          jsonb NOT NULL DEFAULT '{}',
  sample_rate          double precision NOT NULL,
  sample_count         integer NOT NULL,
  duration_sec         double precision NOT NULL,
  lead_names           text[] NOT NULL,
  -- Decoded waveform: Float32 little-endian, lead-major (see docs/acquisition.md).
  waveform_blob        text NOT NULL,
  analysis             jsonb,
  analysis_error       text,
  analysed_at          timestamptz,
  device_measurements  jsonb,
  device_statements    jsonb,
  warnings             jsonb NOT NULL DEFAULT '[]',
  critical             boolean NOT NULL DEFAULT false,
  match_state          text NOT NULL DEFAULT 'unmatched' CHECK (match_state IN ('matched', 'unmatched')),
  matched_by           text,
  created_by           uuid REFERENCES users(id),
  UNIQUE (organization_id, content_hash),
  UNIQUE (organization_id, instance_uid)
);
CREATE INDEX ecg_exams_org_received_idx ON ecg_exams (organization_id, received_at DESC);
CREATE INDEX ecg_exams_org_match_idx ON ecg_exams (organization_id, match_state, received_at DESC);
CREATE INDEX ecg_exams_patient_idx ON ecg_exams (patient_id, acquired_at DESC);
CREATE INDEX ecg_exams_order_idx ON ecg_exams (order_id);
CREATE INDEX ecg_exams_pending_idx ON ecg_exams (status) WHERE status = 'acquired';

-- Every change of the patient/order an exam belongs to, automatic or manual; never deleted.
CREATE TABLE ecg_exam_links (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  exam_id              uuid NOT NULL REFERENCES ecg_exams(id),
  organization_id      uuid NOT NULL REFERENCES organizations(id),
  action               text NOT NULL CHECK (action IN ('auto-match', 'link', 'unlink')),
  patient_id           uuid REFERENCES patients(id),
  order_id             uuid REFERENCES ecg_orders(id),
  matched_by           text,
  reason               text,
  user_id              uuid REFERENCES users(id),
  at                   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ecg_exam_links_exam_idx ON ecg_exam_links (exam_id, at);
