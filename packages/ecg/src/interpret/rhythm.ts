/**
 * Rhythm statements for a resting ECG (typically 10 s): sinus rhythms, AF, ectopy with counts and patterns,
 * runs, pauses and first-degree AV block. Decisions use the beat classes, the RR intervals and whether the
 * median beat has a P wave.
 */
import type { FlutterFinding } from '../rhythm/flutter-waves';
import type { AamiClass, Statement } from '../types';
import { type StatementCode, statement } from './library';
import type { InterpretInput } from './types';

interface Run {
  cls: AamiClass;
  start: number;
  length: number;
}

function runsOf(classes: AamiClass[], cls: AamiClass): Run[] {
  const out: Run[] = [];
  let i = 0;
  while (i < classes.length) {
    if (classes[i] !== cls) {
      i++;
      continue;
    }
    let j = i;
    while (j < classes.length && classes[j] === cls) j++;
    out.push({ cls, start: i, length: j - i });
    i = j;
  }
  return out;
}

/** Longest stretch where every `period`-th beat is ectopic and the others normal (bigeminy: 2, trigeminy: 3). */
function longestGeminy(classes: AamiClass[], ectopic: AamiClass, period: number): number {
  let best = 0;
  for (let phase = 0; phase < period; phase++) {
    let cycles = 0;
    for (let i = phase; i + period - 1 < classes.length; i += period) {
      let ok = classes[i + period - 1] === ectopic;
      for (let k = 0; k < period - 1 && ok; k++) ok = classes[i + k] === 'N';
      cycles = ok ? cycles + 1 : 0;
      best = Math.max(best, cycles);
    }
  }
  return best;
}

/** RR irregularity of normal-to-normal intervals: coefficient of variation and median successive change. */
export function rrIrregularity(
  beats: Int32Array,
  classes: AamiClass[] | undefined,
): { cv: number; msd: number; count: number } {
  const nn: number[] = [];
  for (let i = 1; i < beats.length; i++) {
    if (classes && (classes[i] !== 'N' || classes[i - 1] !== 'N')) continue;
    nn.push(beats[i] - beats[i - 1]);
  }
  if (nn.length < 3) return { cv: 0, msd: 0, count: nn.length };
  const mean = nn.reduce((a, b) => a + b, 0) / nn.length;
  const sd = Math.sqrt(nn.reduce((a, b) => a + (b - mean) ** 2, 0) / (nn.length - 1));
  const diffs = nn.slice(1).map((v, i) => Math.abs(v - nn[i]) / mean);
  diffs.sort((a, b) => a - b);
  return { cv: sd / mean, msd: diffs[diffs.length >> 1], count: nn.length };
}

