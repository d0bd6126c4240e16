-- ECG reports (issue 5): versioned reports with a step-by-step workflow, per-organisation review levels and
-- settings, Ed25519 signing keys per organisation, and the critical-value (危急值) register.
-- Signed report versions are immutable here in SQL (trigger below), not only in the application.

-- How many senior review levels (1–3) a report needs before signing, per organisation and ECG type.
CREATE TABLE report_review_levels (
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  template         text NOT NULL CHECK (template IN ('resting-12', 'holter', 'paediatric')),
  levels           integer NOT NULL CHECK (levels BETWEEN 1 AND 3),
  updated_by       uuid REFERENCES users(id),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, template)
);

-- Other per-organisation settings of reporting: turnaround targets, critical-value acknowledgement time.
CREATE TABLE report_settings (
  organization_id        uuid PRIMARY KEY REFERENCES organizations(id),
  target_routine_min     integer NOT NULL DEFAULT 10 CHECK (target_routine_min BETWEEN 1 AND 1440),
  target_urgent_min      integer NOT NULL DEFAULT 3 CHECK (target_urgent_min BETWEEN 1 AND 1440),
  target_stat_min        integer NOT NULL DEFAULT 3 CHECK (target_stat_min BETWEEN 1 AND 1440),
  critical_ack_minutes   real NOT NULL DEFAULT 10 CHECK (critical_ack_minutes > 0 AND critical_ack_minutes <= 1440),
  -- Roles told when an acknowledgement is overdue, and the outbound channels (notification_channels) used.
  critical_escalation_roles text[] NOT NULL DEFAULT '{ecg_chief,ed_physician}',
  critical_channel_ids   uuid[] NOT NULL DEFAULT '{}',
  -- Identifiers on the PDF shown masked (middle characters replaced), as most hospitals require on paper.
  mask_identifiers       boolean NOT NULL DEFAULT true,
  updated_by             uuid REFERENCES users(id),
  updated_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE organization_signing_keys (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  algorithm        text NOT NULL DEFAULT 'ed25519' CHECK (algorithm = 'ed25519'),
  public_key       text NOT NULL,   -- SPKI DER, base64
  private_key_enc  bytea NOT NULL,  -- PKCS#8 DER base64, sealed with the app's field crypto (AES-256-GCM)
  created_at       timestamptz NOT NULL DEFAULT now(),
  retired_at       timestamptz
);
CREATE UNIQUE INDEX organization_signing_keys_active_idx ON organization_signing_keys (organization_id)
  WHERE retired_at IS NULL;

-- One report per exam; its content lives in versions (an amendment adds a version).
CREATE TABLE ecg_reports (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  exam_id          uuid NOT NULL UNIQUE REFERENCES ecg_exams(id),
  patient_id       uuid REFERENCES patients(id),
  current_version  integer NOT NULL DEFAULT 1,
  created_by       uuid REFERENCES users(id),
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ecg_reports_org_idx ON ecg_reports (organization_id, created_at DESC);
CREATE INDEX ecg_reports_patient_idx ON ecg_reports (patient_id);

CREATE TABLE ecg_report_versions (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  report_id               uuid NOT NULL REFERENCES ecg_reports(id),
  organization_id         uuid NOT NULL REFERENCES organizations(id),
  version                 integer NOT NULL,
  status                  text NOT NULL DEFAULT 'draft' CHECK (status IN
    ('draft', 'checked', 'diagnosed', 'reviewed', 'signed', 'published', 'superseded')),
  template                text NOT NULL CHECK (template IN ('resting-12', 'holter', 'paediatric')),
  -- Configuration snapshot taken when the version was created, so a later change does not move running reports.
  review_levels           integer NOT NULL CHECK (review_levels BETWEEN 1 AND 3),
  reviews_done            integer NOT NULL DEFAULT 0,
  -- The engine's values as analysed, never edited, beside the technician's corrections.
  automatic_measurements  jsonb NOT NULL DEFAULT '{}',
  measurements            jsonb NOT NULL DEFAULT '{}',
  automatic_statements    jsonb NOT NULL DEFAULT '[]',
  statements              jsonb NOT NULL DEFAULT '[]',
  free_text               text NOT NULL DEFAULT '',
  conclusion              text NOT NULL DEFAULT '',
  amends_version          integer,
  amendment_reason        text,
  -- Omission warnings shown at signing and the signer's decision on each.
  sign_warnings           jsonb,
  signed_by               uuid REFERENCES users(id),
  signed_at               timestamptz,
  content_hash            text,
  signature               text,
  signing_key_id          uuid REFERENCES organization_signing_keys(id),
  verify_token            text UNIQUE,
  pdf_blob                text,
  published_by            uuid REFERENCES users(id),
  published_at            timestamptz,
  created_by              uuid REFERENCES users(id),
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  UNIQUE (report_id, version),
  CHECK (signed_at IS NULL OR (content_hash IS NOT NULL AND signature IS NOT NULL AND signed_by IS NOT NULL))
);
CREATE INDEX ecg_report_versions_org_status_idx ON ecg_report_versions (organization_id, status);

-- A signed version may only move signed → published → superseded and get its PDF once (rendering may fail at
-- signing and be retried); every other column is frozen, and it can't be deleted. Direct SQL that bypasses this (trigger disabled) is caught by the signature check.
CREATE FUNCTION ecg_report_versions_frozen() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.signed_at IS NOT NULL THEN
      RAISE EXCEPTION 'signed report version % is immutable', OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.signed_at IS NULL THEN
    RETURN NEW;
  END IF;
  IF (to_jsonb(NEW) - 'status' - 'published_by' - 'published_at' - 'updated_at' - 'pdf_blob')
       IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'published_by' - 'published_at' - 'updated_at' - 'pdf_blob')
     OR (OLD.pdf_blob IS NOT NULL AND NEW.pdf_blob IS DISTINCT FROM OLD.pdf_blob)
     OR NOT (NEW.status = OLD.status
             OR (OLD.status = 'signed' AND NEW.status IN ('published', 'superseded'))
             OR (OLD.status = 'published' AND NEW.status = 'superseded'))
     OR (OLD.published_at IS NOT NULL AND NEW.published_at IS DISTINCT FROM OLD.published_at) THEN
    RAISE EXCEPTION 'signed report version % is immutable; amend it instead', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ecg_report_versions_frozen BEFORE UPDATE OR DELETE ON ecg_report_versions
  FOR EACH ROW EXECUTE FUNCTION ecg_report_versions_frozen();

-- Each workflow step: who, in which role, when, from which state to which, and why (returns, amendments).
CREATE TABLE ecg_report_events (
  id               bigserial PRIMARY KEY,
  report_id        uuid NOT NULL REFERENCES ecg_reports(id),
  version          integer NOT NULL,
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  action           text NOT NULL CHECK (action IN
    ('create', 'edit', 'check', 'diagnose', 'review', 'sign', 'publish', 'return', 'amend')),
  from_status      text,
  to_status        text NOT NULL,
  level            integer,
  user_id          uuid REFERENCES users(id),
  role             text,
  reason           text,
  detail           jsonb NOT NULL DEFAULT '{}',
  at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ecg_report_events_report_idx ON ecg_report_events (report_id, id);

CREATE FUNCTION ecg_report_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ecg_report_events is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ecg_report_events_no_update BEFORE UPDATE OR DELETE ON ecg_report_events
  FOR EACH STATEMENT EXECUTE FUNCTION ecg_report_events_append_only();

-- Critical-value register: one entry per exam and source (engine flag, physician confirmation).
CREATE TABLE critical_values (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id    uuid NOT NULL REFERENCES organizations(id),
  exam_id            uuid NOT NULL REFERENCES ecg_exams(id),
  patient_id         uuid REFERENCES patients(id),
  order_id           uuid REFERENCES ecg_orders(id),
  department_id      uuid REFERENCES departments(id),
  source             text NOT NULL CHECK (source IN ('engine', 'physician')),
  findings           jsonb NOT NULL,
  created_by         uuid REFERENCES users(id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  ack_due_at         timestamptz NOT NULL,
  acknowledged_by    uuid REFERENCES users(id),
  acknowledged_at    timestamptz,
  ack_note           text,
  escalation_level   integer NOT NULL DEFAULT 0,
  next_escalation_at timestamptz,
  UNIQUE (exam_id, source)
);
-- The critical sweep looks for recently analysed critical exams without an entry, every few seconds.
CREATE INDEX ecg_exams_critical_idx ON ecg_exams (analysed_at) WHERE critical;
CREATE INDEX critical_values_org_idx ON critical_values (organization_id, created_at DESC);
CREATE INDEX critical_values_due_idx ON critical_values (next_escalation_at) WHERE acknowledged_at IS NULL;

-- Who was told, how (in-app, live, an outbound channel) and when, at which escalation level.
CREATE TABLE critical_value_notices (
  id                 bigserial PRIMARY KEY,
  critical_id        uuid NOT NULL REFERENCES critical_values(id),
  organization_id    uuid NOT NULL REFERENCES organizations(id),
  level              integer NOT NULL,
  via                text NOT NULL CHECK (via IN ('in-app', 'live', 'channel')),
  user_id            uuid REFERENCES users(id),
  department_id      uuid REFERENCES departments(id),
  channel_id         uuid,
  notification_id    uuid,
  at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX critical_value_notices_idx ON critical_value_notices (critical_id, at);
