// Hand-worked examples from the cited tables (GCS: Teasdale 1974; RTS: Champion 1989; ISS: Baker 1974;
// CRAMS: Gormican 1982; PHI: Koehler 1986; TS: Champion 1981; TI: Kirkpatrick 1971 Chinese table).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CRAMS,
  createTableScore,
  EmergencyInputError,
  GCS,
  ISS,
  PHI,
  PHI_TABLE,
  RTS,
  rtsCodedGcs,
  rtsCodedRespiratoryRate,
  rtsCodedSystolicBp,
  ScoreInputError,
  TRAUMA_INDEX,
  TRAUMA_SCORE,
} from '../src/index';

test('GCS: sum, bands and the intubated "T"', () => {
  assert.equal(GCS.compute({ eyes: 4, verbal: 5, motor: 6 }).interpretation.level, 'mild');
  assert.equal(GCS.compute({ eyes: 1, verbal: 1, motor: 1 }).total, 3);
  assert.equal(GCS.compute({ eyes: 2, verbal: 2, motor: 4 }).interpretation.level, 'severe');
  assert.equal(GCS.compute({ eyes: 3, verbal: 3, motor: 3 }).interpretation.level, 'moderate');
  const t = GCS.compute({ eyes: 3, verbal: 'T', motor: 6 });
  assert.equal(t.display, '9T');
  assert.equal(t.total, 9);
  assert.equal(t.details?.components, 'E3VTM6');
  assert.equal(t.interpretation.level, 'intubated');
  assert.deepEqual(t.untestable, ['verbal']);
  assert.throws(
    () => GCS.compute({ eyes: 3, verbal: 6, motor: 6 }),
    (e: unknown) => e instanceof ScoreInputError && e.item === 'verbal',
  );
  assert.throws(() => GCS.compute({ eyes: 0, verbal: 5, motor: 6 }), /gcs item "eyes"/);
});

test('RTS: coded values at the band edges', () => {
  assert.deepEqual([15, 13, 12, 9, 8, 6, 5, 4, 3].map(rtsCodedGcs), [4, 4, 3, 3, 2, 2, 1, 1, 0]);
  assert.deepEqual([120, 90, 89, 76, 75, 50, 49, 1, 0].map(rtsCodedSystolicBp), [4, 4, 3, 3, 2, 2, 1, 1, 0]);
  assert.deepEqual([16, 29, 30, 10, 9, 6, 5, 1, 0].map(rtsCodedRespiratoryRate), [4, 4, 3, 4, 2, 2, 1, 1, 0]);
});

test('RTS: GCS 10, SBP 80, RR 32 → codes 3/3/3, RTS 5.8806, triage 9', () => {
  const r = RTS.compute({ gcs: 10, systolicBp: 80, respiratoryRate: 32 });
  assert.equal(r.total, 5.8806);
  assert.equal(r.display, '5.8806');
  assert.equal(r.details?.triageRts, 9);
  assert.equal(r.interpretation.level, 'trauma-center');
  const normal = RTS.compute({ gcs: 15, systolicBp: 120, respiratoryRate: 16 });
  assert.equal(normal.total, 7.8408);
  assert.equal(normal.details?.triageRts, 12);
  assert.equal(normal.interpretation.level, 'normal');
  assert.equal(RTS.compute({ gcs: 3, systolicBp: 0, respiratoryRate: 0 }).total, 0);
  assert.throws(
    () => RTS.compute({ gcs: 2, systolicBp: 80, respiratoryRate: 32 }),
    /rts item "gcs": must be between 3 and 15/,
  );
  assert.throws(
    () => RTS.compute({ gcs: 10.5, systolicBp: 80, respiratoryRate: 32 }),
    /"gcs": must be a whole number/,
  );
  assert.throws(() => RTS.compute({ gcs: 10, systolicBp: -1, respiratoryRate: 32 }), /"systolicBp"/);
});

const noInjury = { headNeck: 0, face: 0, chest: 0, abdomen: 0, extremities: 0, external: 0 };

test('ISS: sum of squares of the three highest regions; AIS 6 gives 75; > 15 major', () => {
  const r = ISS.compute({ ...noInjury, headNeck: 4, chest: 3, abdomen: 2, extremities: 2, external: 1 });
  assert.equal(r.total, 16 + 9 + 4);
  assert.equal(r.details?.majorTrauma, true);
  assert.equal(ISS.compute({ ...noInjury, chest: 6, face: 1 }).total, 75);
  const fifteen = ISS.compute({ ...noInjury, chest: 3, abdomen: 2, face: 1, extremities: 1 });
  assert.equal(fifteen.total, 14);
  assert.equal(fifteen.details?.majorTrauma, false);
  const sixteen = ISS.compute({ ...noInjury, headNeck: 4 });
  assert.equal(sixteen.total, 16);
  assert.equal(sixteen.interpretation.level, 'severe');
  assert.equal(ISS.compute(noInjury).total, 0);
  assert.throws(() => ISS.compute({ ...noInjury, chest: 7 }), /iss item "chest"/);
});

