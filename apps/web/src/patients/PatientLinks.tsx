/**
 * Links between records of the same person kept apart (e.g. the county hospital's and a township hospital's):
 * the list on the patient page, the dialog that links a record of the network, and the unlink dialog.
 */
import {
  Alert,
  App,
  Button,
  Descriptions,
  Form,
  Input,
  Modal,
  Select,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { get, post } from '../api/client';
import type { Patient, PatientSummary } from '../api/types';
import { formatInstant } from '../clock';
import { formErrorText } from '../common/errors';
import { identifierTypeLabel, sexLabel } from './labels';
import './links-i18n';

export interface LinkedPatient {
  linkId: string;
  patientId: string;
  name: string;
  sex: string;
  birthDate: string | null;
  nationalIdMasked: string | null;
  identifiers: { type: string; value: string; issuer: string | null }[];
  organizationId: string;
  organizationName: string;
  reason: string;
  linkedAt: string;
  linkedBy: string | null;
}

/** A patient (or search result) as the server sends it, with its links. */
export type WithLinks<T> = T & { links?: LinkedPatient[] };

interface ListProps {
  patient: WithLinks<Patient>;
  timeZone: string;
  canUnlink: boolean;
  onUnlink: (linkId: string) => void;
}

/** The other records of this person; those of the same organisation open as their own page. */
export function LinkedRecords({ patient, timeZone, canUnlink, onUnlink }: ListProps) {
  const { t } = useTranslation();
  const links = patient.links ?? [];
  if (links.length === 0) return null;
  return (
    <div data-testid="patient-links">
      <Typography.Title level={5}>{t('patientLink.title')}</Typography.Title>
      <Table<LinkedPatient>
        size="small"
        pagination={false}
        rowKey="linkId"
        dataSource={links}
        columns={[
          { title: t('patientLink.organization'), dataIndex: 'organizationName', width: 200 },
          {
            title: t('patient.name'),
            key: 'who',
            render: (_, l) => {
              const text = `${l.name} · ${sexLabel(t, l.sex)} · ${l.birthDate ?? ''}`;
              return l.organizationId === patient.organizationId ? (
                <Link to={`/patients/${l.patientId}`}>{text}</Link>
              ) : (
                text
              );
            },
          },
          {
            title: t('patient.identifiers'),
            key: 'ids',
            render: (_, l) =>
              l.identifiers.map((i) => (
                <Tag key={`${i.type}:${i.value}`}>
                  {identifierTypeLabel(t, i.type)} {i.value}
                </Tag>
              )),
          },
          { title: t('patientLink.reason'), dataIndex: 'reason' },
          {
            title: t('patientLink.at'),
            dataIndex: 'linkedAt',
            width: 170,
            render: (at: string, l) =>
              `${formatInstant(at, timeZone)}${l.linkedBy ? ` · ${l.linkedBy}` : ''}`,
          },
          {
            title: t('common.actions'),
            key: 'unlink',
            width: 100,
            render: (_, l) =>
              canUnlink ? (
                <Button size="small" danger onClick={() => onUnlink(l.linkId)} data-testid="patient-unlink">
                  {t('patientLink.unlink')}
                </Button>
              ) : null,
          },
        ]}
      />
    </div>
  );
}

type Candidate = PatientSummary & { organizationName: string };

/** Search over the whole network (the ordinary patient search covers one organisation). */
function CandidatePicker(props: { excludeId: string; onChange: (c: Candidate | undefined) => void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<Candidate[]>([]);
  const [loading, setLoading] = useState(false);
  const controller = useRef<AbortController | null>(null);
  useEffect(() => {
    if (!query.trim()) return setOptions([]);
    const timer = setTimeout(() => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      setLoading(true);
      get<{ items: Candidate[] }>('/api/patients/link-candidates', { q: query.trim() }, c.signal)
        .then((r) => !c.signal.aborted && setOptions(r.items.filter((p) => p.id !== props.excludeId)))
        .catch(() => !c.signal.aborted && setOptions([]))
        .finally(() => !c.signal.aborted && setLoading(false));
    }, 300);
    return () => clearTimeout(timer);
  }, [query, props.excludeId]);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQuery }}
      placeholder={t('patientLink.pickPlaceholder')}
      notFoundContent={loading ? <Spin size="small" /> : null}
      onChange={(id: string) => props.onChange(options.find((o) => o.id === id))}
      data-testid="patient-link-picker"
      options={options.map((p) => ({
        value: p.id,
        label: `${p.name} · ${sexLabel(t, p.sex)} · ${p.birthDate ?? ''} · ${p.organizationName} · ${p.identifiers
          .filter((i) => i.type !== 'national-id')
          .map((i) => i.value)
          .join(' ')}`,
      }))}
    />
  );
}

