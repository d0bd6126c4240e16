-- Prehospital cases across organisations: an ambulance station (120) starts the case for the receiving hospital,
-- which owns it (organization_id); the station keeps access to record its times while the patient is on the way.
ALTER TABLE emergency_cases ADD COLUMN prehospital_organization_id uuid REFERENCES organizations(id);
CREATE INDEX emergency_cases_prehospital_idx ON emergency_cases (prehospital_organization_id, status)
  WHERE prehospital_organization_id IS NOT NULL;
