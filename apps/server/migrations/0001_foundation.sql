-- Foundation: organisations, departments, users and sessions, patient index, audit log.
-- Every patient-data table carries organization_id; queries filter on it in SQL.

CREATE TABLE organizations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  type        text NOT NULL CHECK (type IN ('hub-hospital', 'member-hospital', 'clinic', 'ambulance-station', 'other-hospital')),
  parent_id   uuid REFERENCES organizations(id),
  time_zone   text NOT NULL DEFAULT 'Asia/Shanghai',
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE departments (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  code             text NOT NULL,
  name             text NOT NULL,
  kind             text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, code)
);

CREATE TABLE users (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username         text NOT NULL UNIQUE,
  display_name     text NOT NULL,
  password_hash    text NOT NULL,
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  department_id    uuid REFERENCES departments(id),
  roles            text[] NOT NULL DEFAULT '{}',
  active           boolean NOT NULL DEFAULT true,
  failed_logins    integer NOT NULL DEFAULT 0,
  locked_until     timestamptz,
  last_login_at    timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_org_idx ON users (organization_id);

CREATE TABLE sessions (
  token_hash   bytea PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  client_ip    text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         text NOT NULL,
  token_hash   bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

CREATE TABLE patients (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  name             text NOT NULL,
  name_pinyin      text NOT NULL,   -- full pinyin without tones or spaces: zhangsan
  name_initials    text NOT NULL,   -- first letters: zs
  sex              text NOT NULL CHECK (sex IN ('M', 'F', 'U')),
  birth_date       date,
  national_id_enc  bytea,           -- AES-256-GCM, see lib/crypto.ts
  national_id_masked text,
  phone_enc        bytea,
  phone_masked     text,
  address          text,
  merged_into_id   uuid REFERENCES patients(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  version          integer NOT NULL DEFAULT 1
);
-- Search is always scoped by organisation, so every search index leads with it.
CREATE INDEX patients_org_name_idx ON patients (organization_id, name text_pattern_ops);
CREATE INDEX patients_org_pinyin_idx ON patients (organization_id, name_pinyin text_pattern_ops);
CREATE INDEX patients_org_initials_idx ON patients (organization_id, name_initials text_pattern_ops);
CREATE INDEX patients_org_birth_idx ON patients (organization_id, birth_date);

CREATE TABLE patient_identifiers (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id       uuid NOT NULL REFERENCES patients(id),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  type             text NOT NULL CHECK (type IN ('his', 'outpatient', 'inpatient', 'insurance', 'national-id')),
  -- For national IDs the lookup is a keyed hash (HMAC) and display holds the masked form; for the others both
  -- hold the value itself.
  lookup           text NOT NULL,
  display          text NOT NULL,
  issuer_org_id    uuid REFERENCES organizations(id),
  issuer           text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX patient_identifiers_lookup_idx ON patient_identifiers (organization_id, lookup);
CREATE INDEX patient_identifiers_patient_idx ON patient_identifiers (patient_id);
CREATE UNIQUE INDEX patient_identifiers_unique_idx ON patient_identifiers (organization_id, type, lookup, coalesce(issuer, ''));

CREATE TABLE patient_merges (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id     uuid NOT NULL REFERENCES organizations(id),
  target_patient_id   uuid NOT NULL REFERENCES patients(id),
  source_patient_id   uuid NOT NULL REFERENCES patients(id),
  moved_identifier_ids uuid[] NOT NULL DEFAULT '{}',
  reason              text NOT NULL,
  merged_by           uuid REFERENCES users(id),
  merged_at           timestamptz NOT NULL DEFAULT now(),
  undone_by           uuid REFERENCES users(id),
  undone_at           timestamptz,
  undo_reason         text
);
CREATE INDEX patient_merges_target_idx ON patient_merges (target_patient_id);
CREATE INDEX patient_merges_source_idx ON patient_merges (source_patient_id);

CREATE TABLE patient_history (
  id          bigserial PRIMARY KEY,
  patient_id  uuid NOT NULL REFERENCES patients(id),
  at          timestamptz NOT NULL DEFAULT now(),
  user_id     uuid REFERENCES users(id),
  action      text NOT NULL,
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX patient_history_patient_idx ON patient_history (patient_id, at);

-- Append-only, hash-chained audit log. seq is contiguous (assigned under an advisory lock), each row's hash
-- covers its content and the previous row's hash, so changing, inserting or deleting a row breaks the chain.
CREATE TABLE audit_log (
  seq              bigint PRIMARY KEY,
  at               timestamptz NOT NULL,
  user_id          uuid,
  username         text,
  role             text,
  organization_id  uuid,
  action           text NOT NULL,
  resource_type    text,
  resource_id      text,
  patient_id       uuid,
  client_ip        text,
  outcome          text NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
  detail           jsonb NOT NULL DEFAULT '{}',
  prev_hash        text NOT NULL,
  hash             text NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_patient_idx ON audit_log (patient_id, at);
CREATE INDEX audit_log_user_idx ON audit_log (username, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
