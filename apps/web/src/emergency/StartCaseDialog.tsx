/** Starts an emergency case from ED triage or prehospital care; an unknown patient gets a temporary identity. */
import { ARRIVAL_MODES, type Center } from '@lifeline/emergency';
import { Alert, App, Button, Checkbox, Form, InputNumber, Modal, Radio, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { get, post } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { formErrorText } from '../common/errors';
import { PatientPicker } from '../patients/PatientPicker';
import type { CaseDetail } from './api';

interface Values {
  center: Center;
  unknown: boolean;
  patientId?: string;
  estimatedAge?: number;
  arrivalMode?: string;
  source: 'triage' | 'prehospital';
  destinationOrganizationId?: string;
}

export function StartCaseDialog({
  open,
  onClose,
  defaultCenter,
}: {
  open: boolean;
  onClose: () => void;
  defaultCenter?: Center;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const unknown = Form.useWatch('unknown', form);
  const source = Form.useWatch('source', form);
  const { me } = useAuth();
  // Hospitals of the network a prehospital team can pre-alert; the station's own cases belong to them.
  const [hospitals, setHospitals] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    if (open)
      get<{ id: string; name: string }[]>('/api/emergency/destinations').then(setHospitals, () =>
        setHospitals([]),
      );
  }, [open]);
  const atStation = hospitals.length > 0 && !hospitals.some((h) => h.id === me?.organizationId);

  useEffect(() => {
    if (open) {
      form.resetFields();
      form.setFieldsValue({ center: defaultCenter ?? 'chest-pain', unknown: false, source: 'triage' });
      form.setFieldValue('destinationOrganizationId', undefined);
      setBanner(null);
    }
  }, [open, defaultCenter, form]);

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setSaving(true);
    try {
      const c = await post<CaseDetail>('/api/emergency/cases', {
        center: v.center,
        source: v.source,
        ...(v.arrivalMode ? { arrivalMode: v.arrivalMode } : {}),
        ...(v.source === 'prehospital' && v.destinationOrganizationId
          ? { destinationOrganizationId: v.destinationOrganizationId }
          : {}),
        ...(v.unknown
          ? { unknownPatient: v.estimatedAge !== undefined ? { estimatedAge: v.estimatedAge } : {} }
          : { patientId: v.patientId }),
      });
      message.success(c.wristband);
      onClose();
      navigate(`/emergency/cases/${c.id}`);
    } catch (error) {
      setBanner(formErrorText(form, error, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={t('emergency.startTitle')}
      open={open}
      onCancel={onClose}
      forceRender
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button key="save" type="primary" loading={saving} onClick={submit} data-testid="case-start-save">
          {t('common.confirm')}
        </Button>,
      ]}
    >
      {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical">
        <Form.Item name="center" label={t('emergency.center')} rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            data-testid="case-center"
            options={(['chest-pain', 'stroke', 'trauma'] as const).map((c) => ({
              value: c,
              label: t(`emergency.center_${c}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="unknown" valuePropName="checked">
          <Checkbox data-testid="case-unknown">{t('emergency.unknownPatient')}</Checkbox>
        </Form.Item>
        {unknown ? (
          <Form.Item name="estimatedAge" label={t('emergency.estimatedAge')}>
            <InputNumber min={0} max={120} />
          </Form.Item>
        ) : (
          <Form.Item
            name="patientId"
            label={t('emergency.patient')}
            rules={[
              { required: true, message: t('common.requiredSelect', { field: t('emergency.patient') }) },
            ]}
          >
            <PatientPicker />
          </Form.Item>
        )}
        <Form.Item name="arrivalMode" label={t('emergency.arrivalMode')}>
          <Select
            allowClear
            options={ARRIVAL_MODES.map((m) => ({ value: m, label: t(`emergency.arrival_${m}`) }))}
          />
        </Form.Item>
        {source === 'prehospital' && hospitals.length > 0 && (
          <Form.Item
            name="destinationOrganizationId"
            label={t('emergency.destination')}
            rules={
              atStation
                ? [
                    {
                      required: true,
                      message: t('common.requiredSelect', { field: t('emergency.destination') }),
                    },
                  ]
                : []
            }
          >
            <Select allowClear options={hospitals.map((h) => ({ value: h.id, label: h.name }))} />
          </Form.Item>
        )}
        <Form.Item name="source" label={t('emergency.startSource')}>
          <Radio.Group
            options={(['triage', 'prehospital'] as const).map((s) => ({
              value: s,
              label: t(`emergency.source_${s}`),
            }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
