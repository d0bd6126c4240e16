-- Emergency three centers (chest pain, stroke, trauma): cases, time nodes with edit history, scores,
-- checklists, consents, cath-lab/OR registration, team activation with escalation; in-app notifications and
-- outbound notification channels. Every row carries organization_id; queries filter on it in SQL.

CREATE SEQUENCE emergency_wristband_seq;

CREATE TABLE emergency_cases (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id    uuid NOT NULL REFERENCES organizations(id),
  patient_id         uuid NOT NULL REFERENCES patients(id),
  center             text NOT NULL CHECK (center IN ('chest-pain', 'stroke', 'trauma')),
  -- The pathway definition version the case was started under; it never changes afterwards.
  pathway_version    text NOT NULL,
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
  start_source       text NOT NULL CHECK (start_source IN ('triage', 'ecg', 'prehospital')),
  arrival_mode       text CHECK (arrival_mode IN ('ambulance', 'transfer', 'walk-in', 'in-hospital')),
  -- ECG that started the case (modules/ecg, table ecg_exams); no FK because that module is optional.
  source_ecg_id      uuid,
  wristband          text NOT NULL,
  temporary_identity boolean NOT NULL DEFAULT false,
  diagnosis          text,
  treatments         text[] NOT NULL DEFAULT '{}',
  bypassed_ed        boolean,
  fields             jsonb NOT NULL DEFAULT '{}',
  delay_reasons      jsonb NOT NULL DEFAULT '[]',
  outcome            text CHECK (outcome IN ('discharged', 'transferred', 'died')),
  created_by         uuid REFERENCES users(id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  closed_at          timestamptz,
  UNIQUE (organization_id, wristband, center)
);
CREATE INDEX emergency_cases_org_status_idx ON emergency_cases (organization_id, status, center);
CREATE INDEX emergency_cases_org_created_idx ON emergency_cases (organization_id, created_at);
CREATE INDEX emergency_cases_patient_idx ON emergency_cases (patient_id);

-- Non-node events of a case (started, identified, activation, outcome…), shown on the timeline.
CREATE TABLE emergency_case_events (
  id               bigserial PRIMARY KEY,
  case_id          uuid NOT NULL REFERENCES emergency_cases(id),
  organization_id  uuid NOT NULL,
  at               timestamptz NOT NULL DEFAULT now(),
  user_id          uuid REFERENCES users(id),
  action           text NOT NULL,
  detail           jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX emergency_case_events_case_idx ON emergency_case_events (case_id, at);

-- The current value of each recorded node (instance '' unless the node is multiple, e.g. per culprit vessel).
CREATE TABLE emergency_time_nodes (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id          uuid NOT NULL REFERENCES emergency_cases(id),
  organization_id  uuid NOT NULL,
  code             text NOT NULL,
  instance         text NOT NULL DEFAULT '',
  at               timestamptz,
  window_from      timestamptz,
  window_to        timestamptz,
  source           text NOT NULL CHECK (source IN ('tap', 'manual', 'device', 'interface', 'ecg', 'lab')),
  source_detail    text,
  reason           text,
  recorded_by      uuid REFERENCES users(id),
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  version          integer NOT NULL DEFAULT 1,
  deleted_at       timestamptz,
  CHECK (at IS NOT NULL OR (window_from IS NOT NULL AND window_to IS NOT NULL))
);
CREATE UNIQUE INDEX emergency_time_nodes_live_idx ON emergency_time_nodes (case_id, code, instance)
  WHERE deleted_at IS NULL;

-- Every value a node ever had, with who changed it, when and why.
CREATE TABLE emergency_time_node_history (
  id           bigserial PRIMARY KEY,
  node_id      uuid NOT NULL REFERENCES emergency_time_nodes(id),
  action       text NOT NULL CHECK (action IN ('record', 'edit', 'delete')),
  at           timestamptz,
  window_from  timestamptz,
  window_to    timestamptz,
  source       text NOT NULL,
  source_detail text,
  reason       text,
  changed_by   uuid REFERENCES users(id),
  changed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX emergency_time_node_history_node_idx ON emergency_time_node_history (node_id, changed_at);

CREATE TABLE emergency_scores (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id          uuid NOT NULL REFERENCES emergency_cases(id),
  organization_id  uuid NOT NULL,
  code             text NOT NULL,
  label            text,
  items            jsonb NOT NULL,
  total            double precision NOT NULL,
  display          text NOT NULL,
  interpretation   jsonb NOT NULL,
  result           jsonb NOT NULL,
  assessed_at      timestamptz NOT NULL,
  author_id        uuid REFERENCES users(id),
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX emergency_scores_case_idx ON emergency_scores (case_id, code, assessed_at);

CREATE TABLE emergency_checklists (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id          uuid NOT NULL REFERENCES emergency_cases(id),
  organization_id  uuid NOT NULL,
  checklist_code   text NOT NULL,
  answers          jsonb NOT NULL,
  outcome          text NOT NULL,
  reasons          jsonb NOT NULL,
  decision         text,
  decided_by       uuid REFERENCES users(id),
  decided_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX emergency_checklists_case_idx ON emergency_checklists (case_id);

CREATE TABLE emergency_consents (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id          uuid NOT NULL REFERENCES emergency_cases(id),
  organization_id  uuid NOT NULL,
  kind             text NOT NULL,
  started_at       timestamptz,
  signed_at        timestamptz,
  photo            bytea,
  photo_type       text,
  recorded_by      uuid REFERENCES users(id),
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX emergency_consents_case_idx ON emergency_consents (case_id);

-- Cath-lab or operating-room registration of a case: one row per procedure, details as a validated document.
CREATE TABLE emergency_procedures (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id          uuid NOT NULL REFERENCES emergency_cases(id),
  organization_id  uuid NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('cathlab', 'or')),
  data             jsonb NOT NULL,
  recorded_by      uuid REFERENCES users(id),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX emergency_procedures_case_idx ON emergency_procedures (case_id);

-- Outbound notification channels (WeChat Work group robot, generic webhook, SMS gateway).
CREATE TABLE notification_channels (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  kind             text NOT NULL CHECK (kind IN ('wecom-robot', 'webhook', 'sms')),
  name             text NOT NULL,
  config           jsonb NOT NULL,
  enabled          boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE emergency_teams (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id         uuid NOT NULL REFERENCES organizations(id),
  code                    text NOT NULL,
  name                    text NOT NULL,
  member_ids              uuid[] NOT NULL DEFAULT '{}',
  escalation_user_ids     uuid[] NOT NULL DEFAULT '{}',
  escalate_after_minutes  integer NOT NULL DEFAULT 5 CHECK (escalate_after_minutes BETWEEN 1 AND 120),
  channel_ids             uuid[] NOT NULL DEFAULT '{}',
  UNIQUE (organization_id, code)
);

CREATE TABLE emergency_activations (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id   uuid NOT NULL,
  case_id           uuid NOT NULL REFERENCES emergency_cases(id),
  team_id           uuid NOT NULL REFERENCES emergency_teams(id),
  activated_by      uuid REFERENCES users(id),
  activated_at      timestamptz NOT NULL DEFAULT now(),
  note              text,
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'cancelled')),
  -- When the sweep escalates if still nobody acknowledged; null once acknowledged or cancelled.
  escalate_at       timestamptz,
  escalation_level  integer NOT NULL DEFAULT 0,
  last_escalated_at timestamptz
);
CREATE INDEX emergency_activations_due_idx ON emergency_activations (escalate_at) WHERE status = 'open';
CREATE INDEX emergency_activations_case_idx ON emergency_activations (case_id);

CREATE TABLE emergency_activation_members (
  activation_id    uuid NOT NULL REFERENCES emergency_activations(id),
  user_id          uuid NOT NULL REFERENCES users(id),
  notified_at      timestamptz NOT NULL DEFAULT now(),
  acknowledged_at  timestamptz,
  arrived_at       timestamptz,
  escalation       boolean NOT NULL DEFAULT false,
  PRIMARY KEY (activation_id, user_id)
);

-- In-app notifications, one row per recipient.
CREATE TABLE notifications (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL,
  user_id          uuid NOT NULL REFERENCES users(id),
  kind             text NOT NULL,
  severity         text NOT NULL DEFAULT 'info' CHECK (severity IN ('info', 'warning', 'critical')),
  title            text NOT NULL,
  body             text NOT NULL DEFAULT '',
  link             text,
  resource_type    text,
  resource_id      text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  read_at          timestamptz,
  acked_at         timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);

-- Every outbound attempt through a channel, with its outcome.
CREATE TABLE notification_deliveries (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL,
  channel_id       uuid NOT NULL REFERENCES notification_channels(id),
  kind             text NOT NULL,
  title            text NOT NULL,
  status           text NOT NULL CHECK (status IN ('sent', 'failed')),
  attempts         integer NOT NULL,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz
);
CREATE INDEX notification_deliveries_channel_idx ON notification_deliveries (channel_id, created_at DESC);
