import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barOption, pivot } from '../src/charts/builders';
import { filtersFromParams, filtersToParams } from '../src/search/api';
import { drillPath } from '../src/stats/api';

test('search filters survive the URL: numbers, booleans, unknown keys dropped', () => {
  const f = filtersFromParams(
    new URLSearchParams('patient=zxf&qtcMin=500&critical=true&statement=STACH&bogus=1&hrMax='),
  );
  assert.deepEqual(f, { patient: 'zxf', qtcMin: 500, critical: true, statement: 'STACH' });
  assert.equal(filtersToParams(f).toString(), 'patient=zxf&statement=STACH&qtcMin=500&critical=true');
});

test('a drill-down filter becomes a search URL', () => {
  const path = drillPath({ from: '2026-02-28T16:00:00.000Z', departmentId: 'd1', critical: true });
  const params = new URL(path, 'http://x').searchParams;
  assert.equal(new URL(path, 'http://x').pathname, '/search');
  assert.deepEqual(filtersFromParams(params), {
    from: '2026-02-28T16:00:00.000Z',
    departmentId: 'd1',
    critical: true,
  });
});

test('pivot: categories in first-seen order, groups by total, missing cells 0, drill kept per point', () => {
  const rows = [
    { b: '2026-01', g: 'ED', n: 3 },
    { b: '2026-01', g: 'CARD', n: 5 },
    { b: '2026-02', g: 'CARD', n: 2 },
  ];
  const { categories, series } = pivot(
    rows,
    (r) => r.b,
    (r) => r.g,
    (r) => r.n,
    (r) => ({ bucket: r.b, dept: r.g }),
  );
  assert.deepEqual(categories, ['2026-01', '2026-02']);
  assert.deepEqual(
    series.map((s) => s.name),
    ['CARD', 'ED'],
  );
  assert.deepEqual(series[1].points, [{ value: 3, drill: { bucket: '2026-01', dept: 'ED' } }, { value: 0 }]);
  const option = barOption(categories, series, { stacked: true }) as {
    series: { stack?: string; data: unknown[] }[];
  };
  assert.equal(option.series[0].stack, 'total');
  assert.deepEqual(option.series[0].data[1], { value: 2, drill: { bucket: '2026-02', dept: 'CARD' } });
});
