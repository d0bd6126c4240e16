/**
 * The time-node buttons of a case, grouped as in the pathway. One tap records the server's time; a time that
 * was missed is entered by hand with a reason (and a recorded time is corrected the same way).
 */
import type { PathwayNode } from '@lifeline/emergency';
import {
  Alert,
  App,
  Button,
  type ButtonProps,
  DatePicker,
  Flex,
  Form,
  Input,
  Modal,
  Select,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { patch, post } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError, formErrorText } from '../common/errors';
import { currentLanguage } from '../i18n';
import { type CaseDetail, type NodeAnswer, recordManual, type TimeNode, tapNode } from './api';

dayjs.extend(utc);
dayjs.extend(timezone);

export function nodeLabel(node: Pick<PathwayNode, 'nameZh' | 'nameEn'>): string {
  return currentLanguage() === 'en' ? node.nameEn : node.nameZh;
}

interface Props {
  c: CaseDetail;
  onChanged: (answer: NodeAnswer) => void;
}

export function NodePanel({ c, onChanged }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { timeZone, can } = useAuth();
  const [busy, setBusy] = useState<string | null>(null);
  const [manual, setManual] = useState<{ code?: string; node?: TimeNode } | null>(null);
  const writable = can('emergency.write') && c.status === 'active';
  const recorded = new Map<string, TimeNode[]>();
  for (const n of c.times) recorded.set(n.code, [...(recorded.get(n.code) ?? []), n]);
  const groups = [...new Set(c.pathway.nodes.map((n) => n.group))];

  const tap = async (code: string) => {
    setBusy(code);
    try {
      onChanged(await tapNode(c.id, code));
    } catch (e) {
      message.error(describeError(e, t));
    } finally {
      setBusy(null);
    }
  };

  // Troponin drawn/reported times from the laboratory results that arrived over the HL7 interface.
  const importLab = async () => {
    setBusy('lab');
    try {
      const answer = await post<NodeAnswer & { imported: unknown[] }>(
        `/api/emergency/cases/${c.id}/lab-times`,
      );
      message.info(t('emergency.labImported', { count: answer.imported.length }));
      onChanged(answer);
    } catch (e) {
      message.error(describeError(e, t));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div>
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Typography.Text type="secondary">{t('emergency.tapHint')}</Typography.Text>
        {writable && (
          <Flex gap={6}>
            {c.center === 'chest-pain' && (
              <Button size="small" loading={busy === 'lab'} onClick={importLab}>
                {t('emergency.labImport')}
              </Button>
            )}
            <Button size="small" onClick={() => setManual({})} data-testid="node-manual">
              {t('emergency.manualEntry')}
            </Button>
          </Flex>
        )}
      </Flex>
      {groups.map((g) => (
        <Flex key={g} wrap gap={6} style={{ marginBottom: 8 }}>
          {c.pathway.nodes
            .filter((n) => n.group === g)
            .map((n) => {
              const done = recorded.get(n.code);
              const time = done?.[0]?.at ?? done?.[0]?.window?.to;
              return (
                <Button
                  key={n.code}
                  data-testid={`node-${n.code}`}
                  type={done ? 'default' : 'primary'}
                  ghost={!done}
                  disabled={!writable || (Boolean(done) && !n.multiple)}
                  loading={busy === n.code}
                  onClick={() => tap(n.code)}
                  title={n.definition[currentLanguage() === 'en' ? 'en' : 'zh']}
                  style={{ height: 'auto', minHeight: 40, whiteSpace: 'normal', textAlign: 'left' }}
                >
                  <span>
                    {nodeLabel(n)}
                    {time && (
                      <span style={{ display: 'block', fontSize: 11, opacity: 0.8 }}>
                        {formatInstant(time, timeZone).slice(11)}
                      </span>
                    )}
                  </span>
                </Button>
              );
            })}
        </Flex>
      ))}
      <ManualTimeDialog
        c={c}
        target={manual}
        onClose={() => setManual(null)}
        onSaved={(a) => {
          setManual(null);
          onChanged(a);
        }}
      />
    </div>
  );
}

/** Manual entry (new node) or correction (existing node): a time in the organisation's zone and a reason. */
export function ManualTimeDialog({
  c,
  target,
  onClose,
  onSaved,
}: {
  c: CaseDetail;
  target: { code?: string; node?: TimeNode } | null;
  onClose: () => void;
  onSaved: (a: NodeAnswer) => void;
}) {
  const { t } = useTranslation();
  const { timeZone } = useAuth();
  const [form] = Form.useForm<{ code: string; at: Dayjs; reason: string }>();
  const [banner, setBanner] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const editing = target?.node;
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    // The picker shows wall-clock time in the hospital's zone, whatever zone this workstation runs in.
    const at = dayjs.tz(v.at.format('YYYY-MM-DDTHH:mm:ss'), timeZone).toISOString();
    setSaving(true);
    try {
      const answer = editing
        ? await patch<NodeAnswer>(`/api/emergency/cases/${c.id}/nodes/${editing.id}`, {
            at,
            reason: v.reason,
            source: 'manual',
          })
        : await recordManual(c.id, { code: v.code, at, reason: v.reason });
      form.resetFields();
      setBanner(null);
      onSaved(answer);
    } catch (e) {
      setBanner(formErrorText(form, e, t));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={target !== null}
      title={editing ? `${t('emergency.editTime')} · ${editing.code}` : t('emergency.manualEntry')}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'manual-save' } as ButtonProps}
      destroyOnHidden
    >
      {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          code: target?.code ?? editing?.code,
          at: editing?.at ? dayjs(formatInstant(editing.at, timeZone)) : undefined,
        }}
      >
        {!editing && (
          <Form.Item name="code" label={t('emergency.timeNodes')} rules={[{ required: true }]}>
            <Select
              data-testid="manual-code"
              showSearch
              optionFilterProp="label"
              options={c.pathway.nodes.map((n) => ({ value: n.code, label: nodeLabel(n) }))}
            />
          </Form.Item>
        )}
        <Form.Item name="at" label={t('emergency.manualTime')} rules={[{ required: true }]}>
          <DatePicker
            showTime
            format="YYYY-MM-DD HH:mm:ss"
            style={{ width: '100%' }}
            data-testid="manual-at"
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('emergency.reason')}
          rules={[{ required: true, whitespace: true, message: t('emergency.reasonRequired') }]}
        >
          <Input.TextArea rows={2} maxLength={500} data-testid="manual-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
