-- Patient lookups for combined searches (ECG exams by patient name, pinyin or initials) ask only for the ids of
-- live (not merged-away) patients whose initials, pinyin or name start with the term. These partial covering
-- indexes answer them as index-only scans: no heap visit per patient, so a common initials' thousands of
-- patients cost a few milliseconds. The plain (organization_id, ...) indexes of 0001 stay for the ranked
-- patient search that includes merged records.
CREATE INDEX patients_live_initials_idx ON patients (organization_id, name_initials text_pattern_ops)
  INCLUDE (id) WHERE merged_into_id IS NULL;
CREATE INDEX patients_live_pinyin_idx ON patients (organization_id, name_pinyin text_pattern_ops)
  INCLUDE (id) WHERE merged_into_id IS NULL;
CREATE INDEX patients_live_name_idx ON patients (organization_id, name text_pattern_ops)
  INCLUDE (id) WHERE merged_into_id IS NULL;
