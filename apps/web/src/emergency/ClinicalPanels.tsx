/**
 * Thrombolysis checklist, informed consent (times and a photo of the signed form) and cath-lab / OR
 * registration of a case. The server evaluates the checklist with @lifeline/emergency and stores the decision.
 */
import { CHECKLISTS, type ChecklistItem } from '@lifeline/emergency';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Flex,
  Form,
  Input,
  InputNumber,
  List,
  Radio,
  Select,
  Tag,
  Typography,
  Upload,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError, formErrorText } from '../common/errors';
import { currentLanguage } from '../i18n';
import type { CaseDetail } from './api';

dayjs.extend(utc);
dayjs.extend(timezone);

const OUTCOME_COLOR: Record<string, string> = {
  eligible: 'green',
  'needs-review': 'gold',
  contraindicated: 'red',
};

/** Passes the value and change handler injected by Form.Item on to the real control. */
function ChecklistAnswer({
  item,
  ...control
}: {
  item: ChecklistItem;
  value?: never;
  onChange?: (v: never) => void;
}) {
  const { t } = useTranslation();
  if (item.answer.type === 'number')
    return (
      <InputNumber
        {...(control as object)}
        min={item.answer.min}
        max={item.answer.max}
        addonAfter={item.answer.unit}
        style={{ width: 200 }}
      />
    );
  return (
    <Radio.Group
      {...(control as object)}
      optionType="button"
      options={[
        { value: true, label: t('common.yes') },
        { value: false, label: t('common.no') },
      ]}
    />
  );
}

export function ChecklistPanel({ c, onSaved }: { c: CaseDetail; onSaved: () => void }) {
  const { t } = useTranslation();
  const { can, timeZone } = useAuth();
  const lang = currentLanguage() === 'en' ? 'en' : 'zh';
  const list = Object.values(CHECKLISTS).find((k) => k.center === c.center);
  const [form] = Form.useForm();
  const [banner, setBanner] = useState<string | null>(null);
  if (!list) return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  const submit = async () => {
    const { decision, ...answers } = form.getFieldsValue();
    try {
      await post(`/api/emergency/cases/${c.id}/checklists`, {
        checklist: list.code,
        answers,
        ...(decision ? { decision } : {}),
      });
      setBanner(null);
      onSaved();
    } catch (e) {
      setBanner(formErrorText(form, e, t));
    }
  };
  return (
    <div>
      {c.checklists.map((k) => (
        <Alert
          key={k.id}
          style={{ marginBottom: 8 }}
          type={k.outcome === 'eligible' ? 'success' : k.outcome === 'contraindicated' ? 'error' : 'warning'}
          title={
            <Flex gap={8} wrap>
              <Tag color={OUTCOME_COLOR[k.outcome]}>{t(`emergency.checklist_${k.outcome}`)}</Tag>
              {k.decision} · {k.decidedBy} · {formatInstant(k.decidedAt, timeZone, 'minute')}
            </Flex>
          }
          description={k.reasons.map((r) => r.text[lang]).join('；')}
        />
      ))}
      {can('emergency.write') && (
        <Form form={form} layout="horizontal" labelWrap labelCol={{ span: 14 }} style={{ maxWidth: 820 }}>
          {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 12 }} />}
          <Typography.Title level={5}>{lang === 'en' ? list.nameEn : list.nameZh}</Typography.Title>
          {list.items.map((item) => (
            <Form.Item
              key={item.code}
              name={item.code}
              label={`${t(`emergency.checklistKind_${item.kind}`)} · ${item.text[lang]}`}
            >
              <ChecklistAnswer item={item} />
            </Form.Item>
          ))}
          <Form.Item name="decision" label={t('emergency.decision')}>
            <Input maxLength={200} />
          </Form.Item>
          <Button type="primary" onClick={submit}>
            {t('common.save')}
          </Button>
        </Form>
      )}
    </div>
  );
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export function ConsentPanel({ c, onSaved }: { c: CaseDetail; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can, timeZone } = useAuth();
  const [form] = Form.useForm<{ kind: string; startedAt?: Dayjs; signedAt?: Dayjs }>();
  const [file, setFile] = useState<File | null>(null);
  const toInstant = (d?: Dayjs) =>
    d ? dayjs.tz(d.format('YYYY-MM-DDTHH:mm:ss'), timeZone).toISOString() : undefined;
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      await post(`/api/emergency/cases/${c.id}/consents`, {
        kind: v.kind,
        startedAt: toInstant(v.startedAt),
        signedAt: toInstant(v.signedAt),
        ...(file ? { photo: { contentType: file.type, dataBase64: await readBase64(file) } } : {}),
      });
      form.resetFields();
      setFile(null);
      onSaved();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  return (
    <div>
      <List
        size="small"
        dataSource={c.consents}
        locale={{ emptyText: t('common.none') }}
        renderItem={(k) => (
          <List.Item>
            {k.kind} · {formatInstant(k.startedAt, timeZone, 'minute')} →{' '}
            {formatInstant(k.signedAt, timeZone, 'minute')}
            {k.hasPhoto && (
              <a
                href={`/api/emergency/cases/${c.id}/consents/${k.id}/photo`}
                target="_blank"
                rel="noreferrer"
                style={{ marginLeft: 8 }}
              >
                {t('emergency.consentPhoto')}
              </a>
            )}
          </List.Item>
        )}
      />
      {can('emergency.write') && (
        <Form
          form={form}
          layout="inline"
          initialValues={{ kind: c.center === 'stroke' ? 'ivt' : 'pci' }}
          style={{ marginTop: 8, rowGap: 8 }}
        >
          <Form.Item name="kind" rules={[{ required: true }]}>
            <Select
              style={{ width: 140 }}
              options={['pci', 'thrombolysis', 'ivt', 'evt', 'surgery', 'transfusion'].map((k) => ({
                value: k,
                label: k,
              }))}
            />
          </Form.Item>
          <Form.Item name="startedAt" label={t('emergency.consentStarted')}>
            <DatePicker showTime format="YYYY-MM-DD HH:mm" />
          </Form.Item>
          <Form.Item name="signedAt" label={t('emergency.consentSigned')}>
            <DatePicker showTime format="YYYY-MM-DD HH:mm" />
          </Form.Item>
          <Upload
            accept="image/jpeg,image/png,image/webp,application/pdf"
            maxCount={1}
            beforeUpload={(f) => {
              setFile(f);
              return false;
            }}
            onRemove={() => setFile(null)}
          >
            <Button>{t('emergency.consentPhoto')}</Button>
          </Upload>
          <Button type="primary" onClick={submit}>
            {t('common.save')}
          </Button>
        </Form>
      )}
    </div>
  );
}

