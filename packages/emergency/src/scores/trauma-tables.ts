// Prehospital trauma triage scores whose cut-offs differ between sources: CRAMS, Prehospital Index, Trauma
// Score (1981) and Trauma Index. Each is a TABLE (items, options with points, bands, major-trauma rule) so a
// site can replace it; createTableScore turns a table into a score definition.
import { EmergencyInputError } from '../conditions';
import type { Center } from '../types';
import {
  type ChoiceItem,
  type InterpretationBand,
  interpret,
  pointsOf,
  readItems,
  type ScoreDefinition,
  sumPoints,
} from './common';

export interface ScoreTable {
  code: string;
  nameZh: string;
  nameEn: string;
  centers: Center[];
  reference: string;
  items: ChoiceItem[];
  bands: InterpretationBand[];
  /** When the total means major trauma (for triage to a trauma center). */
  majorWhen: { atMost?: number; atLeast?: number };
}

type Row = [points: number, zh: string, en: string];
const item = (key: string, zh: string, en: string, rows: Row[]): ChoiceItem => ({
  key,
  label: { zh, en },
  kind: 'choice',
  // The answer IS the points of the chosen row (what paper forms record); createTableScore checks uniqueness.
  options: rows.map(([points, rzh, ren]) => ({ value: points, label: { zh: rzh, en: ren }, points })),
});

export function createTableScore(table: ScoreTable): ScoreDefinition {
  if (table.majorWhen.atMost === undefined && table.majorWhen.atLeast === undefined)
    throw new EmergencyInputError(`${table.code}.majorWhen`, 'needs atMost or atLeast');
  for (const it of table.items) {
    const values = it.options.map((o) => String(o.value));
    if (new Set(values).size !== values.length)
      throw new EmergencyInputError(`${table.code}.${it.key}`, 'option values must be unique');
  }
  const form = { items: table.items };
  const totals = (pick: (ps: number[]) => number) =>
    table.items.reduce((s, i) => s + pick(i.options.map((o) => o.points)), 0);
  const range = { min: totals((ps) => Math.min(...ps)), max: totals((ps) => Math.max(...ps)) };
  for (let t = range.min; t <= range.max; t++)
    if (!table.bands.some((b) => t >= b.min && t <= b.max))
      throw new EmergencyInputError(`${table.code}.bands`, `no band covers a total of ${t}`);
  return {
    code: table.code,
    nameZh: table.nameZh,
    nameEn: table.nameEn,
    centers: table.centers,
    reference: table.reference,
    form,
    range,
    compute(items) {
      const r = readItems(table.code, form, items);
      const total = sumPoints(r);
      const { atMost, atLeast } = table.majorWhen;
      const major = (atMost !== undefined && total <= atMost) || (atLeast !== undefined && total >= atLeast);
      return {
        code: table.code,
        total,
        display: String(total),
        interpretation: interpret(table.code, table.bands, total),
        itemPoints: pointsOf(r),
        details: { majorTrauma: major },
      };
    },
  };
}

/** CRAMS: Gormican SP, Ann Emerg Med 1982;11:132–5 (≤ 8 major); 3-level bands as in Chinese trauma texts. */
export const CRAMS_TABLE: ScoreTable = {
  code: 'crams',
  nameZh: 'CRAMS评分',
  nameEn: 'CRAMS scale',
  centers: ['trauma'],
  reference: 'Gormican SP. Ann Emerg Med 1982;11:132–5; Clemmer TP et al. J Trauma 1985;25:188–91',
  items: [
    item('circulation', '循环', 'Circulation', [
      [2, '毛细血管充盈正常且收缩压≥100mmHg', 'normal capillary refill and SBP ≥ 100'],
      [1, '毛细血管充盈迟缓或收缩压85–99mmHg', 'delayed capillary refill or SBP 85–99'],
      [0, '无毛细血管充盈或收缩压<85mmHg', 'no capillary refill or SBP < 85'],
    ]),
    item('respiration', '呼吸', 'Respiration', [
      [2, '正常', 'normal'],
      [1, '异常（费力、浅或>35次/分）', 'abnormal (laboured, shallow or > 35/min)'],
      [0, '无自主呼吸', 'absent'],
    ]),
    item('abdomen', '胸腹部', 'Abdomen / thorax', [
      [2, '胸腹均无压痛', 'abdomen and thorax not tender'],
      [1, '胸或腹有压痛', 'abdomen or thorax tender'],
      [0, '腹肌紧张、连枷胸或胸腹穿透伤', 'rigid abdomen, flail chest or penetrating wound'],
    ]),
    item('motor', '运动', 'Motor', [
      [2, '正常（遵嘱动作）', 'normal (obeys commands)'],
      [1, '只对疼痛有反应', 'responds only to pain'],
      [0, '姿势异常或无反应', 'posturing or no response'],
    ]),
    item('speech', '语言', 'Speech', [
      [2, '正常', 'normal'],
      [1, '言语错乱', 'confused or inappropriate'],
      [0, '无或不可理解的发声', 'no or unintelligible sounds'],
    ]),
  ],
  bands: [
    { min: 0, max: 6, level: 'critical', zh: '极重伤（≤6）', en: 'critical (≤ 6)' },
    { min: 7, max: 8, level: 'major', zh: '重伤（7–8）', en: 'major (7–8)' },
    { min: 9, max: 10, level: 'minor', zh: '轻伤（9–10）', en: 'minor (9–10)' },
  ],
  majorWhen: { atMost: 8 },
};

