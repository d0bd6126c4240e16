/** The critical-value register: filters by state and source, acknowledgement with an optional note. */
import { App, Button, Input, Popconfirm, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import {
  acknowledgeCritical,
  type CriticalEntry,
  type CriticalQuery,
  criticalTopic,
  listCritical,
} from './api';
import './i18n';
import { useLiveTopic } from '../reading/live';

const PAGE = 50;

export function CriticalPage() {
  const { t, i18n } = useTranslation();
  const { me, can, timeZone } = useAuth();
  const { message } = App.useApp();
  const [status, setStatus] = useState<CriticalQuery['status'] | 'all'>('open');
  const [source, setSource] = useState<string>();
  const [page, setPage] = useState(1);
  const [note, setNote] = useState('');
  const list = useRemote(
    (signal) =>
      listCritical(
        { status: status === 'all' ? undefined : status, source, limit: PAGE, offset: (page - 1) * PAGE },
        signal,
      ),
    [status, source, page],
  );
  useLiveTopic(me ? criticalTopic(me.organizationId) : null, list.reload);
  const zh = i18n.language.startsWith('zh');

  const ack = async (entry: CriticalEntry) => {
    try {
      await acknowledgeCritical(entry.id, note.trim() || undefined);
      message.success(t('critical.acknowledged'));
      setNote('');
      list.reload();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };

  return (
    <PageContainer title={t('critical.title')}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented
          value={status}
          onChange={(v) => {
            setStatus(v as typeof status);
            setPage(1);
          }}
          options={(['open', 'overdue', 'acknowledged', 'all'] as const).map((s) => ({
            value: s,
            label: s === 'all' ? t('critical.anyStatus') : t(`critical.status_${s}`),
          }))}
        />
        <Select
          allowClear
          style={{ width: 150 }}
          placeholder={t('critical.anySource')}
          value={source}
          onChange={setSource}
          options={['engine', 'physician'].map((s) => ({ value: s, label: t(`critical.source_${s}`) }))}
        />
      </Space>
      <Table<CriticalEntry>
        size="small"
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data?.items}
        data-testid="critical-register"
        pagination={{ current: page, pageSize: PAGE, total: list.data?.total ?? 0, onChange: setPage }}
        onRow={(c) => ({ style: c.overdue ? { background: 'rgba(255,77,79,0.08)' } : undefined })}
        columns={[
          {
            title: t('critical.colCreated'),
            key: 'created',
            render: (_, c) => formatInstant(c.createdAt, timeZone),
          },
          {
            title: t('critical.colPatient'),
            key: 'patient',
            render: (_, c) => (
              <Link to={`/reading/${c.examId}`}>{c.patientName ?? t('critical.unknownPatient')}</Link>
            ),
          },
          {
            title: t('critical.colFindings'),
            key: 'findings',
            render: (_, c) =>
              c.findings.map((f) => (
                <Tag key={f.code} color="red">
                  {zh ? f.textZh : f.textEn}
                </Tag>
              )),
          },
          { title: t('critical.colDepartment'), key: 'dept', render: (_, c) => c.departmentName ?? '—' },
          {
            title: t('critical.colSource'),
            key: 'source',
            render: (_, c) => t(`critical.source_${c.source}`),
          },
          {
            title: t('critical.colDue'),
            key: 'due',
            render: (_, c) => (
              <Typography.Text type={c.overdue ? 'danger' : undefined}>
                {formatInstant(c.ackDueAt, timeZone)}{' '}
                {c.overdue && <Tag color="red">{t('critical.overdue')}</Tag>}
              </Typography.Text>
            ),
          },
          {
            title: t('critical.colEscalation'),
            key: 'esc',
            render: (_, c) => (c.escalationLevel > 0 ? c.escalationLevel : '—'),
          },
          {
            title: t('critical.colAck'),
            key: 'ack',
            render: (_, c) =>
              c.acknowledgedAt ? (
                <span>
                  {c.acknowledgedByName} · {formatInstant(c.acknowledgedAt, timeZone)}
                  {c.ackNote && <Typography.Text type="secondary"> — {c.ackNote}</Typography.Text>}
                </span>
              ) : can('ecg.critical.ack') ? (
                <Popconfirm
                  title={t('critical.acknowledge')}
                  description={
                    <Input
                      size="small"
                      placeholder={t('critical.ackNote')}
                      value={note}
                      onChange={(e) => setNote(e.target.value)}
                    />
                  }
                  onConfirm={() => ack(c)}
                >
                  <Button size="small" type="primary" danger data-testid="critical-row-ack">
                    {t('critical.acknowledge')}
                  </Button>
                </Popconfirm>
              ) : (
                '—'
              ),
          },
        ]}
      />
    </PageContainer>
  );
}

export default CriticalPage;
