/**
 * Reporting settings of the organisation: how many senior review levels each report type needs before signing,
 * the turnaround targets the worklist timers count against, and the critical-value acknowledgement time and
 * escalation roles.
 */
import { ROLES } from '@lifeline/shared';
import { Alert, App, Button, Card, Form, InputNumber, Select, Skeleton, Space, Switch } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, get } from '../api/client';
import { formErrorText } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import { TEMPLATES, type Template } from './api';
import './i18n';
import './settingsI18n';

interface Settings {
  reviewLevels: Record<Template, number>;
  turnaroundTargetsMin: { routine: number; urgent: number; stat: number };
  criticalAckMinutes: number;
  criticalEscalationRoles: string[];
  maskIdentifiers: boolean;
}

export function ReportSettingsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Settings>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const settings = useRemote((signal) => get<Settings>('/api/report-settings', undefined, signal), []);
  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data);
  }, [settings.data, form]);
  const en = i18n.language === 'en';

  const save = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setError(undefined);
    try {
      const next = await api<Settings>('/api/report-settings', {
        method: 'PUT',
        body: {
          reviewLevels: values.reviewLevels,
          turnaroundTargetsMin: values.turnaroundTargetsMin,
          criticalAckMinutes: values.criticalAckMinutes,
          criticalEscalationRoles: values.criticalEscalationRoles,
          maskIdentifiers: values.maskIdentifiers,
        },
      });
      form.setFieldsValue(next);
      message.success(t('reading.saved'));
    } catch (e) {
      setError(formErrorText(form, e, t) ?? undefined);
    } finally {
      setBusy(false);
    }
  };

  return (
    <PageContainer
      title={t('reportSettings.title')}
      extra={
        <Button type="primary" loading={busy} onClick={() => void save()} disabled={!settings.data}>
          {t('common.save')}
        </Button>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {!settings.data ? (
        <Skeleton active />
      ) : (
        <Form form={form} layout="vertical" style={{ maxWidth: 720 }}>
          <Card size="small" title={t('reportSettings.reviewLevels')} style={{ marginBottom: 12 }}>
            <Space size={24} wrap>
              {TEMPLATES.map((tpl) => (
                <Form.Item key={tpl} name={['reviewLevels', tpl]} label={t(`reading.template_${tpl}`)}>
                  <InputNumber min={1} max={3} />
                </Form.Item>
              ))}
            </Space>
          </Card>
          <Card size="small" title={t('reportSettings.targets')} style={{ marginBottom: 12 }}>
            <Space size={24} wrap>
              {(['stat', 'urgent', 'routine'] as const).map((p) => (
                <Form.Item key={p} name={['turnaroundTargetsMin', p]} label={t(`reading.priority_${p}`)}>
                  <InputNumber min={1} max={1440} addonAfter={t('reportSettings.minutes')} />
                </Form.Item>
              ))}
            </Space>
          </Card>
          <Card size="small" title={t('reportSettings.critical')}>
            <Form.Item name="criticalAckMinutes" label={t('reportSettings.ackMinutes')}>
              <InputNumber min={0.5} max={1440} step={0.5} addonAfter={t('reportSettings.minutes')} />
            </Form.Item>
            <Form.Item name="criticalEscalationRoles" label={t('reportSettings.escalationRoles')}>
              <Select
                mode="multiple"
                options={ROLES.map((r) => ({ value: r.code, label: en ? r.nameEn : r.nameZh }))}
              />
            </Form.Item>
            <Form.Item
              name="maskIdentifiers"
              label={t('reportSettings.maskIdentifiers')}
              valuePropName="checked"
            >
              <Switch />
            </Form.Item>
          </Card>
        </Form>
      )}
    </PageContainer>
  );
}

export default ReportSettingsPage;
