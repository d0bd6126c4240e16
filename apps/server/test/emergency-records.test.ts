import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ChoiceItem, SCORES } from '@lifeline/emergency';
import { sweepLabTimes } from '../src/modules/emergency';
import { createTestContext, type TestContext } from './helpers';

// Background sweeps off: this file calls them itself, at the moments it chooses.
process.env.EMERGENCY_SWEEP_MS = '0';

/** NIHSS answers: every item at its first option, the listed items at the given option index. */
function nihssItems(raise: Record<number, number> = {}) {
  const items: Record<string, unknown> = {};
  SCORES.nihss.form.items.forEach((item, i) => {
    const options = (item as ChoiceItem).options;
    items[item.key] = options[Math.min(raise[i] ?? 0, options.length - 1)].value;
  });
  return items;
}

describe('emergency scores, checklists, consent, procedures and metrics', () => {
  let ctx: TestContext;
  let nurse: string;
  let doctor: string;
  let qc: string;

  before(async () => {
    ctx = await createTestContext();
    [nurse, doctor, qc] = await Promise.all(['ed.nurse', 'ed.doctor', 'qc'].map((u) => ctx.login(u)));
  });
  after(() => ctx.close());

  async function newCase(center: string, body: object = {}) {
    const res = await ctx.request('POST', '/api/emergency/cases', nurse, {
      center,
      unknownPatient: { sex: 'F', estimatedAge: 70 },
      ...body,
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  }

  test('NIHSS before and after thrombolysis is stored as a series with items, total, interpretation, time and author', async () => {
    const c = await newCase('stroke');
    const t0 = Date.now() - 60 * 60_000;
    const iso = (min: number) => new Date(t0 + min * 60_000).toISOString();
    const pre = nihssItems({ 0: 1, 4: 2, 5: 3, 7: 3, 11: 2 });
    const expectedPre = SCORES.nihss.compute(pre).total;
    const r1 = await ctx.request('POST', `/api/emergency/cases/${c.id}/scores`, doctor, {
      code: 'nihss',
      items: pre,
      at: iso(0),
      label: '溶栓前',
    });
    assert.equal(r1.statusCode, 200, r1.body);
    assert.equal(r1.json().total, expectedPre);
    assert.equal(r1.json().author, '吴涛（急诊医生）');
    await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, doctor, {
      code: 'ivt-bolus',
      source: 'manual',
      at: iso(10),
      reason: '补录',
    });
    const post = nihssItems({ 0: 0, 5: 1 });
    await ctx.request('POST', `/api/emergency/cases/${c.id}/scores`, doctor, {
      code: 'nihss',
      items: post,
      at: iso(45),
      label: '溶栓后',
    });
    const badItem = await ctx.request('POST', `/api/emergency/cases/${c.id}/scores`, doctor, {
      code: 'nihss',
      items: { ...post, [SCORES.nihss.form.items[0].key]: 9 },
    });
    assert.equal(badItem.statusCode, 400);
    assert.match(badItem.json().issue[0].expression[0], /^items\./);
    const wrongCenter = await ctx.request('POST', `/api/emergency/cases/${c.id}/scores`, doctor, {
      code: 'grace',
      items: {},
    });
    assert.equal(wrongCenter.statusCode, 400);

    const full = (await ctx.request('GET', `/api/emergency/cases/${c.id}`, nurse)).json();
    const nihss = full.scores.find((s: { code: string }) => s.code === 'nihss');
    assert.equal(nihss.entries.length, 2);
    assert.deepEqual(
      nihss.entries.map((e: { label: string }) => e.label),
      ['溶栓前', '溶栓后'],
    );
    assert.equal(nihss.entries[0].items[SCORES.nihss.form.items[0].key], pre[SCORES.nihss.form.items[0].key]);
    assert.ok(nihss.entries[0].interpretation.zh);
    assert.equal(nihss.series.baseline.total, expectedPre, 'baseline is the last score before the bolus');
    assert.equal(nihss.series.points[1].minutesFromEvent, 35);
    assert.equal(nihss.series.trend, 'improved');
  });

  test('checklist decisions, consent with a photo, cath-lab registration', async () => {
    const c = await newCase('chest-pain');
    const empty = await ctx.request('POST', `/api/emergency/cases/${c.id}/checklists`, doctor, {
      checklist: 'stemi-fibrinolysis',
      answers: {},
      decision: '待评估',
    });
    assert.equal(empty.statusCode, 200, empty.body);
    assert.equal(empty.json().outcome, 'needs-review');
    const unknownItem = await ctx.request('POST', `/api/emergency/cases/${c.id}/checklists`, doctor, {
      checklist: 'stemi-fibrinolysis',
      answers: { nope: true },
    });
    assert.deepEqual(unknownItem.json().issue[0].expression, ['answers.nope']);

    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const consent = await ctx.request('POST', `/api/emergency/cases/${c.id}/consents`, doctor, {
      kind: 'pci',
      startedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      signedAt: new Date(Date.now() - 4 * 60_000).toISOString(),
      photo: { contentType: 'image/png', dataBase64: png.toString('base64') },
    });
    assert.equal(consent.statusCode, 200, consent.body);
    const photo = await ctx.request(
      'GET',
      `/api/emergency/cases/${c.id}/consents/${consent.json().id}/photo`,
      nurse,
    );
    assert.equal(photo.headers['content-type'], 'image/png');
    assert.deepEqual(photo.rawPayload, png);
    const badType = await ctx.request('POST', `/api/emergency/cases/${c.id}/consents`, doctor, {
      kind: 'pci',
      photo: { contentType: 'text/html', dataBase64: 'PGI+' },
    });
    assert.deepEqual(badType.json().issue[0].expression, ['photo.contentType']);
    const backwards = await ctx.request('POST', `/api/emergency/cases/${c.id}/consents`, doctor, {
      kind: 'pci',
      startedAt: '2026-03-01T10:00:00Z',
      signedAt: '2026-03-01T09:00:00Z',
    });
    assert.deepEqual(backwards.json().issue[0].expression, ['signedAt']);

    const proc = await ctx.request('POST', `/api/emergency/cases/${c.id}/procedures`, doctor, {
      kind: 'cathlab',
      data: {
        culpritVessel: 'LAD',
        timiBefore: 0,
        timiAfter: 3,
        stents: [{ vessel: 'LAD', diameterMm: 3, lengthMm: 24 }],
        complications: [],
        delayReasons: ['家属犹豫'],
      },
    });
    assert.equal(proc.statusCode, 200, proc.body);
    const badTimi = await ctx.request('POST', `/api/emergency/cases/${c.id}/procedures`, doctor, {
      kind: 'cathlab',
      data: { timiAfter: 4 },
    });
    assert.equal(badTimi.statusCode, 400);
    const full = (await ctx.request('GET', `/api/emergency/cases/${c.id}`, nurse)).json();
    assert.equal(full.procedures[0].data.culpritVessel, 'LAD');
    assert.equal(full.consents[0].hasPhoto, true);
    assert.equal(full.checklists[0].decision, '待评估');
  });

  test('outcome and the archive list what is still missing for the registry', async () => {
    const c = await newCase('chest-pain', { arrivalMode: 'walk-in' });
    const before = (
      await ctx.request('GET', `/api/emergency/cases?center=chest-pain&status=active`, qc)
    ).json();
    const mine = before.items.find((i: { id: string }) => i.id === c.id);
    const fields = mine.registryProblems.map((p: { field: string }) => p.field);
    assert.ok(fields.includes('diagnosis') && fields.includes('times.door'), fields.join(', '));
    const done = await ctx.request('PATCH', `/api/emergency/cases/${c.id}`, doctor, {
      diagnosis: 'NSTEMI',
      outcome: 'died',
      status: 'closed',
    });
    assert.equal(done.statusCode, 200, done.body);
    assert.ok(done.json().closedAt);
    const after = done.json().registryProblems.map((p: { field: string }) => p.field);
    assert.ok(after.includes('times.death'), 'an outcome of death requires the time of death');
    assert.ok(!after.includes('diagnosis'));
  });

  test('troponin times come from the lab results; hand-recorded nodes are kept; a deleted node keeps its history', async () => {
    const c = await newCase('chest-pain', { arrivalMode: 'walk-in' });
    const door = Date.now() - 30 * 60_000;
    await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, {
      code: 'door',
      source: 'manual',
      at: new Date(door).toISOString(),
      reason: '补录',
    });
    const none = await ctx.request('POST', `/api/emergency/cases/${c.id}/lab-times`, nurse);
    assert.equal(none.statusCode, 200, none.body);
    assert.deepEqual(none.json().imported, []);
    const org = (await ctx.pool.query('SELECT organization_id FROM emergency_cases WHERE id = $1', [c.id]))
      .rows[0].organization_id;
    const drawn = new Date(door + 8 * 60_000);
    const reported = new Date(door + 26 * 60_000);
    const insert = (code: string, text: string, observed: Date, rep: Date) =>
      ctx.pool.query(
        `INSERT INTO lab_results (organization_id, patient_id, code, code_text, value_type, value_numeric, units, status, observed_at, reported_at)
         VALUES ($1, $2, $3, $4, 'NM', 0.8, 'ng/mL', 'F', $5, $6)`,
        [org, c.patient.id, code, text, observed, rep],
      );
    await insert('2345-7', 'Glucose', new Date(door + 2 * 60_000), new Date(door + 3 * 60_000));
    await insert('10839-9', '肌钙蛋白I', drawn, reported);
    await insert('10839-9', '肌钙蛋白I', new Date(door + 3 * 3600_000), new Date(door + 4 * 3600_000));
    const res = await ctx.request('POST', `/api/emergency/cases/${c.id}/lab-times`, nurse);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      res.json().imported.map((i: { code: string }) => i.code),
      ['troponin-drawn', 'troponin-reported'],
    );
    const times = res.json().times as { code: string; at: string; source: string; id: string }[];
    const tDrawn = times.find((t) => t.code === 'troponin-drawn');
    assert.equal(tDrawn?.at, drawn.toISOString());
    assert.equal(tDrawn?.source, 'lab');
    assert.equal(times.find((t) => t.code === 'troponin-reported')?.at, reported.toISOString());
    const again = await ctx.request('POST', `/api/emergency/cases/${c.id}/lab-times`, nurse);
    assert.deepEqual(again.json().imported, [], 'already recorded');
    const full = (await ctx.request('GET', `/api/emergency/cases/${c.id}`, nurse)).json();
    const turnaround = full.metrics.find((m: { metric: string }) => m.metric === 'cp-troponin-turnaround');
    assert.equal(turnaround.minutes, 18);

    // Deleting a node needs a reason and keeps the history.
    assert.equal(
      (await ctx.request('DELETE', `/api/emergency/cases/${c.id}/nodes/${tDrawn?.id}`, nurse, {})).statusCode,
      400,
    );
    const del = await ctx.request('DELETE', `/api/emergency/cases/${c.id}/nodes/${tDrawn?.id}`, nurse, {
      reason: '标本溶血作废',
    });
    assert.equal(del.statusCode, 200, del.body);
    assert.ok(!del.json().times.some((t: { code: string }) => t.code === 'troponin-drawn'));
    const hist = (
      await ctx.request('GET', `/api/emergency/cases/${c.id}/nodes/${tDrawn?.id}/history`, nurse)
    ).json();
    assert.deepEqual(
      hist.map((h: { action: string }) => h.action),
      ['record', 'delete'],
    );
    assert.equal(hist[1].reason, '标本溶血作废');
    const stroke = await newCase('stroke');
    assert.equal(
      (await ctx.request('POST', `/api/emergency/cases/${stroke.id}/lab-times`, nurse)).statusCode,
      400,
    );
  });

  test('the background sweep imports troponin times of active chest-pain cases by itself', async () => {
    const c = await newCase('chest-pain', { arrivalMode: 'walk-in' });
    const org = (await ctx.pool.query('SELECT organization_id FROM emergency_cases WHERE id = $1', [c.id]))
      .rows[0].organization_id;
    const drawn = new Date(Date.now() - 20 * 60_000);
    await ctx.pool.query(
      `INSERT INTO lab_results (organization_id, patient_id, code, code_text, value_type, value_numeric, status, observed_at, reported_at)
       VALUES ($1, $2, '89579-7', 'hs-cTnI', 'NM', 12, 'F', $3, $4)`,
      [org, c.patient.id, drawn, new Date(drawn.getTime() + 15 * 60_000)],
    );
    const updated = await sweepLabTimes(ctx.app);
    assert.ok(updated.includes(c.id));
    assert.ok(!(await sweepLabTimes(ctx.app)).includes(c.id), 'nothing left to import');
    const full = (await ctx.request('GET', `/api/emergency/cases/${c.id}`, nurse)).json();
    const t = full.times.find((x: { code: string }) => x.code === 'troponin-drawn');
    assert.equal(t.at, drawn.toISOString());
    assert.equal(t.source, 'lab');
    assert.equal(t.recordedBy, null, 'recorded by the system');
    const audit = await ctx.pool.query(
      `SELECT username FROM audit_log WHERE action = 'emergency.node.lab-import' AND resource_id = $1`,
      [c.id],
    );
    assert.equal(audit.rowCount, 1);
  });

  test('metrics for a constructed month: mean, median, % within target and outliers with delay reasons', async () => {
    // Four STEMI primary-PCI cases in March 2026 (Beijing time), door-to-wire 50, 70, 95 and 120 minutes, and
    // one in February that must not count.
    const d2w = [50, 70, 95, 120];
    const ids: string[] = [];
    const make = async (doorIso: string, minutes: number, delay?: string) => {
      const c = await newCase('chest-pain', { arrivalMode: 'walk-in' });
      const door = Date.parse(doorIso);
      const at = (min: number) => new Date(door + min * 60_000).toISOString();
      for (const [code, min] of [
        ['first-medical-contact', 0],
        ['door', 0],
        ['first-ecg', 6],
        ['stemi-diagnosis', 12],
        ['wire-crossing', minutes],
      ] as const) {
        const r = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, {
          code,
          source: 'manual',
          at: at(min),
          reason: '病历回顾录入',
        });
        assert.equal(r.statusCode, 200, r.body);
      }
      await ctx.request('PATCH', `/api/emergency/cases/${c.id}`, doctor, {
        diagnosis: 'STEMI',
        treatments: ['primary-pci'],
        ...(delay ? { delayReasons: [{ metric: 'cp-door-to-wire', text: delay }] } : {}),
      });
      return c.id as string;
    };
    for (const [i, m] of d2w.entries())
      ids.push(
        await make(
          `2026-03-${String(5 + i * 5).padStart(2, '0')}T10:00:00+08:00`,
          m,
          m === 120 ? '导管室占台' : undefined,
        ),
      );
    const feb = await make('2026-02-28T23:30:00+08:00', 200);
    // 1 March 00:30 in Beijing is still 28 February in UTC: the month follows the hospital's zone.
    const edge = await make('2026-03-01T00:30:00+08:00', 60);
    ids.push(edge);

    const res = await ctx.request('GET', '/api/emergency/metrics?center=chest-pain&month=2026-03', qc);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    const m = body.metrics.find((x: { metric: string }) => x.metric === 'cp-door-to-wire');
    assert.equal(m.n, 5);
    assert.equal(m.mean, 79); // (50 + 70 + 95 + 120 + 60) / 5
    assert.equal(m.median, 70);
    assert.equal(m.pctWithinTarget, 60);
    assert.deepEqual(
      m.outliers.map((o: { caseId: string }) => o.caseId),
      [ids[3], ids[2]],
    );
    assert.equal(m.outliers[0].delayReasons[0].text, '导管室占台');
    assert.ok(!JSON.stringify(m).includes(feb));
    assert.equal(body.outlierCases.length, 2);
    assert.ok(
      !body.metrics.some((x: { metric: string }) => x.metric.startsWith('st-')),
      'only chest-pain metrics',
    );

    const trend = await ctx.request(
      'GET',
      '/api/emergency/metrics/trend?center=chest-pain&end=2026-03&months=2',
      qc,
    );
    const months = trend.json().months;
    assert.deepEqual(
      months.map((x: { month: string }) => x.month),
      ['2026-02', '2026-03'],
    );
    assert.equal(months[0].metrics.find((x: { metric: string }) => x.metric === 'cp-door-to-wire').n, 1);

    const bad = await ctx.request('GET', '/api/emergency/metrics?center=chest-pain&month=2026-13', qc);
    assert.deepEqual(bad.json().issue[0].expression, ['month']);
    assert.equal(
      (await ctx.request('GET', '/api/emergency/metrics?center=chest-pain&month=2026-03', nurse)).statusCode,
      403,
    );
  });
});
