/**
 * Options for the common chart shapes, from plain rows. Each data point may carry `drill` (search filters), which
 * EChart hands to onDrill when the point is clicked.
 */
import type { ChartOption, Drill } from './EChart';

export interface SeriesPoint {
  value: number | null;
  drill?: Drill;
}

export interface Series {
  name: string;
  points: SeriesPoint[];
}

const point = (p: SeriesPoint) => ({ value: p.value, drill: p.drill });

/** Bars per category; several series are stacked when `stacked`. */
export function barOption(
  categories: string[],
  series: Series[],
  opts: { stacked?: boolean; horizontal?: boolean; unit?: string } = {},
): ChartOption {
  const cat = { type: 'category', data: categories, axisLabel: { hideOverlap: true } };
  const val = { type: 'value', name: opts.unit };
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: series.length > 1 ? { type: 'scroll', top: 0 } : undefined,
    grid: { left: opts.horizontal ? 160 : 50, right: 24, top: series.length > 1 ? 36 : 16, bottom: 40 },
    xAxis: opts.horizontal ? val : cat,
    yAxis: opts.horizontal ? { ...cat, inverse: true } : val,
    dataZoom:
      !opts.horizontal && categories.length > 40
        ? [{ type: 'inside' }, { type: 'slider', height: 16 }]
        : undefined,
    series: series.map((s) => ({
      name: s.name,
      type: 'bar',
      stack: opts.stacked ? 'total' : undefined,
      emphasis: { focus: 'series' },
      cursor: 'pointer',
      data: s.points.map(point),
    })),
  };
}

export function lineOption(
  categories: string[],
  series: Series[],
  opts: { unit?: string; percent?: boolean } = {},
): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 50, right: 24, top: 36, bottom: 40 },
    xAxis: { type: 'category', data: categories },
    yAxis: {
      type: 'value',
      name: opts.unit,
      axisLabel: opts.percent ? { formatter: (v: number) => `${Math.round(v * 100)}%` } : undefined,
    },
    series: series.map((s) => ({
      name: s.name,
      type: 'line',
      connectNulls: true,
      data: s.points.map(point),
    })),
  };
}

export function pieOption(slices: { name: string; value: number; drill?: Drill }[]): ChartOption {
  return {
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    series: [{ type: 'pie', radius: ['35%', '70%'], data: slices, label: { formatter: '{b}' } }],
  };
}

/** Rows with (category, group, value) into categories × series, keeping first-seen order; missing cells are 0. */
export function pivot<R>(
  rows: R[],
  category: (r: R) => string,
  group: (r: R) => string,
  value: (r: R) => number,
  drill?: (r: R) => Drill,
  maxGroups = 10,
): { categories: string[]; series: Series[] } {
  const categories = [...new Set(rows.map(category))];
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(group(r), (totals.get(group(r)) ?? 0) + value(r));
  const groups = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, maxGroups)
    .map(([g]) => g);
  const series = groups.map((g) => {
    const byCat = new Map(rows.filter((r) => group(r) === g).map((r) => [category(r), r]));
    return {
      name: g,
      points: categories.map((c) => {
        const r = byCat.get(c);
        return r ? { value: value(r), drill: drill?.(r) } : { value: 0 };
      }),
    };
  });
  return { categories, series };
}
