/**
 * ECG orders: the list (filter by status or patient), a manual order for a patient (priority, green channel,
 * ordering department and clinician), and cancelling with a reason. Orders from the HIS arrive over HL7.
 */
import { PlusOutlined, ThunderboltFilled } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { get, post } from '../api/client';
import type { Organization } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError, formErrorText } from '../common/errors';
import { useRemote } from '../common/useRemote';
import '../ecg/unmatchedI18n';
import { PageContainer } from '../layout/PageContainer';
import { PatientPicker } from '../patients/PatientPicker';
import '../reading/i18n';

interface Order {
  id: string;
  patientId: string;
  accessionNumber: string;
  procedureName: string;
  priority: 'routine' | 'urgent' | 'stat';
  greenChannel: boolean;
  orderingDepartmentId: string | null;
  orderingClinician: string | null;
  status: string;
  scheduledAt: string;
  source: string;
  cancelReason: string | null;
  /** Given in lists to users who may read patients. */
  patientName?: string;
}

interface NewOrder {
  priority: Order['priority'];
  greenChannel: boolean;
  orderingDepartmentId?: string;
  orderingClinician?: string;
  procedureName?: string;
}

const PAGE = 30;
const STATUSES = ['scheduled', 'in-progress', 'completed', 'cancelled'];