const VESSELS = ['LM', 'LAD', 'LCX', 'RCA', 'graft', 'other', 'none'];

export function ProcedurePanel({ c, onSaved }: { c: CaseDetail; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const existing = c.procedures.at(-1);
  const [form] = Form.useForm();
  const submit = async () => {
    const v = form.getFieldsValue();
    const data = {
      ...(v.culpritVessel ? { culpritVessel: v.culpritVessel } : {}),
      ...(v.timiBefore !== undefined && v.timiBefore !== null ? { timiBefore: v.timiBefore } : {}),
      ...(v.timiAfter !== undefined && v.timiAfter !== null ? { timiAfter: v.timiAfter } : {}),
      stents: (v.stents ?? []).filter((s: { vessel?: string }) => s?.vessel),
      complications: v.complications ?? [],
      delayReasons: v.delayReasons ?? [],
      ...(v.notes ? { notes: v.notes } : {}),
    };
    try {
      await post(`/api/emergency/cases/${c.id}/procedures`, {
        ...(existing ? { id: existing.id } : {}),
        kind: c.center === 'chest-pain' ? 'cathlab' : 'or',
        data,
      });
      message.success(t('common.saved'));
      onSaved();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  const timi = [0, 1, 2, 3].map((n) => ({ value: n, label: `TIMI ${n}` }));
  return (
    <Form
      form={form}
      layout="vertical"
      disabled={!can('emergency.write')}
      initialValues={existing?.data as object}
      style={{ maxWidth: 640 }}
    >
      {c.center === 'chest-pain' && (
        <Flex gap={12} wrap>
          <Form.Item name="culpritVessel" label={t('emergency.culpritVessel')}>
            <Select
              allowClear
              data-testid="proc-culprit"
              style={{ width: 140 }}
              options={VESSELS.map((v) => ({ value: v, label: v }))}
            />
          </Form.Item>
          <Form.Item name="timiBefore" label={t('emergency.timiBefore')}>
            <Select allowClear data-testid="proc-timi-before" style={{ width: 120 }} options={timi} />
          </Form.Item>
          <Form.Item name="timiAfter" label={t('emergency.timiAfter')}>
            <Select allowClear data-testid="proc-timi-after" style={{ width: 120 }} options={timi} />
          </Form.Item>
        </Flex>
      )}
      {c.center === 'chest-pain' && (
        <Form.List name="stents">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Flex key={f.key} gap={8}>
                  <Form.Item name={[f.name, 'vessel']} label={t('emergency.stentVessel')}>
                    <Select style={{ width: 120 }} options={VESSELS.map((v) => ({ value: v, label: v }))} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'diameterMm']} label="Ø mm">
                    <InputNumber min={1.5} max={6} step={0.25} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'lengthMm']} label="mm">
                    <InputNumber min={5} max={60} />
                  </Form.Item>
                  <Button type="link" onClick={() => remove(f.name)} style={{ marginTop: 30 }}>
                    ×
                  </Button>
                </Flex>
              ))}
              <Button onClick={() => add({})} style={{ marginBottom: 12 }}>
                {t('emergency.addStent')}
              </Button>
            </>
          )}
        </Form.List>
      )}
      <Form.Item name="complications" label={t('emergency.complications')}>
        <Select mode="tags" />
      </Form.Item>
      <Form.Item name="delayReasons" label={t('emergency.delayReasons')}>
        <Select mode="tags" />
      </Form.Item>
      <Form.Item name="notes" label={t('emergency.notes')}>
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
      <Button type="primary" data-testid="proc-save" onClick={submit}>
        {t('common.save')}
      </Button>
    </Form>
  );
}
