/**
 * The unmatched-ECG queue: ECGs no order or identifier could place, with what the file says and why matching
 * failed; link one to a patient (and optionally one of the patient's orders) with a reason; the "matched" tab
 * lists recent matches so a wrong link can be undone (with a reason; the history keeps both).
 */
import {
  Alert,
  App,
  Button,
  Descriptions,
  Form,
  Input,
  Modal,
  Segmented,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { get, post } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import { PatientPicker } from '../patients/PatientPicker';
import './i18n';
import type { EcgExamSummary } from './types';
import './unmatchedI18n';
import { useLiveTopic } from '../reading/live';

type Row = EcgExamSummary & {
  identifiers?: Record<string, unknown>;
  warnings?: string[];
  matchedBy?: string | null;
};
interface OrderOption {
  id: string;
  accessionNumber: string;
  procedureName: string;
  status: string;
  scheduledAt: string;
}

const PAGE = 30;

export function UnmatchedPage() {
  const { t } = useTranslation();
  const { me, can, timeZone } = useAuth();
  const { message } = App.useApp();
  const [tab, setTab] = useState<'queue' | 'recent'>('queue');
  const [page, setPage] = useState(1);
  const [linking, setLinking] = useState<Row | null>(null);
  const [unlinking, setUnlinking] = useState<Row | null>(null);
  const [patientId, setPatientId] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ orderId?: string; reason: string }>();
  const list = useRemote(
    (signal) =>
      get<{ items: Row[]; total: number }>(
        tab === 'queue' ? '/api/ecgs/unmatched' : '/api/ecgs',
        { limit: PAGE, offset: (page - 1) * PAGE, ...(tab === 'recent' ? { matched: true } : {}) },
        signal,
      ),
    [tab, page],
  );
  useLiveTopic(me ? `ecg.worklist:${me.organizationId}` : null, list.reload);
  const orders = useRemote(
    (signal) =>
      patientId
        ? get<{ items: OrderOption[] }>('/api/orders', { patientId, limit: 50 }, signal)
        : Promise.resolve({ items: [] as OrderOption[] }),
    [patientId],
  );

  const close = () => {
    setLinking(null);
    setUnlinking(null);
    setPatientId(undefined);
    setError(undefined);
    form.resetFields();
  };
  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setError(undefined);
    try {
      if (linking) {
        await post(`/api/ecgs/${linking.id}/link`, {
          patientId,
          orderId: values.orderId || undefined,
          reason: values.reason,
        });
        message.success(t('unmatched.linked'));
      } else if (unlinking) {
        await post(`/api/ecgs/${unlinking.id}/unlink`, { reason: values.reason });
        message.success(t('unmatched.unlinked'));
      }
      close();
      list.reload();
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };

  const ident = (r: Row) =>
    Object.entries(r.identifiers ?? {})
      .filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(',') : String(v)}`)
      .join(' · ');

  return (
    <PageContainer title={t('unmatched.title')}>
      <Segmented
        style={{ marginBottom: 12 }}
        value={tab}
        onChange={(v) => {
          setTab(v as 'queue' | 'recent');
          setPage(1);
        }}
        options={[
          { value: 'queue', label: t('unmatched.queue') },
          { value: 'recent', label: t('unmatched.recent') },
        ]}
      />
      {list.error !== undefined && <Alert type="error" showIcon title={describeError(list.error, t)} />}
      <Table<Row>
        size="small"
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data?.items}
        locale={{ emptyText: t('unmatched.empty') }}
        data-testid="unmatched-list"
        pagination={{ current: page, pageSize: PAGE, total: list.data?.total ?? 0, onChange: setPage }}
        columns={[
          {
            title: t('ecgViewer.acquiredAt'),
            key: 'at',
            render: (_, r) => (
              <Link to={`/reading/${r.id}`}>{formatInstant(r.acquiredAt ?? r.receivedAt, timeZone)}</Link>
            ),
          },
          { title: t('ecgViewer.device'), key: 'device', render: (_, r) => r.deviceName ?? r.channel },
          ...(tab === 'queue'
            ? [
                {
                  title: t('unmatched.identifiers'),
                  key: 'ids',
                  render: (_: unknown, r: Row) => ident(r) || '—',
                },
                {
                  title: t('unmatched.warnings'),
                  key: 'w',
                  render: (_: unknown, r: Row) => (
                    <Typography.Text type="warning" style={{ fontSize: 12 }}>
                      {(r.warnings ?? []).join('；')}
                    </Typography.Text>
                  ),
                },
              ]
            : [
                {
                  title: t('unmatched.patient'),
                  key: 'p',
                  render: (_: unknown, r: Row) =>
                    r.patientId ? (
                      <Link to={`/patients/${r.patientId}`}>{r.patientName ?? r.patientId.slice(0, 8)}</Link>
                    ) : (
                      '—'
                    ),
                },
                {
                  title: '',
                  key: 'by',
                  render: (_: unknown, r: Row) => r.matchedBy && <Tag>{r.matchedBy}</Tag>,
                },
              ]),
          {
            title: '',
            key: 'act',
            render: (_, r) =>
              can('ecg.link') &&
              (tab === 'queue' ? (
                <Button
                  size="small"
                  type="primary"
                  onClick={() => setLinking(r)}
                  data-testid="unmatched-link"
                >
                  {t('unmatched.link')}
                </Button>
              ) : (
                <Button size="small" danger onClick={() => setUnlinking(r)} data-testid="unmatched-unlink">
                  {t('unmatched.unlink')}
                </Button>
              )),
          },
        ]}
      />
      <Modal
        open={linking !== null || unlinking !== null}
        title={linking ? t('unmatched.linkTitle') : t('unmatched.unlinkTitle')}
        onCancel={close}
        onOk={() => void submit()}
        okButtonProps={{
          loading: busy,
          disabled: linking !== null && !patientId,
          danger: unlinking !== null,
        }}
        destroyOnHidden
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
        {linking && (
          <Descriptions size="small" column={1} style={{ marginBottom: 8 }}>
            <Descriptions.Item label={t('unmatched.identifiers')}>{ident(linking) || '—'}</Descriptions.Item>
          </Descriptions>
        )}
        <Form form={form} layout="vertical">
          {linking && (
            <>
              <Form.Item label={t('unmatched.patient')} required>
                <PatientPicker value={patientId} onChange={(id) => setPatientId(id)} />
              </Form.Item>
              <Form.Item name="orderId" label={t('unmatched.order')}>
                <Select
                  allowClear
                  placeholder={t('unmatched.noOrder')}
                  disabled={!patientId}
                  options={(orders.data?.items ?? [])
                    .filter((o) => o.status !== 'cancelled')
                    .map((o) => ({
                      value: o.id,
                      label: `${o.accessionNumber} · ${o.procedureName} · ${formatInstant(o.scheduledAt, timeZone)}`,
                    }))}
                />
              </Form.Item>
            </>
          )}
          <Form.Item
            name="reason"
            label={t('unmatched.reason')}
            rules={[{ required: true, min: 2, whitespace: true, message: t('unmatched.reasonRequired') }]}
          >
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </PageContainer>
  );
}

export default UnmatchedPage;
