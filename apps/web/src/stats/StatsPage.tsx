/**
 * ECG statistics: volume, diagnoses, turnaround, workload and critical values over a period, as charts whose
 * bars open the matching exam list (search screen) and as tables; each exportable to XLSX and PDF.
 */
import { Button, Card, DatePicker, Segmented, Select, Space, Table, Tabs, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { barOption, EChart, lineOption, pivot } from '../charts';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import * as api from './api';
import '../search/i18n';

dayjs.extend(utc);
dayjs.extend(timezone);

type Tab = 'volume' | 'diagnoses' | 'turnaround' | 'workload' | 'critical';
const UNITS: api.Unit[] = ['day', 'month', 'quarter', 'year'];

export default function StatsPage() {
  const { t, i18n } = useTranslation();
  const { timeZone } = useAuth();
  const navigate = useNavigate();
  const zh = i18n.language.startsWith('zh');
  const [tab, setTab] = useState<Tab>('volume');
  const [range, setRange] = useState<[Dayjs, Dayjs]>([
    dayjs().tz(timeZone).subtract(11, 'month').startOf('month'),
    dayjs().tz(timeZone),
  ]);
  const [unit, setUnit] = useState<api.Unit>('month');
  const [by, setBy] = useState('department');
  const [tatBy, setTatBy] = useState('priority');
  // Network-level users (a hub with member hospitals) may narrow every statistic to some hospitals.
  const orgs = useRemote((s) => api.organizations(s), []);
  const [orgIds, setOrgIds] = useState<string[]>([]);
  const params: api.StatsParams = useMemo(
    () => ({
      from: dayjs.tz(range[0].format('YYYY-MM-DD'), timeZone).toISOString(),
      to: dayjs.tz(range[1].format('YYYY-MM-DD'), timeZone).add(1, 'day').toISOString(),
      unit,
      ...(orgIds.length ? { organizationIds: orgIds.join(',') } : {}),
    }),
    [range, unit, timeZone, orgIds],
  );
  const drill = (d: api.VolumeRow['drill']) => navigate(api.drillPath(d));
  const lang = zh ? 'zh' : 'en';
  const kindParams =
    tab === 'volume' ? { ...params, by } : tab === 'turnaround' ? { ...params, by: tatBy } : params;

  return (
    <PageContainer
      title={t('stats.title')}
      extra={
        <Space>
          <Button href={api.statsExportUrl(tab, 'xlsx', lang, kindParams)} data-testid="stats-export-xlsx">
            {t('stats.exportXlsx')}
          </Button>
          <Button href={api.statsExportUrl(tab, 'pdf', lang, kindParams)} data-testid="stats-export-pdf">
            {t('stats.exportPdf')}
          </Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <span>{t('stats.range')}</span>
        <DatePicker.RangePicker
          value={range}
          allowClear={false}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
          data-testid="stats-range"
        />
        <span>{t('stats.unit')}</span>
        <Segmented
          value={unit}
          onChange={(v) => setUnit(v as api.Unit)}
          options={UNITS.map((u) => ({ value: u, label: t(`stats.unit_${u}`) }))}
          data-testid="stats-unit"
        />
        {(orgs.data?.length ?? 0) > 1 && (
          <>
            <span>{t('stats.organizations')}</span>
            <Select
              mode="multiple"
              allowClear
              value={orgIds}
              onChange={setOrgIds}
              placeholder={t('stats.allOrganizations')}
              style={{ minWidth: 220 }}
              maxTagCount="responsive"
              optionFilterProp="label"
              options={(orgs.data ?? []).map((o) => ({ value: o.id, label: o.name }))}
              data-testid="stats-orgs"
            />
          </>
        )}
        <Typography.Text type="secondary">{t('stats.drillHint')}</Typography.Text>
      </Space>
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as Tab)}
        items={[
          {
            key: 'volume',
            label: t('stats.tabVolume'),
            children: <VolumeTab params={params} by={by} setBy={setBy} onDrill={drill} />,
          },
          {
            key: 'diagnoses',
            label: t('stats.tabDiagnoses'),
            children: <DiagnosesTab params={params} onDrill={drill} />,
          },
          {
            key: 'turnaround',
            label: t('stats.tabTurnaround'),
            children: <TurnaroundTab params={params} by={tatBy} setBy={setTatBy} onDrill={drill} />,
          },
          {
            key: 'workload',
            label: t('stats.tabWorkload'),
            children: <WorkloadTab params={params} onDrill={drill} />,
          },
          {
            key: 'critical',
            label: t('stats.tabCritical'),
            children: <CriticalTab params={params} onDrill={drill} />,
          },
        ]}
      />
    </PageContainer>
  );
}