export function OrdersPage() {
  const { t } = useTranslation();
  const { can, me, timeZone } = useAuth();
  const { message } = App.useApp();
  const [status, setStatus] = useState<string>();
  const [patientFilter, setPatientFilter] = useState<string>();
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [patientId, setPatientId] = useState<string>();
  const [cancelling, setCancelling] = useState<Order | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<NewOrder>();
  const list = useRemote(
    (signal) =>
      get<{ items: Order[]; total: number }>(
        '/api/orders',
        { status, patientId: patientFilter, limit: PAGE, offset: (page - 1) * PAGE },
        signal,
      ),
    [status, patientFilter, page],
  );
  // Department names: the organisation tree when the user may read it; otherwise ids stay hidden behind "—".
  const orgs = useRemote(
    (signal) =>
      get<Organization[]>('/api/organizations', undefined, signal).catch(() => [] as Organization[]),
    [],
  );
  const departments = (orgs.data ?? []).find((o) => o.id === me?.organizationId)?.departments ?? [];
  const deptName = (id: string | null) => (id ? (departments.find((d) => d.id === id)?.name ?? '—') : '—');

  const create = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setError(undefined);
    try {
      const order = await post<Order>('/api/orders', {
        patientId,
        priority: values.priority,
        greenChannel: values.greenChannel,
        orderingDepartmentId: values.orderingDepartmentId || undefined,
        orderingClinician: values.orderingClinician?.trim() || undefined,
        procedureName: values.procedureName?.trim() || undefined,
      });
      message.success(t('orders.created', { accession: order.accessionNumber }));
      setCreating(false);
      form.resetFields();
      setPatientId(undefined);
      list.reload();
    } catch (e) {
      setError(formErrorText(form, e, t) ?? undefined);
    } finally {
      setBusy(false);
    }
  };
  const cancel = async () => {
    if (!cancelling) return;
    setBusy(true);
    setError(undefined);
    try {
      await post(`/api/orders/${cancelling.id}/cancel`, { reason: reason.trim() });
      message.success(t('orders.cancelled'));
      setCancelling(null);
      setReason('');
      list.reload();
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <PageContainer
      title={t('orders.title')}
      extra={
        can('order.write') && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="order-create"
          >
            {t('orders.create')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          style={{ width: 150 }}
          placeholder={t('orders.anyStatus')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={STATUSES.map((s) => ({ value: s, label: t(`orders.status_${s}`) }))}
        />
        <div style={{ width: 320 }}>
          <PatientPicker
            value={patientFilter}
            onChange={(id) => setPatientFilter(id)}
            placeholder={t('orders.patient')}
          />
        </div>
      </Space>
      {list.error !== undefined && <Alert type="error" showIcon title={describeError(list.error, t)} />}
      <Table<Order>
        size="small"
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data?.items}
        data-testid="orders-list"
        pagination={{ current: page, pageSize: PAGE, total: list.data?.total ?? 0, onChange: setPage }}
        columns={[
          { title: t('orders.accession'), dataIndex: 'accessionNumber' },
          {
            title: t('orders.patient'),
            key: 'p',
            render: (_, o) => (
              <Link to={`/patients/${o.patientId}`}>{o.patientName || t('orders.openPatient')}</Link>
            ),
          },
          { title: t('orders.procedure'), dataIndex: 'procedureName' },
          {
            title: t('orders.priority'),
            key: 'prio',
            render: (_, o) => (
              <Space size={4}>
                {o.greenChannel && (
                  <Tag color="green" icon={<ThunderboltFilled />}>
                    {t('orders.greenChannel')}
                  </Tag>
                )}
                <Tag color={o.priority === 'stat' ? 'red' : o.priority === 'urgent' ? 'orange' : 'default'}>
                  {t(`reading.priority_${o.priority}`)}
                </Tag>
              </Space>
            ),
          },
          { title: t('orders.department'), key: 'dept', render: (_, o) => deptName(o.orderingDepartmentId) },
          { title: t('orders.clinician'), key: 'cl', render: (_, o) => o.orderingClinician ?? '—' },
          {
            title: t('orders.scheduledAt'),
            key: 'at',
            render: (_, o) => formatInstant(o.scheduledAt, timeZone),
          },
          {
            title: t('orders.status'),
            key: 'st',
            render: (_, o) => (
              <span title={o.cancelReason ?? undefined}>
                <Tag
                  color={o.status === 'cancelled' ? 'default' : o.status === 'completed' ? 'success' : 'blue'}
                >
                  {t(`orders.status_${o.status}`, { defaultValue: o.status })}
                </Tag>
              </span>
            ),
          },
          {
            title: t('orders.source'),
            key: 'src',
            render: (_, o) => t(`orders.source_${o.source}`, { defaultValue: o.source }),
          },
          {
            title: '',
            key: 'act',
            render: (_, o) =>
              can('order.write') &&
              (o.status === 'scheduled' || o.status === 'in-progress') && (
                <Button size="small" danger onClick={() => setCancelling(o)}>
                  {t('orders.cancel')}
                </Button>
              ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('orders.createTitle')}
        onCancel={() => setCreating(false)}
        onOk={() => void create()}
        okButtonProps={{ loading: busy, disabled: !patientId, 'data-testid': 'order-save' }}
        destroyOnHidden
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
        <Form form={form} layout="vertical" initialValues={{ priority: 'routine', greenChannel: false }}>
          <Form.Item label={t('orders.patient')} required>
            <PatientPicker value={patientId} onChange={(id) => setPatientId(id)} />
          </Form.Item>
          <Form.Item name="procedureName" label={t('orders.procedure')}>
            <Input maxLength={100} placeholder="常规十二导联心电图" />
          </Form.Item>
          <Space size={24}>
            <Form.Item name="priority" label={t('orders.priority')}>
              <Select
                style={{ width: 140 }}
                options={(['routine', 'urgent', 'stat'] as const).map((p) => ({
                  value: p,
                  label: t(`reading.priority_${p}`),
                }))}
              />
            </Form.Item>
            <Form.Item name="greenChannel" label={t('orders.greenChannel')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Space>
          <Form.Item name="orderingDepartmentId" label={t('orders.department')}>
            <Select allowClear options={departments.map((d) => ({ value: d.id, label: d.name }))} />
          </Form.Item>
          <Form.Item name="orderingClinician" label={t('orders.clinician')}>
            <Input maxLength={50} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={cancelling !== null}
        title={t('orders.cancel')}
        onCancel={() => setCancelling(null)}
        onOk={() => void cancel()}
        okButtonProps={{ loading: busy, danger: true, disabled: reason.trim().length < 2 }}
        destroyOnHidden
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
        <Input.TextArea
          rows={2}
          maxLength={500}
          value={reason}
          placeholder={t('orders.cancelReason')}
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>
    </PageContainer>
  );
}

export default OrdersPage;