test('CRAMS: 10 minor, 8 major (≤ 8), 6 critical', () => {
  const normal = { circulation: 2, respiration: 2, abdomen: 2, motor: 2, speech: 2 };
  assert.equal(CRAMS.compute(normal).interpretation.level, 'minor');
  const eight = CRAMS.compute({ ...normal, circulation: 1, respiration: 1 });
  assert.equal(eight.total, 8);
  assert.equal(eight.details?.majorTrauma, true);
  assert.equal(
    CRAMS.compute({ ...normal, circulation: 0, respiration: 1, speech: 1 }).interpretation.level,
    'critical',
  );
  assert.equal(CRAMS.range.max, 10);
  assert.throws(() => CRAMS.compute({ ...normal, motor: 3 }), /crams item "motor": must be one of 2, 1, 0/);
});

test('PHI: SBP 86–100 (1) + pulse ≥ 120 (3) = 4, major; penetrating wound adds 4', () => {
  const items = { systolicBp: 1, pulse: 3, respiration: 0, consciousness: 0, penetratingInjury: 0 };
  const r = PHI.compute(items);
  assert.equal(r.total, 4);
  assert.equal(r.details?.majorTrauma, true);
  assert.equal(PHI.compute({ ...items, pulse: 0 }).interpretation.level, 'minor');
  assert.equal(PHI.compute({ ...items, penetratingInjury: 4 }).total, 8);
  assert.equal(PHI.range.max, 24);
  assert.throws(() => PHI.compute({ ...items, pulse: 4 }), /"pulse"/);
});

test('Trauma Score 1981: normal physiology 16; ≤ 12 flags major trauma', () => {
  const normal = { respiratoryRate: 4, respiratoryExpansion: 1, systolicBp: 4, capillaryRefill: 2, gcs: 5 };
  const r = TRAUMA_SCORE.compute(normal);
  assert.equal(r.total, 16);
  assert.equal(r.interpretation.level, 'mild');
  assert.deepEqual(TRAUMA_SCORE.range, { min: 1, max: 16 });
  const twelve = TRAUMA_SCORE.compute({ ...normal, systolicBp: 2, capillaryRefill: 1, gcs: 4 });
  assert.equal(twelve.total, 12);
  assert.equal(twelve.details?.majorTrauma, true);
});

test('Trauma Index: chest, blunt, SBP < 100, drowsy, dyspnoea = 5+5+3+1+3 = 17, severe', () => {
  const r = TRAUMA_INDEX.compute({
    region: 5,
    injuryType: 5,
    circulation: 3,
    consciousness: 1,
    respiration: 3,
  });
  assert.equal(r.total, 17);
  assert.equal(r.interpretation.level, 'severe');
  assert.deepEqual(TRAUMA_INDEX.range, { min: 5, max: 30 });
  assert.equal(
    TRAUMA_INDEX.compute({ region: 1, injuryType: 1, circulation: 1, consciousness: 1, respiration: 1 })
      .interpretation.level,
    'minor',
  );
});

test('a site can replace a score table; broken tables are refused', () => {
  const strictPhi = createTableScore({
    ...PHI_TABLE,
    bands: [
      { min: 0, max: 2, level: 'minor', zh: '轻伤', en: 'minor' },
      { min: 3, max: 24, level: 'major', zh: '重伤', en: 'major' },
    ],
    majorWhen: { atLeast: 3 },
  });
  const items = { systolicBp: 0, pulse: 3, respiration: 0, consciousness: 0, penetratingInjury: 0 };
  assert.equal(strictPhi.compute(items).details?.majorTrauma, true);
  assert.equal(PHI.compute(items).details?.majorTrauma, false);
  assert.throws(
    () => createTableScore({ ...PHI_TABLE, bands: [PHI_TABLE.bands[0]] }),
    (e: unknown) =>
      e instanceof EmergencyInputError && /phi\.bands: no band covers a total of 4/.test(e.message),
  );
  const dup = {
    ...PHI_TABLE.items[0],
    options: [PHI_TABLE.items[0].options[0], PHI_TABLE.items[0].options[0]],
  };
  assert.throws(() => createTableScore({ ...PHI_TABLE, items: [dup] }), /unique/);
});
