/**
 * Registry upload of one case (the registry tab of the case page) and the endpoints of the national registries
 * (QC page): the record as the registry will receive it, every missing field by its registry name, sign-off and
 * upload by the data manager, and the status of each upload (queued, retrying, accepted with the registry's case
 * id, rejected with the registry's answer, failed after the last retry).
 */
import {
  Alert,
  App,
  Button,
  Card,
  Collapse,
  Descriptions,
  Flex,
  Form,
  Input,
  InputNumber,
  List,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { api, get, post } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { currentLanguage } from '../i18n';
import type { CaseDetail } from './api';

interface Upload {
  id: string;
  caseId: string;
  registry: string;
  status: 'queued' | 'sending' | 'retrying' | 'accepted' | 'rejected' | 'failed';
  attempts: number;
  lastError: string | null;
  lastStatusCode: number | null;
  registryCaseId: string | null;
  signedOffBy: string | null;
  createdAt: string;
  updatedAt: string;
  acceptedAt: string | null;
}

interface CaseRegistry {
  registry: string;
  mappingVersion: string;
  endpointConfigured: boolean;
  record: Record<string, string | number | boolean | null>;
  problems: { field: string; reason: string; reasonZh: string }[];
  uploads: Upload[];
}

const STATUS_COLOR: Record<Upload['status'], string> = {
  queued: 'default',
  sending: 'processing',
  retrying: 'orange',
  accepted: 'green',
  rejected: 'red',
  failed: 'red',
};

export function RegistryPanel({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const en = currentLanguage() === 'en';
  const remote = useRemote(
    (signal) => get<CaseRegistry>(`/api/emergency/cases/${c.id}/registry`, undefined, signal),
    [c],
  );
  const r = remote.data;
  if (remote.error) return <Alert type="warning" title={describeError(remote.error, t)} />;
  if (!r) return null;
  const inFlight = r.uploads.some((u) => ['queued', 'sending', 'retrying'].includes(u.status));
  const act = async (path: string) => {
    try {
      await post(path);
      message.success(t('emergency.uploadQueued'));
      remote.reload();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  return (
    <Flex vertical gap={12}>
      <Typography.Text type="secondary">
        {r.registry} · {t('emergency.mappingVersion', { version: r.mappingVersion })}
      </Typography.Text>
      {r.problems.length ? (
        <List
          size="small"
          data-testid="registry-problems"
          header={t('emergency.registry')}
          dataSource={r.problems}
          renderItem={(p) => (
            <List.Item>
              <Typography.Text code>{p.field}</Typography.Text> {en ? p.reason : p.reasonZh}
            </List.Item>
          )}
        />
      ) : (
        <Alert type="success" showIcon title={t('emergency.registryReady')} />
      )}
      {!r.endpointConfigured && <Alert type="info" showIcon title={t('emergency.noEndpoint')} />}
      {can('emergency.qc') && (
        <Flex gap={8}>
          <Button
            type="primary"
            data-testid="registry-upload"
            disabled={r.problems.length > 0 || !r.endpointConfigured || inFlight}
            onClick={() => act(`/api/emergency/cases/${c.id}/registry-uploads`)}
          >
            {t('emergency.signOffUpload')}
          </Button>
          <Button onClick={() => remote.reload()}>{t('emergency.refresh')}</Button>
        </Flex>
      )}
      <Table<Upload>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={r.uploads}
        data-testid="registry-uploads"
        columns={[
          { title: t('emergency.uploadedAt'), dataIndex: 'createdAt', render: (v) => formatInstant(v) },
          { title: t('emergency.signedOffBy'), dataIndex: 'signedOffBy' },
          {
            title: t('emergency.uploadStatus'),
            dataIndex: 'status',
            render: (v: Upload['status']) => (
              <Tag color={STATUS_COLOR[v]} data-testid="registry-upload-status">
                {t(`emergency.upload_${v}`)}
              </Tag>
            ),
          },
          { title: t('emergency.attempts'), dataIndex: 'attempts' },
          { title: t('emergency.registryCaseId'), dataIndex: 'registryCaseId' },
          { title: t('emergency.lastError'), dataIndex: 'lastError' },
          {
            render: (_, u) =>
              can('emergency.qc') && (u.status === 'failed' || u.status === 'rejected') ? (
                <Button size="small" onClick={() => act(`/api/emergency/registry/uploads/${u.id}/retry`)}>
                  {t('emergency.retryUpload')}
                </Button>
              ) : null,
          },
        ]}
      />
      <Collapse
        size="small"
        items={[
          {
            key: 'record',
            label: t('emergency.registryRecord'),
            children: (
              <Descriptions size="small" column={{ xs: 1, md: 2 }}>
                {Object.entries(r.record).map(([k, v]) => (
                  <Descriptions.Item key={k} label={k}>
                    {v === null ? '—' : String(v)}
                  </Descriptions.Item>
                ))}
              </Descriptions>
            ),
          },
        ]}
      />
    </Flex>
  );
}

interface Endpoints {
  registries: { registry: string; center: string }[];
  items: {
    registry: string;
    url: string;
    headerNames: string[];
    hospitalCode: string | null;
    timeoutMs: number;
    enabled: boolean;
  }[];
}

/** The organisation's registry endpoints (URL, hospital code, an authorisation header), for the data manager. */
export function RegistryEndpoints() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const remote = useRemote(
    (signal) => get<Endpoints>('/api/emergency/registry/endpoints', undefined, signal),
    [],
  );
  const [form] = Form.useForm<{
    registry: string;
    url: string;
    hospitalCode?: string;
    token?: string;
    timeoutMs?: number;
  }>();
  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      await api(`/api/emergency/registry/endpoints/${v.registry}`, {
        method: 'PUT',
        body: {
          url: v.url,
          hospitalCode: v.hospitalCode || undefined,
          timeoutMs: v.timeoutMs || undefined,
          ...(v.token ? { headers: { authorization: v.token } } : {}),
        },
      });
      message.success(t('common.saved'));
      remote.reload();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  const d = remote.data;
  return (
    <Card size="small" title={t('emergency.registryEndpoints')} style={{ marginTop: 16 }}>
      <Table
        size="small"
        rowKey="registry"
        pagination={false}
        dataSource={d?.items ?? []}
        columns={[
          { title: t('emergency.registryName'), dataIndex: 'registry' },
          { title: 'URL', dataIndex: 'url' },
          { title: t('emergency.hospitalCode'), dataIndex: 'hospitalCode' },
          { title: t('emergency.headers'), dataIndex: 'headerNames', render: (v: string[]) => v.join(', ') },
          {
            title: t('emergency.enabled'),
            dataIndex: 'enabled',
            render: (v) => (v ? t('common.yes') : t('common.no')),
          },
        ]}
      />
      <Form form={form} layout="inline" style={{ marginTop: 12, rowGap: 8 }}>
        <Form.Item name="registry" rules={[{ required: true }]}>
          <Select
            style={{ width: 200 }}
            placeholder={t('emergency.registryName')}
            options={(d?.registries ?? []).map((r) => ({ value: r.registry, label: r.registry }))}
          />
        </Form.Item>
        <Form.Item name="url" rules={[{ required: true, type: 'url' }]}>
          <Input placeholder="https://…" style={{ width: 280 }} />
        </Form.Item>
        <Form.Item name="hospitalCode">
          <Input placeholder={t('emergency.hospitalCode')} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="token">
          <Input.Password placeholder="Authorization" style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="timeoutMs">
          <InputNumber min={100} max={120000} placeholder="ms" />
        </Form.Item>
        <Button type="primary" onClick={save}>
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
