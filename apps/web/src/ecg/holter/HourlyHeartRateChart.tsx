/** Hourly heart rate of a Holter recording: minimum, mean and maximum of each hour (ECharts line chart). */
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { hourLabel } from './format';
import './i18n';
import type { HolterHour } from './types';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export function HourlyHeartRateChart({
  hourly,
  onHourClick,
}: {
  hourly: HolterHour[];
  /** Clicking an hour's point shows the tracing at the start of that hour. */
  onHourClick?: (startSec: number) => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    const value = (v: number | undefined) => (v === undefined ? null : v);
    chart.setOption({
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (v == null ? '—' : `${v} ${t('holter.bpm')}`),
      },
      legend: { top: 0 },
      grid: { left: 44, right: 16, top: 32, bottom: 28 },
      xAxis: { type: 'category', data: hourly.map(hourLabel), boundaryGap: false },
      yAxis: {
        type: 'value',
        name: t('holter.bpm'),
        min: (r: { min: number }) => Math.max(0, Math.floor(r.min / 10) * 10 - 10),
      },
      series: [
        { name: t('holter.maxHr'), key: 'maxHr', color: '#cf1322' },
        { name: t('holter.meanHr'), key: 'meanHr', color: '#1677ff' },
        { name: t('holter.minHr'), key: 'minHr', color: '#389e0d' },
      ].map((s) => ({
        name: s.name,
        type: 'line',
        connectNulls: false,
        symbolSize: 6,
        // A recording of an hour or two has one or two points per line: print their values.
        label: { show: hourly.length <= 2, position: 'right', formatter: '{c}' },
        itemStyle: { color: s.color },
        lineStyle: { color: s.color, width: s.key === 'meanHr' ? 2.5 : 1.5 },
        data: hourly.map((h) => value(h[s.key as 'minHr' | 'meanHr' | 'maxHr'])),
      })),
    });
    chart.on('click', (p) => {
      const row = hourly[p.dataIndex as number];
      if (row) onHourClick?.(row.startSec);
    });
    const resize = () => chart.resize();
    const observer = new ResizeObserver(resize);
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [hourly, t, onHourClick]);
  return <div ref={ref} style={{ height: 260, width: '100%' }} data-testid="holter-hourly-chart" />;
}
