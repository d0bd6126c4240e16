import { Alert, App, Button, Card, Form, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { post } from '../api/client';
import type { Patient } from '../api/types';
import { formErrorText } from '../common/errors';
import { PageContainer } from '../layout/PageContainer';
import { formValuesToInput, PatientForm, type PatientFormValues } from './PatientForm';

export function PatientCreatePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<PatientFormValues>();
  const [saving, setSaving] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);

  const save = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setSaving(true);
    setBanner(null);
    try {
      const patient = await post<Patient>('/api/patients', formValuesToInput(values));
      message.success(t('patient.created'));
      navigate(`/patients/${patient.id}`, { replace: true });
    } catch (error) {
      setBanner(formErrorText(form, error, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <PageContainer title={t('patient.createTitle')} crumbs={[{ title: t('patient.createTitle') }]}>
      <Card style={{ maxWidth: 960 }}>
        {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 16 }} />}
        <PatientForm form={form} />
        <Space>
          <Button type="primary" loading={saving} onClick={save} data-testid="patient-save">
            {t('common.save')}
          </Button>
          <Button onClick={() => navigate(-1)}>{t('common.cancel')}</Button>
        </Space>
      </Card>
    </PageContainer>
  );
}