export function rhythmStatements(input: InterpretInput): Statement[] {
  const { beats, sampleRate: fs, measurements: m } = input;
  const out: Statement[] = [];
  const samples = beats.samples;
  if (samples.length < 2 || m.heartRate === undefined) return out;
  const classes = beats.classes && beats.classes.length === samples.length ? beats.classes : undefined;
  const hr = m.heartRate;
  const count = (c: AamiClass) => (classes ? classes.filter((x) => x === c).length : 0);
  const paced = count('P');
  const ectopicV = count('V');
  const ectopicS = count('S');
  const qrsWide = (m.qrsDuration ?? 0) >= 120;

  const irregular = rrIrregularity(samples, classes);
  // AF: irregularly irregular normal-to-normal intervals without a consistent P wave.
  const isIrregular = irregular.count >= 4 && irregular.cv > 0.08 && irregular.msd > 0.06;
  // Two views of atrial activity: the P wave of the median beat, and the beat-to-beat consistency of the pre-QRS
  // segment (≈0.7–0.95 with P waves, ≈0–0.4 in AF). In a regular rhythm either one showing P waves suffices
  // (the median may miss a small P merged with the T wave). In an irregular rhythm the median can show a false
  // "P" (T-wave tails of varying cycles overlapping), so it counts only when it looks like a sinus P wave, and
  // when the two views disagree the AF statement says "consider".
  const consistency = input.atrialConsistency;
  const sinusLikeP =
    input.pWavePresent &&
    (m.pAxis === undefined || (m.pAxis >= -30 && m.pAxis <= 105)) &&
    (m.pDuration === undefined || m.pDuration <= 150);
  const consistentP = consistency !== undefined && consistency >= 0.6;
  const fibrillatory = consistency !== undefined && consistency < 0.55;
  const pPresent = isIrregular
    ? consistentP || (sinusLikeP && !fibrillatory)
    : input.pWavePresent || consistentP;
  // P waves followed through the record in a second-degree AV block pattern are P waves, whatever the RR.
  const blockPattern =
    input.avBlock !== undefined && input.avBlock.kind !== 'none' && input.avBlock.typical >= 2;
  let af: 'definite' | 'consider' | undefined;
  if (isIrregular && !pPresent && !blockPattern) {
    // Frequent unclassified ectopy also looks irregular; only a marked irregularity is called AF outright.
    const marked = irregular.cv > 0.12 && irregular.msd > 0.1;
    const conflicting = sinusLikeP || (consistency !== undefined && !fibrillatory);
    af = marked && !conflicting ? 'definite' : 'consider';
  }

  // Complete AV block: a slow regular QRS rhythm with regular P waves at a faster rate that keep no fixed
  // relation to it (the PR interval wanders). Only "consider": P waves hidden in QRS/T can be missed.
  const av = input.avConduction;
  const dissociated =
    av !== undefined &&
    !input.pWavePresent &&
    hr < 60 &&
    irregular.cv < 0.1 &&
    av.atrialEvents >= 4 &&
    av.ppRegularity >= 0.8 &&
    av.atrialRate >= 1.3 * av.ventricularRate &&
    av.atrialRate <= 180 &&
    av.prSd > 60;

  if (paced > samples.length / 2) {
    const pacing = input.pacing;
    // Classes from a device or a spike channel are taken as they are; pacing inferred from smeared spikes at a
    // low sampling rate is likely but not certain.
    const certainty = pacing?.kind === 'low-rate-spikes' ? 'consider' : 'definite';
    const values: Record<string, number | string> = { pacedBeats: paced, heartRate: hr };
    if (pacing && pacing.kind !== 'none') {
      values.spikes = pacing.spikes;
      values.beatsAfterSpike = pacing.beatsAfterSpike;
    }
    out.push(statement('PACED', certainty, { values }));
  } else if (dissociated) {
    out.push(
      statement('AVB3', 'consider', {
        values: {
          atrialRate: av!.atrialRate,
          ventricularRate: av!.ventricularRate,
          prSd: av!.prSd,
          qrs: m.qrsDuration ?? 0,
        },
      }),
    );
  } else if (input.flutter?.certainty === 'definite') {
    out.push(flutterStatement(input.flutter, hr));
  } else if (af) {
    out.push(
      statement('AFIB', af, {
        values: {
          heartRate: hr,
          rrCv: round3(irregular.cv),
          rrMedianSuccessiveChange: round3(irregular.msd),
          ...(consistency !== undefined ? { atrialConsistency: round3(consistency) } : {}),
        },
      }),
    );
  } else if (pPresent || blockPattern) {
    const values = { heartRate: hr };
    // Above 150/min a "sinus" tachycardia at rest may be flutter with 2:1 block or an atrial tachycardia.
    if (hr > 100) out.push(statement('STACH', hr >= 150 ? 'consider' : 'definite', { values }));
    else if (hr < 60) out.push(statement('SBRAD', 'definite', { values }));
    else out.push(statement('SR', 'definite', { values }));
    const rrRange = (m.rrMax ?? 0) - (m.rrMin ?? 0);
    if (rrRange > 120 && ectopicS + ectopicV === 0 && isIrregular === false && irregular.cv > 0.05) {
      out.push(statement('SARRH', 'definite', { values: { rrRange: Math.round(rrRange) } }));
    } else if (
      isIrregular &&
      ectopicS + ectopicV === 0 &&
      !(input.avBlock && input.avBlock.kind !== 'none')
    ) {
      out.push(statement('SARRH', 'consider', { values: { rrCv: round3(irregular.cv) } }));
    }
  } else if (hr >= 150 || (hr > 100 && qrsWide)) {
    // Regular and no visible P wave: a re-entrant or ventricular tachycardia, or sinus with hidden P waves.
    out.push(statement(qrsWide ? 'VT' : 'SVT', 'consider', { values: { heartRate: hr } }));
  } else if (hr > 100) {
    // Below 150/min a narrow regular tachycardia is most often sinus with P waves hidden in the T waves.
    out.push(statement('STACH', 'consider', { values: { heartRate: hr } }));
  } else if (hr < 60 && !qrsWide) {
    out.push(statement('JUNCTIONAL', 'consider', { values: { heartRate: hr } }));
  }

  // A weak flutter signature (one lead, or 2:1) beside sinus P waves is more likely their harmonics: left out.
  if (input.flutter?.certainty === 'consider' && paced <= samples.length / 2 && !pPresent) {
    out.push(flutterStatement(input.flutter, hr));
  }

  if (classes) {
    if (ectopicV > 0) out.push(statement('PVC', 'definite', { values: { count: ectopicV } }));
    if (ectopicS > 0) out.push(statement('PAC', 'definite', { values: { count: ectopicS } }));
    if (longestGeminy(classes, 'V', 2) >= 3)
      out.push(statement('V_BIGEMINY', 'definite', { values: { count: ectopicV } }));
    else if (longestGeminy(classes, 'V', 3) >= 3)
      out.push(statement('V_TRIGEMINY', 'definite', { values: { count: ectopicV } }));
    if (longestGeminy(classes, 'S', 2) >= 3)
      out.push(statement('A_BIGEMINY', 'definite', { values: { count: ectopicS } }));
    // One statement per kind of run, however many there are (a Holter-length record may hold hundreds):
    // the count, and the longest run with its own rate and duration.
    const couplets = runsOf(classes, 'V').filter((r) => r.length === 2).length;
    if (couplets > 0) out.push(statement('V_COUPLET', 'definite', { values: { count: couplets } }));
    for (const cls of ['V', 'S'] as const) {
      const runs = runsOf(classes, cls).filter((r) => r.length >= 3);
      if (runs.length === 0) continue;
      const longest = runs.reduce((a, b) => (b.length > a.length ? b : a));
      const first = samples[longest.start];
      const last = samples[longest.start + longest.length - 1];
      const rate = Math.round((60 * fs * (longest.length - 1)) / Math.max(1, last - first));
      const whole = longest.length >= samples.length - 1;
      const code = cls === 'V' ? (whole ? 'VT' : 'VT_RUN') : whole ? 'SVT' : 'SVT_RUN';
      out.push(
        statement(code, 'definite', {
          values: {
            runs: runs.length,
            beats: longest.length,
            rate,
            durationSec: round3((last - first) / fs),
          },
        }),
      );
    }
  }

  const longest = (m.rrMax ?? 0) / 1000;
  if (longest >= 2) out.push(statement('PAUSE', 'definite', { values: { longestRrSec: round3(longest) } }));

  // A PR interval longer than half the RR interval at this rate means the "P wave" was probably a T wave.
  const prPlausible = m.pr !== undefined && m.rrMean !== undefined && m.pr < 0.5 * m.rrMean;
  // 2:1 AV block: every other P wave is not conducted, so the median beat carries a second, identical P wave
  // half a cycle after the first. Its atrial rate is twice the (slow) ventricular rate.
  // One typical drop may be chance (a missed or an extra P wave): two are needed for "consider", three for
  // "definite" (2:1: three and four consecutive cycles).
  const need = input.avBlock?.kind === '2to1' ? 3 : 2;
  const block =
    input.avBlock && input.avBlock.kind !== 'none' && paced === 0 && input.avBlock.typical >= need
      ? input.avBlock
      : undefined;
  if (block) {
    const codes: Record<string, StatementCode> = {
      mobitz1: 'AVB2_I',
      mobitz2: 'AVB2_II',
      '2to1': 'AVB2_2TO1',
      'high-grade': 'AVB_HIGH',
    };
    const code = codes[block.kind];
    const enough = block.typical > need;
    const values: Record<string, number | string> = {
      atrialRate: block.atrialRate,
      ventricularRate: block.ventricularRate,
      droppedP: block.dropped,
      typicalDrops: block.typical,
      prMinMs: Math.min(...block.prMs),
      prMaxMs: Math.max(...block.prMs),
    };
    // The worst conduction ratio seen, e.g. 3:1 (two consecutive P waves not conducted).
    if (block.kind === 'high-grade') values.conductionRatio = `${block.maxConsecutiveDropped + 1}:1`;
    out.push(statement(code, enough ? 'definite' : 'consider', { values }));
  }
  const blocked = input.blockedP;
  if (
    !block &&
    blocked &&
    input.pWavePresent &&
    hr < 60 &&
    irregular.cv < 0.08 &&
    blocked.correlation >= 0.8 &&
    blocked.amplitudeRatio >= 0.6 &&
    blocked.amplitudeRatio <= 1.6
  ) {
    out.push(
      statement('AVB2_2TO1', 'consider', {
        values: {
          atrialRate: Math.round(2 * hr),
          ventricularRate: hr,
          pCorrelation: round3(blocked.correlation),
        },
      }),
    );
  }

  // With Wenckebach periods the median PR is an average of changing intervals: no separate PR statements.
  if (pPresent && m.pr !== undefined && prPlausible && paced === 0 && block?.kind !== 'mobitz1') {
    if (m.pr > 200) out.push(statement('AVB1', 'definite', { values: { pr: m.pr } }));
    else if (m.pr < 120 && !((m.qrsDuration ?? 0) >= 110))
      out.push(statement('SHORT_PR', 'definite', { values: { pr: m.pr } }));
    else if (m.pr < 120)
      out.push(statement('WPW', 'consider', { values: { pr: m.pr, qrs: m.qrsDuration ?? 0 } }));
  }
  return out;
}

function flutterStatement(f: FlutterFinding, hr: number): Statement {
  return statement('AFLT', f.certainty, {
    leads: f.leads.map((l) => l.lead),
    values: {
      atrialRate: f.atrialRate,
      ventricularRate: hr,
      conduction: f.conduction > 0 ? `${f.conduction}:1` : 'variable',
      concentration: Math.max(...f.leads.map((l) => l.concentration)),
    },
  });
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
