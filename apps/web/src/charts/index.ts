/** Reusable charts (ECharts): statistics, director's dashboard, three-centers QC. */
export { barOption, lineOption, pieOption, pivot, type Series, type SeriesPoint } from './builders';
export { type ChartOption, type Drill, EChart, type EChartProps } from './EChart';
export { StatCard } from './StatCard';