interface TabProps {
  params: api.StatsParams;
  onDrill: (d: api.VolumeRow['drill']) => void;
}

function VolumeTab({ params, by, setBy, onDrill }: TabProps & { by: string; setBy: (b: string) => void }) {
  const { t } = useTranslation();
  const data = useRemote((s) => api.volume({ ...params, by }, s), [params, by]);
  const rows = data.data?.rows ?? [];
  const { categories, series } = pivot(
    rows,
    (r) => r.bucket,
    (r) => (by === 'none' ? t('stats.exams') : (r.label ?? r.key ?? '–')),
    (r) => r.exams,
    (r) => r.drill,
  );
  return (
    <Card size="small">
      <Space style={{ marginBottom: 8 }}>
        <span>{t('stats.by')}</span>
        <Select
          value={by}
          onChange={setBy}
          style={{ width: 120 }}
          options={['none', 'department', 'device', 'organization'].map((b) => ({
            value: b,
            label: t(`stats.by_${b}`),
          }))}
          data-testid="stats-volume-by"
        />
      </Space>
      <EChart
        option={barOption(categories, series, { stacked: true })}
        onDrill={onDrill}
        testId="stats-volume-chart"
        height={360}
      />
    </Card>
  );
}

function DiagnosesTab({ params, onDrill }: TabProps) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const data = useRemote((s) => api.diagnoses(params, s), [params]);
  const dist = data.data?.distribution ?? [];
  const name = (d: { code: string }) => {
    const x = dist.find((y) => y.code === d.code);
    return x ? (zh ? x.textZh : x.textEn) : d.code;
  };
  const trend = pivot(
    data.data?.trend ?? [],
    (r) => r.bucket,
    name,
    (r) => r.share,
    (r) => r.drill,
  );
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card size="small">
        <EChart
          option={barOption(
            dist.map(name),
            [{ name: t('stats.exams'), points: dist.map((d) => ({ value: d.exams, drill: d.drill })) }],
            { horizontal: true },
          )}
          onDrill={onDrill}
          height={Math.max(240, dist.length * 24)}
          testId="stats-diagnoses-chart"
        />
      </Card>
      <Card size="small" title={t('stats.trend')}>
        <EChart option={lineOption(trend.categories, trend.series, { percent: true })} onDrill={onDrill} />
      </Card>
    </Space>
  );
}

