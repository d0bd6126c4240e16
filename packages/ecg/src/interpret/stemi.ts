/**
 * ST-elevation myocardial infarction by the Fourth Universal Definition of MI (Thygesen et al., 2018): ST elevation
 * at the J point in two contiguous leads of one territory, ≥ 1 mm (100 µV) except V2–V3, where the limit is
 * 2 mm for men ≥ 40 y, 2.5 mm for men < 40 y and 1.5 mm for women. With LBBB or a paced rhythm the ST segment is
 * secondarily displaced, so the (Smith-modified) Sgarbossa criteria are used instead. One ECG cannot show that an
 * elevation is "new", so without reciprocal depression or with a confounder the statement says "consider".
 */
import type { LeadMeasurements, Statement } from '../types';
import { usableLeads } from './leads';
import { type StatementCode, statement } from './library';
import type { InterpretInput } from './types';

export const TERRITORIES: { code: StatementCode; leads: string[]; reciprocal: string[] }[] = [
  { code: 'STEMI_INFERIOR', leads: ['II', 'III', 'aVF'], reciprocal: ['I', 'aVL'] },
  { code: 'STEMI_LATERAL', leads: ['I', 'aVL', 'V5', 'V6'], reciprocal: ['II', 'III', 'aVF'] },
  { code: 'STEMI_ANTERIOR', leads: ['V1', 'V2', 'V3', 'V4'], reciprocal: ['II', 'III', 'aVF'] },
];

/** J-point elevation limit (µV) for a lead, by age and sex; unknown sex or age takes the more sensitive limit. */
export function stElevationLimit(leadName: string, sex?: 'M' | 'F', age?: number): number {
  if (leadName !== 'V2' && leadName !== 'V3') return 100;
  if (sex === 'F') return 150;
  if (sex === 'M' && age !== undefined && age < 40) return 250;
  return 200;
}

export interface StemiContext {
  /** LBBB or paced rhythm: use Sgarbossa instead of the plain J-point rule. */
  secondaryRepolarisation: boolean;
  /** LVH or wide QRS other than RBBB: ST elevation may be secondary, so at most "consider". */
  confounded: boolean;
  /** LVH voltage: discordant ST elevation must be proportionate to the S wave to count. */
  lvh?: boolean;
}

const depressionUv = 50;

function qrsIsPositive(x: LeadMeasurements): boolean {
  return (x.rAmp ?? 0) + Math.min(x.qAmp ?? 0, x.sAmp ?? 0) > 0;
}

/** Smith-modified Sgarbossa: concordant STE ≥ 1 mm, concordant STD ≥ 1 mm in V1–V3, or discordant STE/S ≥ 25 %. */
function sgarbossa(leads: Map<string, LeadMeasurements>): Statement[] {
  const hits: string[] = [];
  const values: Record<string, number | string> = {};
  for (const [name, x] of leads) {
    const st = x.stJ ?? 0;
    const positive = qrsIsPositive(x);
    const deepest = Math.min(x.qAmp ?? 0, x.sAmp ?? 0);
    if (positive && st >= 100) {
      hits.push(name);
      values[`concordantSte_${name}`] = st;
    } else if (!positive && ['V1', 'V2', 'V3'].includes(name) && st <= -100) {
      hits.push(name);
      values[`concordantStd_${name}`] = st;
    } else if (!positive && st >= 100 && deepest < 0 && st / -deepest >= 0.25) {
      hits.push(name);
      values[`discordantSteRatio_${name}`] = Math.round((st / -deepest) * 100) / 100;
    }
  }
  return hits.length ? [statement('STEMI_SGARBOSSA', 'consider', { leads: hits, values })] : [];
}

