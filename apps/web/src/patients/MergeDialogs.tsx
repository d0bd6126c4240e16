import { Alert, App, Descriptions, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../api/client';
import type { Patient, PatientSummary } from '../api/types';
import { formErrorText } from '../common/errors';
import { identifierText, sexLabel } from './labels';
import { PatientPicker } from './PatientPicker';

interface MergeProps {
  target: Patient;
  open: boolean;
  onClose: () => void;
  onMerged: (patient: Patient) => void;
}

/** Merge a duplicate (source) into the patient on screen (target); the server keeps it undoable. */
export function MergeDialog({ target, open, onClose, onMerged }: MergeProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ sourcePatientId: string; reason: string }>();
  const [source, setSource] = useState<PatientSummary>();
  const [saving, setSaving] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setSaving(true);
    setBanner(null);
    try {
      const result = await post<{ mergeId: string; patient: Patient }>(`/api/patients/${target.id}/merge`, {
        sourcePatientId: values.sourcePatientId,
        reason: values.reason.trim(),
      });
      message.success(t('merge.done'));
      form.resetFields();
      setSource(undefined);
      onMerged(result.patient);
    } catch (error) {
      setBanner(formErrorText(form, error, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={t('merge.title')}
      open={open}
      onOk={submit}
      onCancel={onClose}
      okText={t('merge.button')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      width={640}
      destroyOnHidden
    >
      <Alert
        type="info"
        showIcon
        title={t('merge.explain', { name: target.name })}
        style={{ marginBottom: 16 }}
      />
      {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical">
        <Form.Item
          name="sourcePatientId"
          label={t('merge.pickSource')}
          rules={[{ required: true, message: t('merge.sourceRequired') }]}
        >
          <PatientPicker
            excludeIds={[target.id]}
            placeholder={t('merge.pickPlaceholder')}
            onChange={(id, p) => {
              form.setFieldValue('sourcePatientId', id);
              setSource(p);
            }}
          />
        </Form.Item>
        {source && (
          <Descriptions size="small" bordered column={2} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('patient.name')}>{source.name}</Descriptions.Item>
            <Descriptions.Item label={t('patient.sex')}>{sexLabel(t, source.sex)}</Descriptions.Item>
            <Descriptions.Item label={t('patient.birthDate')}>{source.birthDate}</Descriptions.Item>
            <Descriptions.Item label={t('patient.nationalId')}>{source.nationalIdMasked}</Descriptions.Item>
            <Descriptions.Item label={t('patient.identifiers')} span={2}>
              {source.identifiers.map((i) => identifierText(t, i)).join('；')}
            </Descriptions.Item>
          </Descriptions>
        )}
        <Form.Item
          name="reason"
          label={t('merge.reason')}
          rules={[{ required: true, whitespace: true, message: t('merge.reasonRequired') }, { max: 500 }]}
        >
          <Input.TextArea rows={3} placeholder={t('merge.reasonPlaceholder')} showCount maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface UndoProps {
  mergeId: string | null;
  onClose: () => void;
  onUndone: (patient: Patient) => void;
}

export function UndoMergeDialog({ mergeId, onClose, onUndone }: UndoProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [saving, setSaving] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values || !mergeId) return;
    setSaving(true);
    setBanner(null);
    try {
      const patient = await post<Patient>(`/api/patients/merges/${mergeId}/undo`, {
        reason: values.reason.trim(),
      });
      message.success(t('merge.undone'));
      form.resetFields();
      onUndone(patient);
    } catch (error) {
      setBanner(formErrorText(form, error, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={t('merge.undoTitle')}
      open={mergeId !== null}
      onOk={submit}
      onCancel={onClose}
      okText={t('merge.undo')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
    >
      {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={t('merge.undoReason')}
          rules={[{ required: true, whitespace: true, message: t('merge.reasonRequired') }, { max: 500 }]}
        >
          <Input.TextArea rows={3} showCount maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