/** Prehospital Index: Koehler JJ et al. Ann Emerg Med 1986;15:178–82 (0–3 minor, ≥ 4 major). */
export const PHI_TABLE: ScoreTable = {
  code: 'phi',
  nameZh: '院前指数（PHI）',
  nameEn: 'Prehospital Index (PHI)',
  centers: ['trauma'],
  reference: 'Koehler JJ et al. Ann Emerg Med 1986;15:178–82',
  items: [
    item('systolicBp', '收缩压', 'Systolic BP', [
      [0, '>100mmHg', '> 100 mmHg'],
      [1, '86–100mmHg', '86–100 mmHg'],
      [2, '75–85mmHg', '75–85 mmHg'],
      [5, '0–74mmHg', '0–74 mmHg'],
    ]),
    item('pulse', '脉搏', 'Pulse', [
      [0, '51–119次/分', '51–119/min'],
      [3, '≥120次/分', '≥ 120/min'],
      [5, '≤50次/分', '≤ 50/min'],
    ]),
    item('respiration', '呼吸', 'Respiration', [
      [0, '正常', 'normal'],
      [3, '费力或浅', 'laboured or shallow'],
      [5, '<10次/分或需插管', '< 10/min or needs intubation'],
    ]),
    item('consciousness', '意识', 'Level of consciousness', [
      [0, '正常', 'normal'],
      [3, '模糊或烦躁', 'confused or combative'],
      [5, '言语不能理解', 'no intelligible words'],
    ]),
    item('penetratingInjury', '胸或腹部穿透伤', 'Penetrating injury of chest or abdomen', [
      [0, '无', 'no'],
      [4, '有', 'yes'],
    ]),
  ],
  bands: [
    { min: 0, max: 3, level: 'minor', zh: '轻伤（0–3）', en: 'minor (0–3)' },
    { min: 4, max: 24, level: 'major', zh: '重伤（≥4）', en: 'major (≥ 4)' },
  ],
  majorWhen: { atLeast: 4 },
};

