/**
 * Second-degree AV block and atrial flutter statements on real records. The shared data holds no labelled
 * second-degree block, and atrial flutter only in MIT-BIH 203 ((AFL rhythm annotations), so this measures
 * (1) how often the statements are made where they should not be — 10-s windows of every shared MIT-BIH record
 * (one per minute), every CinC 2021 12-lead record (whose SNOMED labels contain neither), every CPSC 2021 record
 * (one window per minute) — and (2) the flutter statement inside 203's flutter episodes.
 */
import { existsSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { analyzeEcg, type EcgRecord } from '@lifeline/ecg';
import { readAnnotationFile, readWfdbRecord } from '@lifeline/ecg/node';
import { MITDB, MITDB_RECORDS } from './ecg-classify';

const DATA = path.resolve(import.meta.dirname, '../../shared/data');
const CODES = ['AVB2_I', 'AVB2_II', 'AVB2_2TO1', 'AVB_HIGH', 'AFLT'];

function window(record: EcgRecord, from: number, seconds: number): EcgRecord {
  const n = Math.round(seconds * record.sampleRate);
  return {
    ...record,
    leads: record.leads.map((l) => ({ ...l, samples: l.samples.subarray(from, from + n) })),
  };
}

interface Tally {
  windows: number;
  hits: Record<string, number>;
}

function statementsOf(record: EcgRecord): string[] {
  try {
    return analyzeEcg(record)
      .statements.filter((s) => CODES.includes(s.code))
      .map((s) => `${s.code} (${s.certainty})`);
  } catch {
    return [];
  }
}

async function scan(heaPaths: string[], stepSec: number, tally: Tally): Promise<void> {
  for (const hea of heaPaths) {
    const record = await readWfdbRecord(hea);
    const n = record.leads[0].samples.length;
    for (let t = 0; t + 10 * record.sampleRate <= n; t += stepSec * record.sampleRate) {
      tally.windows++;
      for (const s of statementsOf(window(record, t, 10))) tally.hits[s] = (tally.hits[s] ?? 0) + 1;
    }
  }
}

const list = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.hea'))
        .map((f) => path.join(dir, f))
    : [];

export async function run(): Promise<string> {
  const lines = [
    '## Second-degree AV block and atrial flutter statements',
    '',
    `Date ${new Date().toISOString().slice(0, 10)}, 2-core x86_64, Node 20, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}. \`analyzeEcg\` on 10-s windows.`,
    '',
    '| records (no second-degree AV block labels; flutter only in MIT-BIH 203) | 10-s windows | AVB2_I / AVB2_II / AVB2_2TO1 / AVB_HIGH / AFLT statements |',
    '|---|---:|---|',
  ];
  const sets: [string, string[], number][] = [
    [
      'MIT-BIH Arrhythmia, 25 shared records, one window per minute',
      MITDB_RECORDS.map((r) => path.join(MITDB, `${r}.hea`)),
      60,
    ],
    ['CinC 2021 12-lead (500 Hz), each record', list(path.join(DATA, 'cinc2021-12lead')), 10],
    ['CPSC 2021 paroxysmal AF (200 Hz), one window per minute', list(path.join(DATA, 'cpsc2021-paf')), 60],
  ];
  for (const [label, files, step] of sets) {
    const present = files.filter((f) => existsSync(f));
    if (present.length === 0) continue;
    const tally: Tally = { windows: 0, hits: {} };
    await scan(present, step, tally);
    const hits = Object.entries(tally.hits).map(([k, v]) => `${k}: ${v}`);
    lines.push(`| ${label} | ${tally.windows} | ${hits.length ? hits.join(', ') : 'none'} |`);
  }
  // Flutter inside the annotated (AFL episodes of MIT-BIH 203.
  const hea = path.join(MITDB, '203.hea');
  if (existsSync(hea)) {
    const ann = (await readAnnotationFile(path.join(MITDB, '203.atr'))).filter((a) => a.aux?.startsWith('('));
    const record = await readWfdbRecord(hea);
    let windows = 0;
    const found: Record<string, number> = {};
    ann.forEach((a, i) => {
      if (a.aux?.replace(/\0/g, '') !== '(AFL') return;
      const end = ann[i + 1]?.sample ?? record.leads[0].samples.length;
      for (let t = a.sample; t + 10 * record.sampleRate <= end; t += 10 * record.sampleRate) {
        windows++;
        const rhythm = analyzeEcg(window(record, t, 10)).statements.find((s) => s.category === 'rhythm');
        const key = rhythm ? `${rhythm.code} (${rhythm.certainty})` : 'none';
        found[key] = (found[key] ?? 0) + 1;
      }
    });
    lines.push(
      '',
      `MIT-BIH 203, 10-s windows inside its (AFL episodes: ${windows}; first rhythm statement: ${Object.entries(
        found,
      )
        .sort((x, y) => y[1] - x[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
