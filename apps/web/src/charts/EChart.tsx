/**
 * One ECharts canvas (tree-shaken core: bar, line, pie), resized with its box and disposed on unmount.
 * Clicking a data item whose value object carries `drill` calls onDrill with it: the statistics screens pass
 * search filters there, so a bar opens the list behind it. Shared by the statistics, dashboard and QC screens.
 */
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;
export type Drill = Record<string, string | number | boolean>;

export interface EChartProps {
  option: ChartOption;
  height?: number;
  /** Called with the `drill` of the clicked data item (see builders.ts). */
  onDrill?: (drill: Drill) => void;
  testId?: string;
}

export function EChart({ option, height = 320, onDrill, testId }: EChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);
  const drillRef = useRef(onDrill);
  drillRef.current = onDrill;

  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    chartRef.current = chart;
    // The instance on its element, so end-to-end tests can find where a bar is drawn and click it there.
    (ref.current as HTMLDivElement & { __echarts?: echarts.ECharts }).__echarts = chart;
    chart.on('click', (params) => {
      const data = params.data as { drill?: Drill } | undefined;
      if (data?.drill) drillRef.current?.(data.drill);
    });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    chartRef.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={ref} style={{ height, width: '100%' }} data-testid={testId} />;
}
