/** Quality control of a center: the month's metrics (mean, median, % within target, outliers) and a trend chart. */
import { type Center, METRICS } from '@lifeline/emergency';
import { Alert, Card, DatePicker, Segmented, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { get } from '../api/client';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { currentLanguage } from '../i18n';
import { PageContainer } from '../layout/PageContainer';
import type { CaseSummary } from './api';
import { RegistryEndpoints } from './RegistryPanel';
import './i18n';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

interface Aggregate {
  metric: string;
  kind: 'interval' | 'proportion';
  n?: number;
  eligible: number;
  mean?: number | null;
  median?: number | null;
  targetMinutes?: number | null;
  pctWithinTarget?: number | null;
  proportion?: number | null;
  compliant: boolean | null;
  outliers?: {
    caseId: string;
    minutes: number;
    targetMinutes: number | null;
    delayReasons: { text: string }[];
  }[];
  /** All outliers of the period; the list above holds the longest 100. */
  outlierCount?: number;
}

const metricName = (code: string) => {
  const m = METRICS.find((x) => x.code === code);
  return m ? (currentLanguage() === 'en' ? m.nameEn : m.nameZh) : code;
};

function TrendChart({ center, end }: { center: Center; end: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const trend = useRemote(
    (signal) =>
      get<{
        months: {
          month: string;
          metrics: {
            metric: string;
            kind: string;
            median?: number | null;
            pctWithinTarget?: number | null;
          }[];
        }[];
      }>('/api/emergency/metrics/trend', { center, end, months: 12 }, signal),
    [center, end],
  );
  useEffect(() => {
    if (!ref.current || !trend.data) return;
    const chart = echarts.init(ref.current);
    const months = trend.data.months;
    const codes = [
      ...new Set(months.flatMap((m) => m.metrics.filter((x) => x.kind === 'interval').map((x) => x.metric))),
    ];
    chart.setOption({
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 40, right: 20, top: 48, bottom: 30 },
      xAxis: { type: 'category', data: months.map((m) => m.month) },
      yAxis: { type: 'value', name: 'min' },
      series: codes.map((code) => ({
        name: metricName(code),
        type: 'line',
        connectNulls: true,
        // A month with data between empty months must still show as a point.
        showSymbol: true,
        symbolSize: 7,
        data: months.map((m) => m.metrics.find((x) => x.metric === code)?.median ?? null),
      })),
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [trend.data]);
  return <div ref={ref} style={{ height: 320 }} data-testid="qc-trend" />;
}

export default function QcPage() {
  const { t } = useTranslation();
  const [center, setCenter] = useState<Center>('chest-pain');
  const [month, setMonth] = useState<Dayjs>(dayjs());
  const monthText = month.format('YYYY-MM');
  const data = useRemote(
    (signal) =>
      get<{ metrics: Aggregate[]; outlierCases: CaseSummary[] }>(
        '/api/emergency/metrics',
        { center, month: monthText },
        signal,
      ),
    [center, monthText],
  );
  const wristband = new Map((data.data?.outlierCases ?? []).map((c) => [c.id, c.wristband]));
  return (
    <PageContainer
      title={t('emergency.qcTitle')}
      extra={
        <>
          <Segmented
            value={center}
            onChange={(v) => setCenter(v as Center)}
            options={(['chest-pain', 'stroke', 'trauma'] as const).map((c) => ({
              value: c,
              label: t(`emergency.center_${c}`),
            }))}
          />
          <DatePicker picker="month" value={month} onChange={(v) => v && setMonth(v)} allowClear={false} />
        </>
      }
    >
      {data.error ? <Alert type="error" showIcon title={describeError(data.error, t)} /> : null}
      <Table<Aggregate>
        rowKey="metric"
        size="small"
        loading={data.loading}
        pagination={false}
        dataSource={data.data?.metrics}
        expandable={{
          rowExpandable: (r) => Boolean(r.outliers?.length),
          expandedRowRender: (r) => (
            <ul style={{ margin: 0 }}>
              {r.outliers?.map((o) => (
                <li key={o.caseId}>
                  <Link to={`/emergency/cases/${o.caseId}`}>{wristband.get(o.caseId) ?? o.caseId}</Link>{' '}
                  {o.minutes} {t('emergency.minutes')}
                  {o.delayReasons.length
                    ? ` · ${t('emergency.delayReasons')}：${o.delayReasons.map((d) => d.text).join('；')}`
                    : ''}
                </li>
              ))}
            </ul>
          ),
        }}
        columns={[
          { title: t('emergency.metric'), dataIndex: 'metric', render: metricName },
          {
            title: t('emergency.n'),
            render: (_, r) => (r.kind === 'interval' ? `${r.n}/${r.eligible}` : r.eligible),
          },
          { title: t('emergency.mean'), dataIndex: 'mean', render: (v) => v ?? '—' },
          { title: t('emergency.median'), dataIndex: 'median', render: (v) => v ?? '—' },
          { title: t('emergency.target'), dataIndex: 'targetMinutes', render: (v) => (v ? `≤ ${v}` : '—') },
          {
            title: t('emergency.pctWithin'),
            render: (_, r) =>
              r.kind === 'interval'
                ? (r.pctWithinTarget ?? '—')
                : r.proportion === null || r.proportion === undefined
                  ? '—'
                  : `${Math.round(r.proportion * 1000) / 10}`,
          },
          {
            title: t('emergency.compliant'),
            dataIndex: 'compliant',
            render: (v) =>
              v === null ? (
                '—'
              ) : (
                <Tag color={v ? 'green' : 'red'}>{v ? t('common.yes') : t('common.no')}</Tag>
              ),
          },
          { title: t('emergency.outliers'), render: (_, r) => r.outlierCount ?? r.outliers?.length ?? '' },
        ]}
      />
      <Card size="small" title={t('emergency.trend')} style={{ marginTop: 16 }}>
        <TrendChart center={center} end={monthText} />
      </Card>
      <RegistryEndpoints />
    </PageContainer>
  );
}