export function stemiStatements(input: InterpretInput, ctx: StemiContext): Statement[] {
  const leads = usableLeads(input);
  if (ctx.secondaryRepolarisation) return sgarbossa(leads);
  const out: Statement[] = [];
  const st = (n: string) => leads.get(n)?.stJ;
  const elevated = (n: string) => {
    const v = st(n);
    if (v === undefined || v < stElevationLimit(n, input.sex, input.age)) return false;
    // With LVH, ST elevation discordant to a deep S wave is expected; it counts only when it reaches a quarter
    // of the S depth (ST/S ratio ≥ 25 %, Armstrong et al., Am J Cardiol 2012).
    const x = leads.get(n)!;
    if (ctx.lvh && !qrsIsPositive(x)) return v >= 0.25 * -Math.min(x.qAmp ?? 0, x.sAmp ?? 0);
    return true;
  };
  let anyStemi = false;
  // Diffuse elevation across territories without any reciprocal depression (aVR and V1 aside) is the
  // pattern of pericarditis (or early repolarisation); an infarct is then only "consider".
  const elevatedLeads = [...leads.keys()].filter((n) => n !== 'aVR' && elevated(n));
  const territoriesHit = TERRITORIES.filter((t) => t.leads.filter(elevated).length >= 2).length;
  const anyDepression = [...leads.keys()].some(
    (n) => n !== 'aVR' && n !== 'V1' && (st(n) ?? 0) <= -depressionUv,
  );
  const diffuse = territoriesHit >= 2 && elevatedLeads.length >= 5 && !anyDepression;
  if (diffuse) {
    out.push(
      statement('PERICARDITIS', 'consider', {
        leads: elevatedLeads,
        values: Object.fromEntries(elevatedLeads.map((n) => [`stJ_${n}`, st(n)!])),
      }),
    );
  }
  for (const t of TERRITORIES) {
    const hit = t.leads.filter(elevated);
    if (hit.length < 2) continue;
    anyStemi = true;
    const reciprocal = t.reciprocal.filter((n) => (st(n) ?? 0) <= -depressionUv);
    const values: Record<string, number | string> = {};
    for (const n of hit) {
      values[`stJ_${n}`] = st(n)!;
      values[`limit_${n}`] = stElevationLimit(n, input.sex, input.age);
    }
    for (const n of reciprocal) values[`reciprocal_${n}`] = st(n)!;
    const sure = !ctx.confounded && !diffuse && (reciprocal.length > 0 || hit.length >= 3);
    out.push(statement(t.code, sure ? 'definite' : 'consider', { leads: [...hit, ...reciprocal], values }));
  }

  // Posterior wall: ST depression V1–V3 (mirror image); definite only with ST elevation in V7–V9.
  // A 1 mm mirror depression is asked for: 0.5 mm in V1–V3 is common with fast rates and strain.
  const posteriorDep = ['V1', 'V2', 'V3'].filter((n) => (st(n) ?? 0) <= -100);
  const posteriorEl = ['V7', 'V8', 'V9'].filter((n) => (st(n) ?? 0) >= 50);
  if (
    posteriorEl.length >= 2 ||
    (posteriorDep.length >= 2 && !out.some((s) => s.code === 'STEMI_ANTERIOR'))
  ) {
    const values: Record<string, number> = {};
    for (const n of [...posteriorDep, ...posteriorEl]) values[`stJ_${n}`] = st(n)!;
    out.push(
      statement('STEMI_POSTERIOR', posteriorEl.length >= 2 && !ctx.confounded ? 'definite' : 'consider', {
        leads: [...posteriorDep, ...posteriorEl],
        values,
      }),
    );
  }

  // Right ventricle: ST elevation ≥ 0.5 mm in V3R/V4R (≥ 1 mm in men under 30).
  const rvLimit = input.sex === 'M' && input.age !== undefined && input.age < 30 ? 100 : 50;
  const rv = ['V3R', 'V4R'].filter((n) => (st(n) ?? Number.NEGATIVE_INFINITY) >= rvLimit);
  // Right-ventricular involvement is read in the setting of an inferior STEMI; alone, V4R elevation is too
  // unspecific (and right-sided leads are routine in paediatric lead sets).
  if (rv.length > 0 && out.some((x) => x.code === 'STEMI_INFERIOR')) {
    const values: Record<string, number> = { limit: rvLimit };
    for (const n of rv) values[`stJ_${n}`] = st(n)!;
    out.push(statement('STEMI_RV', 'consider', { leads: rv, values }));
  }

  if (!anyStemi) {
    const single = [...leads.keys()].filter((n) => n !== 'aVR' && elevated(n));
    if (single.length > 0) {
      out.push(
        statement('ST_ELEVATION', 'consider', {
          leads: single,
          values: Object.fromEntries(single.map((n) => [`stJ_${n}`, st(n)!])),
        }),
      );
    }
  }
  return out;
}
