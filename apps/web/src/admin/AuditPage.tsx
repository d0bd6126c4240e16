import { SafetyOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { get } from '../api/client';
import type { AuditEntry, AuditOutcome, AuditVerifyResult, Page } from '../api/types';
import { useAuth, useOrgTimeZone } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import { DetailText } from '../patients/PatientHistory';
import { roleName } from './directory';

dayjs.extend(utc);
dayjs.extend(timezone);

const PAGE_SIZE = 50;

/** UUIDs are unreadable in a table; the first block is enough to tell rows apart (full id in the tooltip). */
function shortId(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(id) ? id.slice(0, 8) : id;
}
const OUTCOMES: AuditOutcome[] = ['success', 'denied', 'failure'];
const OUTCOME_COLORS: Record<AuditOutcome, string> = { success: 'green', denied: 'orange', failure: 'red' };

interface Filters {
  from?: string;
  to?: string;
  username?: string;
  action?: string;
  patientId?: string;
  outcome?: AuditOutcome;
}

interface FilterValues {
  range?: [Dayjs | null, Dayjs | null] | null;
  username?: string;
  action?: string;
  patientId?: string;
  outcome?: AuditOutcome;
}

/**
 * The picker shows wall-clock times; they are meant in the organisation's zone (what every screen shows),
 * not the workstation's, so re-read the same wall-clock time in that zone before sending UTC.
 */
function wallClockToUtc(d: Dayjs | null | undefined, timeZone: string): string | undefined {
  if (!d) return undefined;
  return dayjs.tz(d.format('YYYY-MM-DDTHH:mm:ss'), timeZone).toISOString();
}

export default function AuditPage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const timeZone = useOrgTimeZone();
  const [form] = Form.useForm<FilterValues>();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [verifying, setVerifying] = useState(false);
  const [verifyResult, setVerifyResult] = useState<AuditVerifyResult | null>(null);
  const [verifyError, setVerifyError] = useState<string | null>(null);

  const entries = useRemote(
    (signal) =>
      get<Page<AuditEntry>>(
        '/api/audit',
        { ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
        signal,
      ),
    [filters, page],
  );

  const applyFilters = (v: FilterValues) => {
    setFilters({
      from: wallClockToUtc(v.range?.[0], timeZone),
      to: wallClockToUtc(v.range?.[1], timeZone),
      username: v.username?.trim() || undefined,
      action: v.action?.trim() || undefined,
      patientId: v.patientId?.trim() || undefined,
      outcome: v.outcome,
    });
    setPage(1);
  };

  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setVerifyResult(await get<AuditVerifyResult>('/api/audit/verify'));
    } catch (error) {
      setVerifyError(describeError(error, t));
    } finally {
      setVerifying(false);
    }
  };

  const columns: TableColumnsType<AuditEntry> = [
    { title: t('audit.seq'), dataIndex: 'seq', width: 80 },
    {
      title: t('audit.at'),
      dataIndex: 'at',
      width: 170,
      render: (at: string) => formatInstant(at, timeZone),
    },
    {
      title: t('audit.username'),
      dataIndex: 'username',
      width: 140,
      render: (u: string | null, e) => (
        <Space orientation="vertical" size={0}>
          <span>{u ?? '—'}</span>
          {e.role && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {roleName(undefined, e.role, i18n.language)}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      width: 210,
      render: (a: string) => <span style={{ fontFamily: 'monospace', fontSize: 12 }}>{a}</span>,
    },
    {
      title: t('audit.resource'),
      key: 'resource',
      width: 220,
      render: (_: unknown, e) => (
        <Space orientation="vertical" size={0}>
          {e.resourceType && (
            <span>
              {e.resourceType}
              {e.resourceId && e.resourceId !== e.patientId ? ` / ${shortId(e.resourceId)}` : ''}
            </span>
          )}
          {e.patientId && (
            <Tooltip title={e.patientId}>
              <Link to={`/patients/${e.patientId}`}>{`${t('audit.patient')} ${shortId(e.patientId)}`}</Link>
            </Tooltip>
          )}
        </Space>
      ),
    },
    {
      title: t('audit.outcome'),
      dataIndex: 'outcome',
      width: 90,
      render: (o: AuditOutcome) => <Tag color={OUTCOME_COLORS[o]}>{t(`audit.outcome_${o}`)}</Tag>,
    },
    { title: t('audit.clientIp'), dataIndex: 'clientIp', width: 120 },
    // No fixed width: the detail takes what is left, so the table fits a 1366 px screen without scrolling.
    { title: t('audit.detail'), dataIndex: 'detail', render: (d: unknown) => <DetailText detail={d} /> },
  ];

  return (
    <PageContainer
      title={t('audit.title')}
      extra={
        can('audit.verify') && (
          <Button icon={<SafetyOutlined />} loading={verifying} onClick={verify} data-testid="audit-verify">
            {t('audit.verify')}
          </Button>
        )
      }
    >
      {verifyError && (
        <Alert type="error" showIcon closable title={verifyError} style={{ marginBottom: 16 }} />
      )}
      <Card>
        <Form form={form} layout="inline" onFinish={applyFilters} style={{ marginBottom: 16, rowGap: 12 }}>
          <Form.Item name="range" label={t('audit.timeRange')}>
            <DatePicker.RangePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              allowEmpty={[true, true]}
            />
          </Form.Item>
          <Form.Item name="username" label={t('audit.username')}>
            <Input allowClear style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="action" label={t('audit.action')}>
            <Input allowClear style={{ width: 160 }} placeholder="patient.read" />
          </Form.Item>
          <Form.Item name="patientId" label={t('audit.patientId')}>
            <Input allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="outcome" label={t('audit.outcome')}>
            <Select
              allowClear
              style={{ width: 110 }}
              options={OUTCOMES.map((o) => ({ value: o, label: t(`audit.outcome_${o}`) }))}
            />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">
                {t('common.search')}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  applyFilters({});
                }}
              >
                {t('common.reset')}
              </Button>
            </Space>
          </Form.Item>
        </Form>
        {entries.error !== undefined && (
          <Alert type="error" showIcon title={describeError(entries.error, t)} style={{ marginBottom: 16 }} />
        )}
        <Table<AuditEntry>
          rowKey="seq"
          size="small"
          columns={columns}
          dataSource={entries.data?.items ?? []}
          loading={entries.loading}
          scroll={{ x: 1100 }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: entries.data?.total ?? 0,
            showSizeChanger: false,
            showTotal: (total) => t('common.total', { total }),
            onChange: setPage,
          }}
        />
      </Card>
      <VerifyResultDialog result={verifyResult} onClose={() => setVerifyResult(null)} />
    </PageContainer>
  );
}

function VerifyResultDialog({ result, onClose }: { result: AuditVerifyResult | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      title={t('audit.verify')}
      open={result !== null}
      onCancel={onClose}
      footer={<Button onClick={onClose}>{t('common.close')}</Button>}
      width={640}
    >
      {result &&
        (result.ok ? (
          <Alert
            type="success"
            showIcon
            title={t('audit.verifyOk', { checked: result.checked })}
            data-testid="audit-verify-ok"
          />
        ) : (
          <>
            <Alert
              type="error"
              showIcon
              title={t('audit.verifyFailed', { count: result.problems.length, checked: result.checked })}
              style={{ marginBottom: 12 }}
            />
            <Table
              size="small"
              rowKey={(p) => `${p.seq}:${p.problem}`}
              dataSource={result.problems}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              columns={[
                { title: t('audit.problemSeq'), dataIndex: 'seq', width: 100 },
                { title: t('audit.problem'), dataIndex: 'problem' },
              ]}
            />
          </>
        ))}
    </Modal>
  );
}
