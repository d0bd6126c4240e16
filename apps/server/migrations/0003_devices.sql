-- Electrocardiographs and other acquiring devices: how each one reaches Lifeline (DICOM calling AE title, a drop
-- folder). The DICOM SCP accepts associations only from active devices' AE titles (the allow-list).
CREATE TABLE devices (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  department_id    uuid REFERENCES departments(id),
  name             text NOT NULL,
  kind             text NOT NULL DEFAULT 'ecg-cart' CHECK (kind IN ('ecg-cart', 'holter', 'monitor', 'gateway', 'other')),
  manufacturer     text,
  model            text,
  ae_title         text UNIQUE CHECK (ae_title ~ '^[ -~]{1,16}$' AND ae_title !~ '\\'),
  drop_folder      text UNIQUE,
  active           boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_org_idx ON devices (organization_id);
