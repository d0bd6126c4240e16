import { Alert, App, Form, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { patch } from '../api/client';
import type { Patient } from '../api/types';
import { formErrorText } from '../common/errors';
import { formValuesToInput, PatientForm, type PatientFormValues } from './PatientForm';

interface Props {
  patient: Patient;
  open: boolean;
  onClose: () => void;
  onSaved: (patient: Patient) => void;
}

export function PatientEditDialog({ patient, open, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PatientFormValues>();
  const [saving, setSaving] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setSaving(true);
    setBanner(null);
    try {
      // The national-id identifier is not in the list: its value here is masked, and the server derives it
      // from `nationalId` (sent only when the user typed a new one).
      const input = formValuesToInput(values);
      const saved = await patch<Patient>(`/api/patients/${patient.id}`, input);
      message.success(t('common.saved'));
      onSaved(saved);
    } catch (error) {
      setBanner(formErrorText(form, error, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={t('patient.editTitle')}
      open={open}
      onOk={submit}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      width={880}
      destroyOnHidden
    >
      {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 16 }} />}
      <PatientForm form={form} existing={patient} />
    </Modal>
  );
}
