import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Col, DatePicker, Form, type FormInstance, Input, Radio, Row, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Identifier, IdentifierType, Patient, PatientInput, Sex } from '../api/types';
import { IDENTIFIER_TYPES, identifierTypeLabel, SEXES, sexLabel } from './labels';

export interface PatientFormValues {
  name: string;
  sex: Sex;
  birthDate: Dayjs | null;
  nationalId?: string;
  phone?: string;
  address?: string;
  identifiers?: { type: IdentifierType; value: string }[];
}

// Format only: the check digit is validated by the server, whose message lands under this field.
const NATIONAL_ID = /^\d{17}[\dXx]$/;
const PHONE = /^[+\d][\d\- ]{5,19}$/;

/** Identifiers the user edits here: national-id is its own field (and masked), issuer details stay server-side. */
function editableIdentifiers(ids: Identifier[]): { type: IdentifierType; value: string }[] {
  return ids.filter((id) => id.type !== 'national-id').map(({ type, value }) => ({ type, value }));
}

export function patientToFormValues(p: Patient): PatientFormValues {
  return {
    name: p.name,
    sex: p.sex,
    birthDate: p.birthDate ? dayjs(p.birthDate) : null,
    address: p.address ?? undefined,
    identifiers: editableIdentifiers(p.identifiers),
  };
}

/**
 * Form values → API input. Empty national ID / phone are left out so that, when editing, leaving the masked
 * field blank keeps the stored value instead of erasing it.
 */
export function formValuesToInput(v: PatientFormValues): PatientInput {
  const input: PatientInput = {
    name: v.name.trim(),
    sex: v.sex,
    birthDate: v.birthDate ? v.birthDate.format('YYYY-MM-DD') : '',
    address: v.address?.trim() || undefined,
    identifiers: (v.identifiers ?? [])
      .filter((id) => id?.type && id.value?.trim())
      .map((id) => ({ type: id.type, value: id.value.trim() })),
  };
  if (v.nationalId?.trim()) input.nationalId = v.nationalId.trim().toUpperCase();
  if (v.phone?.trim()) input.phone = v.phone.trim();
  return input;
}

interface Props {
  form: FormInstance<PatientFormValues>;
  /** When editing, the masked current values are shown as placeholders. */
  existing?: Patient;
}

export function PatientForm({ form, existing }: Props) {
  const { t } = useTranslation();
  const req = (field: string) => ({ required: true, message: t('common.required', { field }) });
  const reqSelect = (field: string) => ({ required: true, message: t('common.requiredSelect', { field }) });

  return (
    <Form<PatientFormValues>
      form={form}
      layout="vertical"
      initialValues={existing ? patientToFormValues(existing) : { sex: undefined, identifiers: [] }}
      scrollToFirstError
    >
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item
            name="name"
            label={t('patient.name')}
            rules={[
              req(t('patient.name')),
              { whitespace: true, message: t('common.required', { field: t('patient.name') }) },
              { max: 64 },
            ]}
          >
            <Input autoComplete="off" data-testid="patient-name" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="sex" label={t('patient.sex')} rules={[reqSelect(t('patient.sex'))]}>
            <Radio.Group
              optionType="button"
              options={SEXES.map((s) => ({ value: s, label: sexLabel(t, s) }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="birthDate"
            label={t('patient.birthDate')}
            rules={[
              reqSelect(t('patient.birthDate')),
              {
                validator: (_, d: Dayjs | null) =>
                  d?.isAfter(dayjs(), 'day')
                    ? Promise.reject(new Error(t('patient.birthFuture')))
                    : Promise.resolve(),
              },
            ]}
          >
            <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="nationalId"
            label={t('patient.nationalId')}
            rules={[{ pattern: NATIONAL_ID, message: t('patient.nationalIdFormat') }]}
            normalize={(v: string) => v?.toUpperCase()}
          >
            <Input
              maxLength={18}
              autoComplete="off"
              style={{ fontFamily: 'monospace' }}
              placeholder={
                existing?.nationalIdMasked
                  ? t('patient.keepBlank', { masked: existing.nationalIdMasked })
                  : ''
              }
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="phone"
            label={t('patient.phone')}
            rules={[{ pattern: PHONE, message: t('patient.phoneFormat') }]}
          >
            <Input
              autoComplete="off"
              placeholder={
                existing?.phoneMasked ? t('patient.keepBlank', { masked: existing.phoneMasked }) : ''
              }
            />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="address" label={t('patient.address')} rules={[{ max: 200 }]}>
            <Input />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('patient.identifiers')}>
        <Form.List name="identifiers">
          {(fields, { add, remove }) => (
            <>
              {fields.map(({ key, name }) => (
                <Space key={key} align="baseline" style={{ display: 'flex', marginBottom: 4 }}>
                  <Form.Item name={[name, 'type']} rules={[reqSelect(t('patient.identifierType'))]}>
                    <Select
                      style={{ width: 160 }}
                      placeholder={t('patient.identifierType')}
                      options={IDENTIFIER_TYPES.filter((x) => x !== 'national-id').map((x) => ({
                        value: x,
                        label: identifierTypeLabel(t, x),
                      }))}
                    />
                  </Form.Item>
                  <Form.Item name={[name, 'value']} rules={[req(t('patient.identifierValue')), { max: 64 }]}>
                    <Input style={{ width: 260 }} placeholder={t('patient.identifierValue')} />
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(name)} aria-label="remove" />
                </Space>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => add({ type: 'outpatient', value: '' })}
              >
                {t('patient.addIdentifier')}
              </Button>
            </>
          )}
        </Form.List>
      </Form.Item>
    </Form>
  );
}
