/** Scores of a case: the form is generated from the SCORES metadata; repeated scores show as a series. */
import { type ScoreItem, scoresForCenter } from '@lifeline/emergency';
import { Alert, Button, Form, Input, InputNumber, List, Select, Space, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { formErrorText } from '../common/errors';
import { currentLanguage } from '../i18n';
import type { CaseDetail } from './api';

/** Value and change handler injected by the enclosing Form.Item, passed on to the real control. */
interface Controlled {
  value?: never;
  checked?: boolean;
  onChange?: (value: never) => void;
}

function ItemInput({ item, ...control }: { item: ScoreItem } & Controlled) {
  const lang = currentLanguage() === 'en' ? 'en' : 'zh';
  if (item.kind === 'choice')
    return (
      <Select
        {...(control as object)}
        data-testid={`score-item-${item.key}`}
        options={[
          ...item.options.map((o) => ({ value: o.value, label: `${o.label[lang]} (${o.points})` })),
          ...(item.allowsUntestable ? [{ value: 'UN', label: 'UN' }] : []),
        ]}
      />
    );
  if (item.kind === 'boolean')
    return <Switch {...(control as object)} data-testid={`score-item-${item.key}`} />;
  if (item.kind === 'number')
    return (
      <InputNumber
        {...(control as object)}
        data-testid={`score-item-${item.key}`}
        min={item.min}
        max={item.max}
        addonAfter={item.unit}
        style={{ width: 200 }}
      />
    );
  return <Input {...(control as object)} placeholder="YYYY-MM-DDTHH:mm:ss+08:00" />;
}

export function ScorePanel({ c, onSaved }: { c: CaseDetail; onSaved: () => void }) {
  const { t } = useTranslation();
  const { timeZone, can } = useAuth();
  const lang = currentLanguage() === 'en' ? 'en' : 'zh';
  const scores = scoresForCenter(c.center);
  const [code, setCode] = useState<string>();
  const [form] = Form.useForm();
  const [banner, setBanner] = useState<string | null>(null);
  const def = scores.find((s) => s.code === code);

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values || !def) return;
    const { label, ...items } = values;
    for (const item of def.form.items)
      if (item.kind === 'boolean') items[item.key] = Boolean(items[item.key]);
    try {
      await post(`/api/emergency/cases/${c.id}/scores`, {
        code: def.code,
        items,
        ...(label ? { label } : {}),
      });
      form.resetFields();
      setCode(undefined);
      setBanner(null);
      onSaved();
    } catch (e) {
      setBanner(formErrorText(form, e, t));
    }
  };

  return (
    <div>
      <List
        dataSource={c.scores}
        locale={{ emptyText: t('common.none') }}
        renderItem={(g) => {
          const d = scores.find((s) => s.code === g.code);
          return (
            <List.Item data-testid="score-group">
              <Space direction="vertical" size={2}>
                <Typography.Text strong>{d ? (lang === 'en' ? d.nameEn : d.nameZh) : g.code}</Typography.Text>
                {g.entries.map((e) => (
                  <span key={e.id}>
                    {formatInstant(e.at, timeZone, 'minute')} {e.label ? `[${e.label}] ` : ''}
                    <Typography.Text strong>{e.display}</Typography.Text> · {e.interpretation[lang]} ·{' '}
                    {e.author}
                  </span>
                ))}
                {g.series.trend && <Tag>{`${g.series.trend} (${g.series.change ?? 0})`}</Tag>}
              </Space>
            </List.Item>
          );
        }}
      />
      {can('emergency.write') && (
        <div style={{ marginTop: 12 }}>
          <Select
            data-testid="score-pick"
            placeholder={t('emergency.addScore')}
            value={code}
            onChange={(v) => {
              setCode(v);
              form.resetFields();
            }}
            style={{ width: 280 }}
            options={scores.map((s) => ({ value: s.code, label: lang === 'en' ? s.nameEn : s.nameZh }))}
          />
          {def && (
            <Form form={form} layout="vertical" style={{ marginTop: 12, maxWidth: 560 }}>
              {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 12 }} />}
              <Form.Item name="label" label={t('emergency.scoreLabel')}>
                <Input maxLength={60} />
              </Form.Item>
              {def.form.items.map((item) => (
                <Form.Item
                  key={item.key}
                  name={item.key}
                  label={item.label[lang]}
                  valuePropName={item.kind === 'boolean' ? 'checked' : 'value'}
                  rules={item.optional || item.kind === 'boolean' ? [] : [{ required: true }]}
                >
                  <ItemInput item={item} />
                </Form.Item>
              ))}
              <Button type="primary" onClick={submit} data-testid="score-save">
                {t('common.save')}
              </Button>
            </Form>
          )}
        </div>
      )}
    </div>
  );
}
