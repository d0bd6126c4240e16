/**
 * Combined ECG search: filters (kept in the URL, so a chart bar can link here), paged sortable results, saved
 * searches, XLSX/CSV export and the de-identified research export of the selected exams.
 */
import {
  Button,
  Card,
  Checkbox,
  DatePicker,
  Dropdown,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import {
  type ExamHit,
  exportUrl,
  filtersFromParams,
  filtersToParams,
  type SearchFilters,
  type SortKey,
  searchExams,
} from './api';
import { ResearchExportButton, SavedSearches } from './SearchTools';
import './i18n';

dayjs.extend(utc);
dayjs.extend(timezone);

const PAGE = 50;

interface FormValues extends Omit<SearchFilters, 'from' | 'to'> {
  fromDay?: Dayjs | null;
  toDay?: Dayjs | null;
}

export default function SearchPage() {
  const { t, i18n } = useTranslation();
  const { timeZone, can } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const [form] = Form.useForm<FormValues>();
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<{ key?: SortKey; dir?: 'asc' | 'desc' }>({});
  const [selected, setSelected] = useState<string[]>([]);
  const zh = i18n.language.startsWith('zh');

  const list = useRemote(
    (signal) =>
      searchExams(
        { ...filters, sort: sort.key, dir: sort.dir, limit: PAGE, offset: (page - 1) * PAGE },
        signal,
      ),
    [filters, page, sort.key, sort.dir],
  );

  // Day pickers show wall-clock days in the organisation's zone; the server gets instants [from, to).
  const toFilters = (v: FormValues): SearchFilters => {
    const { fromDay, toDay, ...rest } = v;
    return {
      ...rest,
      critical: rest.critical ? true : undefined,
      from: fromDay ? dayjs.tz(fromDay.format('YYYY-MM-DD'), timeZone).toISOString() : undefined,
      to: toDay ? dayjs.tz(toDay.format('YYYY-MM-DD'), timeZone).add(1, 'day').toISOString() : undefined,
    };
  };
  const initial: FormValues = {
    ...filters,
    fromDay: filters.from ? dayjs(filters.from).tz(timeZone) : null,
    // `to` is exclusive: the last day shown is the day before.
    toDay: filters.to ? dayjs(filters.to).tz(timeZone).subtract(1, 'ms') : null,
  };
  const apply = (f: SearchFilters) => {
    setPage(1);
    setSelected([]);
    setParams(filtersToParams(f));
  };

  const columns = [
    {
      title: t('search.examAt'),
      dataIndex: 'examAt',
      key: 'examAt',
      sorter: true,
      width: 170,
      render: (v: string) => formatInstant(v, timeZone),
    },
    {
      title: t('search.name'),
      key: 'name',
      render: (_: unknown, r: ExamHit) =>
        r.patientId ? (
          <Link to={`/search/patients/${r.patientId}`} data-testid="search-history-link">
            {r.patientName}
          </Link>
        ) : (
          '–'
        ),
    },
    {
      title: t('search.sexAge'),
      key: 'sexAge',
      width: 80,
      render: (_: unknown, r: ExamHit) => `${r.patientSex ?? ''} ${r.patientAge ?? ''}`,
    },
    { title: t('search.organization'), dataIndex: 'organizationName', key: 'org', ellipsis: true },
    { title: t('search.department'), dataIndex: 'departmentName', key: 'dept' },
    { title: t('search.device'), dataIndex: 'deviceName', key: 'device', sorter: true },
    { title: t('search.hr'), dataIndex: 'heartRate', key: 'heartRate', sorter: true, width: 90 },
    { title: t('search.qtc'), dataIndex: 'qtc', key: 'qtc', sorter: true, width: 90 },
    {
      title: t('search.statements'),
      key: 'statements',
      render: (_: unknown, r: ExamHit) => (
        <Space size={4} wrap>
          {r.critical && <Tag color="red">{t('search.critical')}</Tag>}
          <span>{zh ? r.statementsZh : r.statementsEn}</span>
        </Space>
      ),
    },
    {
      title: t('search.status'),
      key: 'status',
      render: (_: unknown, r: ExamHit) =>
        r.reportStatus ? t(`reading.status_${r.reportStatus}`, { defaultValue: r.reportStatus }) : r.status,
    },
    { title: t('search.reader'), dataIndex: 'readerName', key: 'reader' },
    {
      key: 'open',
      width: 70,
      render: (_: unknown, r: ExamHit) => <Link to={`/reading/${r.examId}`}>{t('search.open')}</Link>,
    },
  ];

  const lang = zh ? 'zh' : 'en';
  const total = list.data?.total ?? 0;
  return (
    <PageContainer
      title={t('search.title')}
      extra={
        <Space>
          <SavedSearches current={filters} onPick={apply} />
          <Dropdown
            menu={{
              items: [
                {
                  key: 'xlsx',
                  label: (
                    <a
                      href={exportUrl(filters, 'xlsx', lang, sort.key, sort.dir)}
                      data-testid="search-export-xlsx"
                    >
                      {t('search.exportXlsx')}
                    </a>
                  ),
                },
                {
                  key: 'csv',
                  label: (
                    <a
                      href={exportUrl(filters, 'csv', lang, sort.key, sort.dir)}
                      data-testid="search-export-csv"
                    >
                      {t('search.exportCsv')}
                    </a>
                  ),
                },
              ],
            }}
          >
            <Button data-testid="search-export">{t('search.exportXlsx')}</Button>
          </Dropdown>
          {can('research.export') && <ResearchExportButton examIds={selected} />}
        </Space>
      }
    >
      <Card size="small" style={{ marginBottom: 12 }}>
        <Form
          form={form}
          layout="inline"
          initialValues={initial}
          key={params.toString()}
          onFinish={(v) => apply(toFilters(v))}
          style={{ rowGap: 8 }}
        >
          <Form.Item name="patient" label={t('search.patient')}>
            <Input allowClear style={{ width: 160 }} data-testid="search-patient" />
          </Form.Item>
          <Form.Item name="fromDay" label={t('search.from')}>
            <DatePicker data-testid="search-from" />
          </Form.Item>
          <Form.Item name="toDay" label={t('search.to')}>
            <DatePicker data-testid="search-to" />
          </Form.Item>
          <Form.Item name="statement" label={t('search.statement')}>
            <Input allowClear style={{ width: 200 }} data-testid="search-statement" />
          </Form.Item>
          <Form.Item name="match" label={t('search.match')}>
            <Select
              allowClear
              style={{ width: 90 }}
              options={['exact', 'fuzzy'].map((m) => ({ value: m, label: t(`search.match_${m}`) }))}
            />
          </Form.Item>
          <RangeInputs label={t('search.hr')} min="hrMin" max="hrMax" />
          <RangeInputs label={t('search.qtc')} min="qtcMin" max="qtcMax" />
          <Form.Item name="device" label={t('search.device')}>
            <Input allowClear style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="priority" label={t('search.priority')}>
            <Select
              allowClear
              style={{ width: 100 }}
              options={['routine', 'urgent', 'stat'].map((p) => ({
                value: p,
                label: t(`search.priority_${p}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="critical" valuePropName="checked">
            <Checkbox>{t('search.criticalOnly')}</Checkbox>
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" data-testid="search-submit">
                {t('search.search')}
              </Button>
              <Button onClick={() => apply({})}>{t('search.reset')}</Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Typography.Text type="secondary" data-testid="search-total">
        {list.data?.totalApproximate
          ? t('search.resultsApprox', { n: total.toLocaleString(i18n.language) })
          : t('search.results', { n: total })}
      </Typography.Text>
      <Table<ExamHit>
        rowKey="examId"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        columns={columns}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) }}
        onRow={(r) => ({ 'data-testid': 'search-row', 'data-exam-id': r.examId }) as object}
        onChange={(_, __, sorter) => {
          const s = Array.isArray(sorter) ? sorter[0] : sorter;
          setSort(
            s?.order ? { key: s.columnKey as SortKey, dir: s.order === 'ascend' ? 'asc' : 'desc' } : {},
          );
        }}
        pagination={{
          current: page,
          pageSize: PAGE,
          total,
          showSizeChanger: false,
          onChange: setPage,
        }}
        scroll={{ x: 1200 }}
      />
      <Button
        type="link"
        onClick={() => navigate('/stats')}
        style={{ display: can('stats.read') ? undefined : 'none' }}
      >
        {t('stats.menu')}
      </Button>
    </PageContainer>
  );
}

function RangeInputs({ label, min, max }: { label: string; min: keyof FormValues; max: keyof FormValues }) {
  const { t } = useTranslation();
  return (
    <Form.Item label={label}>
      <Space.Compact>
        <Form.Item name={min} noStyle>
          <InputNumber placeholder={t('search.min')} style={{ width: 70 }} min={0} max={5000} />
        </Form.Item>
        <Form.Item name={max} noStyle>
          <InputNumber placeholder={t('search.max')} style={{ width: 70 }} min={0} max={5000} />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}