/** Trauma Score: Champion HR et al. Crit Care Med 1981;9:672–6 (≤ 12 triage to a trauma center). */
export const TRAUMA_SCORE_TABLE: ScoreTable = {
  code: 'trauma-score',
  nameZh: '创伤评分（TS, 1981）',
  nameEn: 'Trauma Score (1981)',
  centers: ['trauma'],
  reference: 'Champion HR et al. Crit Care Med 1981;9:672–6',
  items: [
    item('respiratoryRate', '呼吸频率', 'Respiratory rate', [
      [4, '10–24次/分', '10–24/min'],
      [3, '25–35次/分', '25–35/min'],
      [2, '>35次/分', '> 35/min'],
      [1, '<10次/分', '< 10/min'],
      [0, '无', 'none'],
    ]),
    item('respiratoryExpansion', '呼吸幅度', 'Respiratory expansion', [
      [1, '正常', 'normal'],
      [0, '浅或困难', 'shallow or retractive'],
    ]),
    item('systolicBp', '收缩压', 'Systolic BP', [
      [4, '≥90mmHg', '≥ 90 mmHg'],
      [3, '70–89mmHg', '70–89 mmHg'],
      [2, '50–69mmHg', '50–69 mmHg'],
      [1, '<50mmHg', '< 50 mmHg'],
      [0, '无脉搏', 'no pulse'],
    ]),
    item('capillaryRefill', '毛细血管充盈', 'Capillary refill', [
      [2, '正常', 'normal'],
      [1, '迟缓', 'delayed'],
      [0, '无', 'none'],
    ]),
    item('gcs', 'GCS', 'GCS', [
      [5, '14–15', '14–15'],
      [4, '11–13', '11–13'],
      [3, '8–10', '8–10'],
      [2, '5–7', '5–7'],
      [1, '3–4', '3–4'],
    ]),
  ],
  bands: [
    {
      min: 1,
      max: 3,
      level: 'severe',
      zh: '生理紊乱严重（1–3）',
      en: 'severe physiological derangement (1–3)',
    },
    {
      min: 4,
      max: 13,
      level: 'significant',
      zh: '生理紊乱显著（4–13）',
      en: 'significant derangement (4–13)',
    },
    { min: 14, max: 16, level: 'mild', zh: '生理紊乱轻（14–16）', en: 'mild derangement (14–16)' },
  ],
  majorWhen: { atMost: 12 },
};

/**
 * Trauma Index: Kirkpatrick JR, Youmans RL. J Trauma 1971;11:711–4, in the 1/3/5/6 form reproduced by Chinese
 * emergency textbooks (5–9 minor, 10–16 moderate, ≥ 17 severe). Sources differ: check against site protocol.
 */
export const TRAUMA_INDEX_TABLE: ScoreTable = {
  code: 'trauma-index',
  nameZh: '创伤指数（TI）',
  nameEn: 'Trauma Index (TI)',
  centers: ['trauma'],
  reference: 'Kirkpatrick JR, Youmans RL. J Trauma 1971;11:711–4 (Chinese textbook 1/3/5/6 table)',
  items: [
    item('region', '受伤部位', 'Body region', [
      [1, '四肢', 'extremities'],
      [3, '躯干背部', 'back'],
      [5, '胸腹部', 'chest or abdomen'],
      [6, '头颈部', 'head or neck'],
    ]),
    item('injuryType', '损伤类型', 'Type of injury', [
      [1, '撕裂伤或挫伤', 'laceration or contusion'],
      [3, '刺伤', 'stab wound'],
      [5, '钝挫伤', 'blunt injury'],
      [6, '弹道伤', 'missile (gunshot) wound'],
    ]),
    item('circulation', '循环', 'Circulation', [
      [1, '正常或外出血', 'normal or external bleeding'],
      [3, '收缩压<100mmHg或脉搏>100次/分', 'SBP < 100 mmHg or pulse > 100/min'],
      [5, '收缩压<80mmHg或脉搏>140次/分', 'SBP < 80 mmHg or pulse > 140/min'],
      [6, '血压、脉搏测不到', 'no blood pressure or pulse'],
    ]),
    item('consciousness', '意识', 'Consciousness', [
      [1, '倦怠', 'drowsy'],
      [3, '嗜睡', 'stupor'],
      [5, '浅昏迷', 'light coma'],
      [6, '深昏迷', 'deep coma'],
    ]),
    item('respiration', '呼吸', 'Respiration', [
      [1, '胸痛', 'chest pain'],
      [3, '呼吸困难', 'dyspnoea'],
      [5, '发绀', 'cyanosis'],
      [6, '无呼吸', 'apnoea'],
    ]),
  ],
  bands: [
    { min: 5, max: 9, level: 'minor', zh: '轻伤（5–9）', en: 'minor (5–9)' },
    { min: 10, max: 16, level: 'moderate', zh: '中度伤（10–16）', en: 'moderate (10–16)' },
    { min: 17, max: 30, level: 'severe', zh: '重伤（≥17）', en: 'severe (≥ 17)' },
  ],
  majorWhen: { atLeast: 17 },
};

export const CRAMS = createTableScore(CRAMS_TABLE);
export const PHI = createTableScore(PHI_TABLE);
export const TRAUMA_SCORE = createTableScore(TRAUMA_SCORE_TABLE);
export const TRAUMA_INDEX = createTableScore(TRAUMA_INDEX_TABLE);