interface LinkProps {
  patient: Patient;
  open: boolean;
  onClose: () => void;
  onLinked: () => void;
}

export function LinkDialog({ patient, open, onClose, onLinked }: LinkProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ otherPatientId: string; reason: string }>();
  const [other, setOther] = useState<Candidate>();
  const [saving, setSaving] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setSaving(true);
    setBanner(null);
    try {
      await post(`/api/patients/${patient.id}/links`, {
        otherPatientId: values.otherPatientId,
        reason: values.reason.trim(),
      });
      message.success(t('patientLink.done'));
      form.resetFields();
      setOther(undefined);
      onLinked();
    } catch (error) {
      setBanner(formErrorText(form, error, t));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      title={t('patientLink.dialogTitle')}
      open={open}
      onOk={submit}
      onCancel={onClose}
      okText={t('patientLink.button')}
      okButtonProps={{ 'data-testid': 'patient-link-save' }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      width={680}
      destroyOnHidden
    >
      <Alert
        type="info"
        showIcon
        title={t('patientLink.explain', { name: patient.name })}
        style={{ marginBottom: 16 }}
      />
      {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical">
        <Form.Item
          name="otherPatientId"
          label={t('patientLink.pick')}
          rules={[{ required: true, message: t('patientLink.pickRequired') }]}
        >
          <CandidatePicker
            excludeId={patient.id}
            onChange={(c) => {
              form.setFieldValue('otherPatientId', c?.id);
              setOther(c);
            }}
          />
        </Form.Item>
        {other && (
          <Descriptions size="small" bordered column={2} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('patientLink.organization')}>
              {other.organizationName}
            </Descriptions.Item>
            <Descriptions.Item label={t('patient.name')}>{other.name}</Descriptions.Item>
            <Descriptions.Item label={t('patient.birthDate')}>{other.birthDate}</Descriptions.Item>
            <Descriptions.Item label={t('patient.nationalId')}>{other.nationalIdMasked}</Descriptions.Item>
          </Descriptions>
        )}
        <Form.Item
          name="reason"
          label={t('patientLink.reason')}
          rules={[
            { required: true, whitespace: true, min: 2, message: t('patientLink.reasonRequired') },
            { max: 500 },
          ]}
        >
          <Input.TextArea rows={2} showCount maxLength={500} data-testid="patient-link-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function UnlinkDialog(props: { linkId: string | null; onClose: () => void; onUnlinked: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [saving, setSaving] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values || !props.linkId) return;
    setSaving(true);
    setBanner(null);
    try {
      await post(`/api/patients/links/${props.linkId}/unlink`, { reason: values.reason.trim() });
      message.success(t('patientLink.unlinked'));
      form.resetFields();
      props.onUnlinked();
    } catch (error) {
      setBanner(formErrorText(form, error, t));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      title={t('patientLink.unlinkTitle')}
      open={props.linkId !== null}
      onOk={submit}
      onCancel={props.onClose}
      okText={t('patientLink.unlink')}
      okButtonProps={{ danger: true, 'data-testid': 'patient-unlink-save' }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
    >
      {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={t('patientLink.unlinkReason')}
          rules={[
            { required: true, whitespace: true, min: 2, message: t('patientLink.reasonRequired') },
            { max: 500 },
          ]}
        >
          <Input.TextArea rows={2} showCount maxLength={500} data-testid="patient-unlink-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The tag a search result carries when the person has records elsewhere. */
export function LinkTag({ links }: { links?: LinkedPatient[] }) {
  const { t } = useTranslation();
  if (!links?.length) return null;
  return (
    <Tag color="blue" data-testid="patient-link-tag">
      {t('patientLink.tag', { orgs: [...new Set(links.map((l) => l.organizationName))].join('、') })}
    </Tag>
  );
}
