-- Issue 6: HL7 v2 interfaces (inbound from HIS/LIS/POCT, outbound ECG results), their message store, the
-- visits and lab results they bring in, the outbox of results going out, and a minimal FHIR Task store.

-- One row per configured peer system. Inbound rows say which organisation a sender (MSH-3 application +
-- MSH-4 facility) belongs to and which system user acts for it; outbound rows are destinations of results.
CREATE TABLE hl7_interfaces (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id        uuid NOT NULL REFERENCES organizations(id),
  name                   text NOT NULL,
  direction              text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  sending_application    text,
  sending_facility       text,
  host                   text,
  port                   integer CHECK (port BETWEEN 1 AND 65535),
  receiving_application  text,
  receiving_facility     text,
  system_user_id         uuid NOT NULL REFERENCES users(id),
  active                 boolean NOT NULL DEFAULT true,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CHECK (direction <> 'inbound' OR sending_application IS NOT NULL),
  CHECK (direction <> 'outbound' OR (host IS NOT NULL AND port IS NOT NULL))
);
-- A sender maps to exactly one organisation.
CREATE UNIQUE INDEX hl7_interfaces_sender_idx ON hl7_interfaces (sending_application, coalesce(sending_facility, ''))
  WHERE direction = 'inbound' AND active;
CREATE INDEX hl7_interfaces_org_idx ON hl7_interfaces (organization_id, direction);

-- Every inbound frame, stored before it is acknowledged: the decoded text as received, who sent it, and what
-- became of it. status: received (stored, being applied) · applied · duplicate (same sender + MSH-10 already
-- applied) · error (parsed but could not be applied: AE) · refused (unparsable or unknown sender: AR).
CREATE TABLE hl7_messages (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  interface_id         uuid REFERENCES hl7_interfaces(id),
  organization_id      uuid REFERENCES organizations(id),
  sending_application  text,
  sending_facility     text,
  control_id           text,
  message_type         text,
  dedup_key            text,
  raw                  text NOT NULL,
  charset              text,
  remote_address       text,
  received_at          timestamptz NOT NULL DEFAULT now(),
  status               text NOT NULL DEFAULT 'received'
    CHECK (status IN ('received', 'applied', 'duplicate', 'error', 'refused')),
  ack_code             text,
  error                text,
  warnings             jsonb NOT NULL DEFAULT '[]',
  applied_at           timestamptz,
  effects              jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX hl7_messages_dedup_idx ON hl7_messages (dedup_key) WHERE status = 'applied';
CREATE INDEX hl7_messages_received_idx ON hl7_messages (received_at DESC);
CREATE INDEX hl7_messages_status_idx ON hl7_messages (status, received_at DESC);

-- Visits from ADT PV1: one row per visit number (or per message when the HIS sends none).
CREATE TABLE encounters (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id     uuid NOT NULL REFERENCES organizations(id),
  patient_id          uuid NOT NULL REFERENCES patients(id),
  visit_number        text,
  patient_class       text NOT NULL,
  patient_class_code  text,
  department          text,
  room                text,
  bed                 text,
  facility            text,
  attending_id        text,
  attending_name      text,
  admit_time          timestamptz,
  discharge_time      timestamptz,
  source_message_id   uuid REFERENCES hl7_messages(id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX encounters_visit_idx ON encounters (organization_id, visit_number) WHERE visit_number IS NOT NULL;
CREATE INDEX encounters_patient_idx ON encounters (patient_id, admit_time DESC);

-- Results from LIS / point-of-care ORU^R01 (troponin, CK-MB, …), one row per OBX.
CREATE TABLE lab_results (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id      uuid NOT NULL REFERENCES organizations(id),
  patient_id           uuid NOT NULL REFERENCES patients(id),
  message_id           uuid REFERENCES hl7_messages(id),
  placer_order_number  text,
  filler_order_number  text,
  service_code         text,
  service_text         text,
  code                 text NOT NULL,
  code_text            text,
  code_system          text,
  value_type           text NOT NULL,
  value_numeric        double precision,
  value_text           text,
  comparator           text,
  units                text,
  reference_range      text,
  abnormal_flags       text[] NOT NULL DEFAULT '{}',
  status               text NOT NULL,
  observed_at          timestamptz,
  reported_at          timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lab_results_patient_idx ON lab_results (patient_id, observed_at DESC);
CREATE INDEX lab_results_code_idx ON lab_results (organization_id, code, observed_at DESC);

-- Messages going out, one row per (message, destination). Rows are the queue: a sweep takes due rows with
-- FOR UPDATE SKIP LOCKED (several processes may sweep), sends, and records the outcome. After max attempts a
-- row waits in status 'error' (the error queue) until an admin fixes and replays it.
CREATE TABLE hl7_outbox (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id    uuid NOT NULL REFERENCES organizations(id),
  interface_id       uuid NOT NULL REFERENCES hl7_interfaces(id),
  kind               text NOT NULL DEFAULT 'ecg-report',
  -- The signed report version this message carries (no foreign key: reports live in their own module).
  report_id          uuid,
  report_version     integer,
  result_status      text CHECK (result_status IN ('F', 'C')),
  control_id         text NOT NULL,
  message            text NOT NULL,
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'error')),
  attempts           integer NOT NULL DEFAULT 0,
  next_attempt_at    timestamptz NOT NULL DEFAULT now(),
  last_error         text,
  ack_code           text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  sent_at            timestamptz
);
CREATE UNIQUE INDEX hl7_outbox_report_idx ON hl7_outbox (interface_id, report_id, report_version)
  WHERE report_id IS NOT NULL;
CREATE INDEX hl7_outbox_due_idx ON hl7_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX hl7_outbox_status_idx ON hl7_outbox (organization_id, status, created_at DESC);

-- FHIR Task (consultation / follow-up requests from other systems) until a workflow module owns tasks.
CREATE TABLE fhir_tasks (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  patient_id       uuid REFERENCES patients(id),
  status           text NOT NULL,
  intent           text NOT NULL,
  code_text        text,
  description      text,
  focus_reference  text,
  authored_on      timestamptz NOT NULL DEFAULT now(),
  last_modified    timestamptz NOT NULL DEFAULT now(),
  created_by       uuid REFERENCES users(id)
);
CREATE INDEX fhir_tasks_org_idx ON fhir_tasks (organization_id, status, authored_on DESC);
