/**
 * Every real sample in ../shared/data that @lifeline/formats reads goes in through the upload API: same leads in
 * the same order, the stored waveform equal to the decoded one, and amplitudes of a real ECG in µV (a unit slip
 * is a factor of 1000): lead II R wave 0.1–5 mV above the median, the tallest over all leads 0.3–10 mV (precordial leads reach 8 mV). Real
 * records span that range (mitdb 116 reaches 3.6 mV, some CinC lead IIs stay near 0.2 mV). Files the reader
 * refuses are refused by the API with the same reason. A file carrying the instance UID of one already stored
 * (an aECG and its converted copy) is a duplicate of it, as a re-sent ECG is.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findLead } from '@lifeline/ecg';
import { type InputFile, readEcgFiles } from '@lifeline/formats';
import { groupFiles } from '../src/modules/ecg/ingest';
import { dataFolder, file, upload } from './ecg-helpers';
import { createTestContext, type TestContext } from './helpers';

const FOLDERS = [
  'dicom-ecg',
  'hl7-aecg',
  'scp-ecg',
  'philips-sierra-xml',
  'ge-muse-xml',
  'ishne-holter',
  'mitdb',
  'cinc2021-12lead',
];
/** Documentation and index files that sit beside the samples. */
const NOT_SAMPLES = /(\.md|\.txt|RECORDS|ANNOTATORS|mitdbdir|dx_mapping.*\.csv)$/i;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return filesUnder(p);
    return NOT_SAMPLES.test(name) ? [] : [p];
  });
}

/** Groups per folder (a WFDB record's files share their folder). */
function groupsOf(dir: string): InputFile[][] {
  const byDir = new Map<string, InputFile[]>();
  for (const p of filesUnder(dir)) {
    const d = p.slice(0, p.lastIndexOf('/'));
    byDir.set(d, [...(byDir.get(d) ?? []), file(p)]);
  }
  return [...byDir.values()].flatMap((files) => groupFiles(files));
}

function rWave(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[sorted.length - 1] - sorted[Math.floor(sorted.length / 2)];
}

describe('real samples through the upload API', () => {
  let ctx: TestContext;
  let tech: string;
  before(async () => {
    ctx = await createTestContext();
    tech = await ctx.login('ecg.tech');
  });
  after(() => ctx.close());

  for (const folder of FOLDERS) {
    const { dir, skip } = dataFolder(folder);
    test(folder, { skip }, async () => {
      let readable = 0;
      for (const group of groupsOf(dir)) {
        const name = group[0].name;
        let expected: ReturnType<typeof readEcgFiles>[number] | undefined;
        let refusal = '';
        try {
          expected = readEcgFiles(group)[0];
        } catch (e) {
          refusal = (e as Error).message;
        }
        const res = await upload(ctx, tech, group);
        if (!expected) {
          assert.equal(res.statusCode, 422, `${name}: the reader refuses it (${refusal}), so must the API`);
          assert.equal(res.json().issue[0].diagnostics, refusal);
          continue;
        }
        readable++;
        assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
        const [r] = res.json().results;
        assert.equal(r.ok, true, `${name}: ${JSON.stringify(r)}`);
        const exam = (await ctx.request('GET', `/api/ecgs/${r.examId}`, tech)).json();
        if (r.duplicate) {
          assert.ok(
            expected.instanceUid,
            `${name}: only a shared instance UID makes a different file a duplicate`,
          );
          assert.equal(exam.instanceUid, expected.instanceUid);
          continue;
        }
        assert.equal(r.format, expected.format);
        const leadNames = expected.record.leads.map((l) => l.name);
        assert.deepEqual(exam.leads, leadNames, `${name}: lead order`);
        assert.equal(exam.sampleRate, expected.record.sampleRate);
        assert.equal(exam.sampleCount, expected.record.leads[0].samples.length);

        const fs = expected.record.sampleRate;
        const seconds = Math.min(10, exam.durationSec);
        const wave = await ctx.request('GET', `/api/ecgs/${r.examId}/waveform?from=0&to=${seconds}`, tech);
        assert.equal(wave.statusCode, 200, wave.body);
        const w = wave.json();
        assert.deepEqual(
          w.leads.map((l: { name: string }) => l.name),
          leadNames,
        );
        const n = Math.round(seconds * fs);
        for (const [i, lead] of expected.record.leads.entries()) {
          const got = w.leads[i].samples as number[];
          assert.equal(got.length, Math.min(n, lead.samples.length), `${name} ${lead.name}: window length`);
          for (const k of [0, Math.floor(got.length / 2), got.length - 1]) {
            assert.equal(got[k], Math.round(lead.samples[k]), `${name} ${lead.name}[${k}]`);
          }
        }
        const ii = findLead(expected.record, 'II') ?? expected.record.leads[0];
        const amplitude = rWave(w.leads[expected.record.leads.indexOf(ii)].samples);
        assert.ok(
          amplitude >= 100 && amplitude <= 5000,
          `${name}: lead ${ii.name} R wave ${amplitude} µV is outside 0.1–5 mV`,
        );
        const tallest = Math.max(...w.leads.map((l: { samples: number[] }) => rWave(l.samples)));
        assert.ok(
          tallest >= 300 && tallest <= 10000,
          `${name}: tallest R wave ${tallest} µV is outside 0.3–10 mV`,
        );
      }
      assert.ok(readable > 0, `${folder}: no sample was readable`);
    });
  }
});
