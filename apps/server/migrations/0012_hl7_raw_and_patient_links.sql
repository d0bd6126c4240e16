-- Issue 6: the exact bytes of every inbound MLLP frame (before any character-set decoding), so an admin can see
-- and download what the sender really sent (GB18030 included). Older rows and messages entered without a frame
-- (reprocessing, tests) have none.
ALTER TABLE hl7_messages ADD COLUMN raw_bytes bytea;

-- Issue 2: two patient records known to be the same person, kept apart (e.g. one in the county hospital and one
-- in a township hospital of the same network) instead of merged. A link is undone by setting unlinked_at; rows
-- are never deleted, so the history of links stays. The pair is stored in a fixed order (a < b).
CREATE TABLE patient_links (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_a_id    uuid NOT NULL REFERENCES patients(id),
  patient_b_id    uuid NOT NULL REFERENCES patients(id),
  reason          text NOT NULL,
  linked_by       uuid REFERENCES users(id),
  linked_org_id   uuid NOT NULL REFERENCES organizations(id),
  linked_at       timestamptz NOT NULL DEFAULT now(),
  unlinked_by     uuid REFERENCES users(id),
  unlinked_at     timestamptz,
  unlink_reason   text,
  CHECK (patient_a_id < patient_b_id)
);
CREATE UNIQUE INDEX patient_links_active_idx ON patient_links (patient_a_id, patient_b_id) WHERE unlinked_at IS NULL;
CREATE INDEX patient_links_b_idx ON patient_links (patient_b_id);

-- Issue 6: the head of the audit chain read under the chain's advisory lock in one call. A statement that waited
-- for the lock still sees the database as it was when the statement began; a plpgsql statement after the lock gets a
-- fresh snapshot, so it sees the entries committed while it waited. The lock key is the one plugins/audit.ts uses.
CREATE FUNCTION audit_chain_head_locked() RETURNS TABLE (seq bigint, hash text) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7317002);
  RETURN QUERY SELECT a.seq, a.hash FROM audit_log a ORDER BY a.seq DESC LIMIT 1;
END
$$;
