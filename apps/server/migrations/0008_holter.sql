-- Holter (long-term ECG) results (docs/holter.md). The summary (counts, hourly rate, pauses, AF, runs, HRV, events,
-- a per-minute index into the beat list) is jsonb; the beat list itself is a blob (Int32 sample positions, then one
-- class byte per beat) because a day holds ~100 000 beats, far too many for a JSON array read with every exam.
ALTER TABLE ecg_exams
  ADD COLUMN holter jsonb,
  ADD COLUMN holter_beats_blob text,
  ADD COLUMN holter_beat_count integer;
