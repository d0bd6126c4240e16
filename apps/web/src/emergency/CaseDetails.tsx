/** Side panels of the case page: metrics, registry gaps, case facts and outcome, team activation, activity. */
import { METRICS } from '@lifeline/emergency';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Flex,
  Form,
  Input,
  List,
  Select,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { patch, post } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';
import { currentLanguage } from '../i18n';
import type { CaseDetail } from './api';

const metricName = (code: string) => {
  const m = METRICS.find((x) => x.code === code);
  return m ? (currentLanguage() === 'en' ? m.nameEn : m.nameZh) : code;
};

export function MetricsTable({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const rows = c.metrics.filter((m) => m.applicable && 'minutes' in m);
  return (
    <Table
      size="small"
      rowKey="metric"
      pagination={false}
      dataSource={rows as Extract<CaseDetail['metrics'][number], { minutes: number | null }>[]}
      columns={[
        { title: t('emergency.metric'), dataIndex: 'metric', render: metricName },
        { title: t('emergency.minutes'), dataIndex: 'minutes', render: (v) => v ?? '—' },
        {
          title: t('emergency.target'),
          dataIndex: 'targetMinutes',
          render: (v) => (v === null ? '—' : `≤ ${v}`),
        },
        {
          title: t('emergency.withinTarget'),
          dataIndex: 'withinTarget',
          render: (v) =>
            v === null || v === undefined ? (
              '—'
            ) : (
              <Tag color={v ? 'green' : 'red'}>{v ? t('common.yes') : t('common.no')}</Tag>
            ),
        },
        { title: t('emergency.missing'), dataIndex: 'missingNodes', render: (v: string[]) => v?.join(', ') },
      ]}
    />
  );
}

export function RegistryProblems({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const en = currentLanguage() === 'en';
  if (!c.registryProblems.length)
    return <Alert type="success" showIcon title={t('emergency.registryReady')} />;
  return (
    <List
      size="small"
      header={t('emergency.registry')}
      dataSource={c.registryProblems}
      renderItem={(p) => (
        <List.Item>
          <Typography.Text code>{p.field}</Typography.Text> {en ? p.reason : p.reasonZh}
        </List.Item>
      )}
    />
  );
}

const DIAGNOSES: Record<string, string[]> = {
  'chest-pain': ['STEMI', 'NSTEMI', 'UA', 'aortic-dissection', 'pulmonary-embolism', 'non-cardiac'],
  stroke: ['ischemic-stroke', 'tia', 'ich', 'sah', 'mimic'],
  trauma: ['major-trauma', 'minor-trauma'],
};
const TREATMENTS: Record<string, string[]> = {
  'chest-pain': [
    'primary-pci',
    'thrombolysis',
    'prehospital-thrombolysis',
    'rescue-pci',
    'delayed-pci',
    'cabg',
  ],
  stroke: ['ivt', 'evt'],
  trauma: ['surgery', 'transfusion'],
};

export function FactsForm({ c, onSaved }: { c: CaseDetail; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const [form] = Form.useForm();
  useEffect(() => {
    form.setFieldsValue({
      diagnosis: c.diagnosis,
      treatments: c.treatments,
      bypassedEd: Boolean(c.bypassedEd),
      outcome: c.outcome,
    });
  }, [c, form]);
  const save = async (close: boolean) => {
    const v = form.getFieldsValue();
    try {
      await patch(`/api/emergency/cases/${c.id}`, {
        diagnosis: v.diagnosis ?? null,
        treatments: v.treatments ?? [],
        bypassedEd: v.bypassedEd,
        outcome: v.outcome ?? null,
        ...(close ? { status: 'closed' } : {}),
      });
      message.success(t('common.saved'));
      onSaved();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  const disabled = !can('emergency.write');
  return (
    <Form form={form} layout="vertical" disabled={disabled} style={{ maxWidth: 480 }}>
      <Form.Item name="diagnosis" label={t('emergency.diagnosis')}>
        <Select
          allowClear
          data-testid="facts-diagnosis"
          options={DIAGNOSES[c.center].map((d) => ({ value: d, label: d }))}
        />
      </Form.Item>
      <Form.Item name="treatments" label={t('emergency.treatments')}>
        <Select
          mode="multiple"
          data-testid="facts-treatments"
          options={TREATMENTS[c.center].map((d) => ({ value: d, label: d }))}
        />
      </Form.Item>
      {c.center === 'chest-pain' && (
        <Form.Item name="bypassedEd" label={t('emergency.bypassedEd')} valuePropName="checked">
          <Switch />
        </Form.Item>
      )}
      <Form.Item name="outcome" label={t('emergency.outcome')}>
        <Select
          allowClear
          options={['discharged', 'transferred', 'died'].map((o) => ({
            value: o,
            label: t(`emergency.outcome_${o}`),
          }))}
        />
      </Form.Item>
      <Flex gap={8}>
        <Button type="primary" data-testid="facts-save" onClick={() => save(false)}>
          {t('common.save')}
        </Button>
        {c.status === 'active' && <Button onClick={() => save(true)}>{t('emergency.close')}</Button>}
      </Flex>
    </Form>
  );
}

const TEAMS: Record<string, string[]> = {
  'chest-pain': ['cathlab', 'ct'],
  stroke: ['stroke', 'ct'],
  trauma: ['trauma', 'ct'],
};

export function ActivationPanel({ c, onChanged }: { c: CaseDetail; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can, timeZone } = useAuth();
  const activate = async (team: string) => {
    try {
      await post(`/api/emergency/cases/${c.id}/activations`, { team });
      onChanged();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  const { modal } = App.useApp();
  const cancel = (id: string) => {
    let reason = '';
    modal.confirm({
      title: t('emergency.standDown'),
      content: <Input placeholder={t('emergency.reason')} onChange={(e) => (reason = e.target.value)} />,
      onOk: async () => {
        try {
          await post(`/api/emergency/activations/${id}/cancel`, { reason });
          onChanged();
        } catch (e) {
          message.error(describeError(e, t));
          throw e;
        }
      },
    });
  };
  const fmt = (v: string | null) => (v ? formatInstant(v, timeZone).slice(11) : '—');
  return (
    <div>
      {can('emergency.activate') && c.status === 'active' && (
        <Flex gap={8} wrap style={{ marginBottom: 12 }}>
          {TEAMS[c.center].map((team) => (
            <Button
              key={team}
              danger
              type="primary"
              onClick={() => activate(team)}
              data-testid={`activate-${team}`}
            >
              {t('emergency.activate', { team: t(`emergency.team_${team}`) })}
            </Button>
          ))}
        </Flex>
      )}
      {c.activations.map((a) => (
        <Descriptions
          key={a.id}
          size="small"
          bordered
          style={{ marginBottom: 12 }}
          title={
            <Flex gap={8} align="center">
              {a.teamName}
              <Tag color={a.status === 'open' ? 'gold' : 'green'}>
                {t(`emergency.activationStatus_${a.status}`)}
              </Tag>
              {a.escalationLevel > 0 && (
                <Tag color="red">{t('emergency.escalated', { level: a.escalationLevel })}</Tag>
              )}
              <Typography.Text type="secondary">
                {formatInstant(a.activatedAt, timeZone)} · {a.activatedBy}
              </Typography.Text>
              {a.status !== 'cancelled' && can('emergency.activate') && (
                <Button size="small" onClick={() => cancel(a.id)}>
                  {t('emergency.standDown')}
                </Button>
              )}
            </Flex>
          }
          column={1}
          items={a.members.map((m) => ({
            key: m.userId,
            label: m.name,
            children: `${t('emergency.acknowledge')} ${fmt(m.acknowledgedAt)} · ${t('emergency.arrived')} ${fmt(m.arrivedAt)}`,
          }))}
        />
      ))}
    </div>
  );
}

export function EventList({ c }: { c: CaseDetail }) {
  const { timeZone } = useAuth();
  return (
    <List
      size="small"
      dataSource={[...c.events].reverse()}
      renderItem={(e) => (
        <List.Item>
          <Typography.Text type="secondary">{formatInstant(e.at, timeZone)}</Typography.Text> {e.action}{' '}
          {e.userName ?? ''}
        </List.Item>
      )}
    />
  );
}