function TurnaroundTab({
  params,
  by,
  setBy,
  onDrill,
}: TabProps & { by: string; setBy: (b: string) => void }) {
  const { t } = useTranslation();
  const data = useRemote((s) => api.turnaround({ ...params, by }, s), [params, by]);
  const rows = data.data?.rows ?? [];
  const label = (r: api.TurnaroundRow) =>
    by === 'priority'
      ? t(`search.priority_${r.key}`, { defaultValue: r.key ?? '' })
      : (r.label ?? r.key ?? '–');
  const cats = rows.map(label);
  const pt = (v: number | null, r: api.TurnaroundRow) => ({ value: v, drill: r.drill });
  return (
    <Card size="small">
      <Select
        value={by}
        onChange={setBy}
        style={{ width: 140, marginBottom: 8 }}
        options={['priority', 'reader'].map((b) => ({ value: b, label: t(`stats.by_${b}`) }))}
      />
      <EChart
        option={barOption(
          cats,
          [
            { name: t('stats.median'), points: rows.map((r) => pt(r.medianMin, r)) },
            { name: t('stats.p90'), points: rows.map((r) => pt(r.p90Min, r)) },
            { name: t('stats.max'), points: rows.map((r) => pt(r.maxMin, r)) },
          ],
          { unit: t('stats.minutes') },
        )}
        onDrill={onDrill}
        testId="stats-turnaround-chart"
      />
      <Table
        size="small"
        rowKey={(r) => r.key ?? ''}
        dataSource={rows}
        pagination={false}
        columns={[
          { title: t('stats.by'), key: 'k', render: (_, r) => label(r) },
          { title: t('stats.exams'), dataIndex: 'exams' },
          {
            title: t('stats.median'),
            key: 'median',
            render: (_, r) => (r.medianMin === null ? '–' : `${r.approximate ? '≈ ' : ''}${r.medianMin}`),
          },
          {
            title: t('stats.p90'),
            key: 'p90',
            render: (_, r) => (r.p90Min === null ? '–' : `${r.approximate ? '≈ ' : ''}${r.p90Min}`),
          },
          { title: t('stats.max'), dataIndex: 'maxMin' },
        ]}
      />
      {rows.some((r) => r.approximate) && (
        <Typography.Text type="secondary" data-testid="stats-turnaround-approx">
          {t('stats.approximate')}
        </Typography.Text>
      )}
    </Card>
  );
}

function WorkloadTab({ params, onDrill }: TabProps) {
  const { t } = useTranslation();
  const data = useRemote((s) => api.workload(params, s), [params]);
  const rows = data.data?.rows ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {(['technician', 'physician'] as const).map((role) => {
        const rs = rows.filter((r) => r.role === role);
        return (
          <Card size="small" title={t(`stats.${role}`)} key={role}>
            <EChart
              option={barOption(
                rs.map((r) => r.label ?? r.key),
                [{ name: t('stats.exams'), points: rs.map((r) => ({ value: r.exams, drill: r.drill })) }],
                { horizontal: true },
              )}
              onDrill={onDrill}
              height={Math.max(160, rs.length * 28)}
            />
          </Card>
        );
      })}
    </Space>
  );
}

function CriticalTab({ params, onDrill }: TabProps) {
  const { t } = useTranslation();
  const data = useRemote((s) => api.critical(params, s), [params]);
  const rows = data.data?.rows ?? [];
  const cats = rows.map((r) => r.bucket);
  return (
    <Card size="small">
      <EChart
        option={barOption(cats, [
          { name: t('stats.critical'), points: rows.map((r) => ({ value: r.total, drill: r.drill })) },
          { name: t('stats.inTime'), points: rows.map((r) => ({ value: r.inTime, drill: r.drill })) },
        ])}
        onDrill={onDrill}
        testId="stats-critical-chart"
      />
      <Table
        size="small"
        rowKey="bucket"
        dataSource={rows}
        pagination={false}
        columns={[
          { title: t('stats.unit'), dataIndex: 'bucket' },
          { title: t('stats.critical'), dataIndex: 'total' },
          { title: t('stats.acknowledged'), dataIndex: 'acknowledged' },
          { title: t('stats.inTime'), dataIndex: 'inTime' },
          {
            title: t('stats.inTimeShare'),
            dataIndex: 'inTimeShare',
            render: (v: number | null) => (v === null ? '–' : `${Math.round(v * 1000) / 10}%`),
          },
          { title: t('stats.medianAck'), dataIndex: 'medianAckMin' },
          { title: t('stats.p90'), dataIndex: 'p90AckMin' },
        ]}
      />
    </Card>
  );
}
