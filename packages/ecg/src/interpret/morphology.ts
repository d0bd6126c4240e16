/**
 * Conduction, axis, hypertrophy, QT, voltage and repolarisation statements from the global measurements and the
 * per-lead amplitudes of the representative beat. Thresholds are the usual adult limits (domain.md §2).
 */
import type { Statement } from '../types';
import { qrsPeakToPeak, usableLeads } from './leads';
import { statement } from './library';
import type { InterpretInput } from './types';

export function morphologyStatements(input: InterpretInput, paced: boolean): Statement[] {
  const m = input.measurements;
  const out: Statement[] = [];
  const L = usableLeads(input);
  const lead = (n: string) => L.get(n);
  const qrs = m.qrsDuration;

  // Conduction: bundle branch blocks by QRS width and the shape of V1 and the lateral leads.
  if (qrs !== undefined && !paced) {
    const v1 = lead('V1');
    const lateral = ['I', 'V5', 'V6'].map(lead).filter((x) => x !== undefined);
    const v1Rsr = v1 !== undefined && (v1.rPrimeAmp ?? 0) > 0;
    const v1DominantR = v1 !== undefined && (v1.rAmp ?? 0) > Math.abs(v1.sAmp ?? 0) && (v1.rAmp ?? 0) > 100;
    const v1Negative =
      v1 !== undefined && Math.abs(Math.min(v1.sAmp ?? 0, v1.qAmp ?? 0)) > 2 * (v1.rAmp ?? 0) && !v1Rsr;
    const lateralTerminalS = lateral.some((x) => (x.sAmp ?? 0) < -100);
    const lateralBroadR =
      lateral.length > 0 && lateral.every((x) => (x.qAmp ?? 0) > -50 && (x.sAmp ?? 0) > -150);
    const values = { qrs };
    if (qrs >= 120) {
      if ((v1Rsr || v1DominantR) && lateralTerminalS)
        out.push(statement('RBBB', 'definite', { leads: ['V1', 'I', 'V6'], values }));
      else if (v1Negative && lateralBroadR)
        out.push(statement('LBBB', 'definite', { leads: ['V1', 'I', 'V6'], values }));
      else out.push(statement('IVCD', 'definite', { values }));
    } else if (qrs >= 110 && v1Rsr) {
      out.push(statement('IRBBB', 'definite', { leads: ['V1'], values }));
    }
  }

  // Left/right arm reversal (or dextrocardia) turns lead I upside down: P, QRS and T all negative in I while
  // aVR, normally negative, becomes positive.
  const leadI = lead('I');
  const aVR = lead('aVR');
  if (leadI && aVR && !paced) {
    const net = (x: typeof leadI) => (x.rAmp ?? 0) + Math.min(x.qAmp ?? 0, x.sAmp ?? 0);
    if ((leadI.pAmp ?? 0) < -30 && net(leadI) < -150 && (leadI.tAmp ?? 0) < -50 && net(aVR) > 150)
      out.push(
        statement('LIMB_LEAD_REVERSAL', 'consider', {
          leads: ['I', 'aVR'],
          values: { pI: leadI.pAmp ?? 0, qrsNetI: net(leadI), tI: leadI.tAmp ?? 0, qrsNetAvr: net(aVR) },
        }),
      );
  }

  // Frontal axis.
  const axis = m.qrsAxis;
  if (axis !== undefined && !paced) {
    const values = { qrsAxis: axis };
    if (axis < -90) out.push(statement('EXTREME_AXIS', 'definite', { values }));
    else if (axis < -30) {
      out.push(statement('LAD', 'definite', { values }));
      if (axis <= -45 && (qrs ?? 0) < 120) out.push(statement('LAFB', 'consider', { values }));
    } else if (axis > 90) {
      out.push(statement('RAD', 'definite', { values }));
      // LPFB is a diagnosis of exclusion (RVH, lateral MI, thin habitus mimic it), so never more than "consider".
      const I = lead('I');
      const III = lead('III');
      if (axis >= 100 && (qrs ?? 0) < 120 && I && III && (I.sAmp ?? 0) < 0 && (III.qAmp ?? 0) < 0)
        out.push(statement('LPFB', 'consider', { values }));
    }
  }

  // LVH voltage: Sokolow–Lyon SV1 + max(RV5, RV6) ≥ 3.5 mV; Cornell RaVL + SV3 > 2.8 mV men, > 2.0 mV women.
  const v1 = lead('V1');
  const v5 = lead('V5');
  const v6 = lead('V6');
  const avl = lead('aVL');
  const v3 = lead('V3');
  const lvhValues: Record<string, number | string> = {};
  let lvh = false;
  if (v1 && (v5 || v6)) {
    const sokolow = Math.abs(v1.sAmp ?? 0) + Math.max(v5?.rAmp ?? 0, v6?.rAmp ?? 0);
    lvhValues.sokolowLyonUv = Math.round(sokolow);
    if (sokolow >= 3500) lvh = true;
  }
  if (avl && v3) {
    const cornell = (avl.rAmp ?? 0) + Math.abs(v3.sAmp ?? 0);
    const limit = input.sex === 'F' ? 2000 : 2800;
    lvhValues.cornellUv = Math.round(cornell);
    lvhValues.cornellLimitUv = limit;
    if (cornell > limit) lvh = true;
  }
  if (lvh && !paced && !out.some((s) => s.code === 'LBBB')) {
    // Young adults often have high voltage without hypertrophy.
    const young = input.age !== undefined && input.age < 35;
    out.push(
      statement('LVH_VOLTAGE', young ? 'consider' : 'definite', {
        leads: ['V1', 'V5', 'V6', 'aVL', 'V3'],
        values: lvhValues,
      }),
    );
  }

  // QT: QTc above 450 ms men / 460 ms women; ≥ 500 ms high risk. Bazett over-corrects above 100/min, so
  // Fridericia is judged there instead.
  const fast = (m.heartRate ?? 0) > 100;
  const qtc = fast ? m.qtcFridericia : m.qtcBazett;
  if (qtc !== undefined && m.qt !== undefined) {
    const limit = input.sex === 'F' ? 460 : 450;
    const values = { qt: m.qt, qtc, formula: fast ? 'Fridericia' : 'Bazett', limit };
    // A wide QRS lengthens the QT without a repolarisation problem.
    const soft = (qrs ?? 0) >= 120;
    if (qtc > limit) {
      out.push(statement('LONG_QT', qtc >= 500 && !soft ? 'definite' : 'consider', { values }));
    } else if (qtc < 340 && !fast) {
      out.push(statement('SHORT_QT', 'consider', { values }));
    }
  }

  // Low voltage: every limb lead QRS < 0.5 mV peak to peak (and every chest lead < 1.0 mV).
  const limb = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF'].map(lead).filter((x) => x !== undefined);
  const chest = ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'].map(lead).filter((x) => x !== undefined);
  if (limb.length >= 4 && limb.every((x) => qrsPeakToPeak(x) < 500)) {
    const chestLow = chest.length >= 4 && chest.every((x) => qrsPeakToPeak(x) < 1000);
    const maxLimb = Math.max(...limb.map(qrsPeakToPeak));
    out.push(
      statement(chestLow ? 'LOW_VOLTAGE' : 'LOW_VOLTAGE_LIMB', 'definite', {
        values: { maxLimbQrsUv: Math.round(maxLimb) },
      }),
    );
  }

  // Repolarisation (not interpretable with a wide or paced QRS): ST depression and T inversion in ≥ 2 leads.
  if (!paced && (qrs ?? 0) < 120) {
    const depressed = [...L.entries()].filter(
      ([n, x]) => n !== 'aVR' && n !== 'V1' && (x.st60 ?? 0) <= -50 && (x.stJ ?? 0) <= -25,
    );
    if (depressed.length >= 2) {
      out.push(
        statement('ST_DEPRESSION', 'consider', {
          leads: depressed.map(([n]) => n),
          values: Object.fromEntries(depressed.map(([n, x]) => [`st60_${n}`, x.st60 ?? 0])),
        }),
      );
    }
    const uprightLeads = ['I', 'II', 'V3', 'V4', 'V5', 'V6'];
    const inverted = uprightLeads.filter((n) => (lead(n)?.tAmp ?? 0) <= -100);
    if (inverted.length >= 2) {
      out.push(
        statement('T_ABNORMAL', 'consider', {
          leads: inverted,
          values: Object.fromEntries(inverted.map((n) => [`t_${n}`, lead(n)?.tAmp ?? 0])),
        }),
      );
    }
    if (lvh && (depressed.length >= 2 || inverted.length >= 2) && out.some((s) => s.code === 'LVH_VOLTAGE'))
      out.push(statement('LVH_STRAIN', 'consider', { values: lvhValues }));
  }
  return out;
}
