/** Per-center patient archive: every case with what is still missing for the registry (validateForRegistry). */
import type { Center } from '@lifeline/emergency';
import { Alert, Popover, Segmented, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { get } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { currentLanguage } from '../i18n';
import { PageContainer } from '../layout/PageContainer';
import type { CaseSummary } from './api';
import { CENTER_COLOR } from './CaseCard';
import './i18n';

type Row = CaseSummary & { registryProblems: { field: string; reason: string; reasonZh: string }[] };

export default function ArchivePage() {
  const { t } = useTranslation();
  const { timeZone } = useAuth();
  const [center, setCenter] = useState<Center>('chest-pain');
  const [status, setStatus] = useState<'all' | 'active' | 'closed'>('all');
  const [page, setPage] = useState(1);
  const list = useRemote(
    (signal) =>
      get<{ items: Row[]; total: number }>(
        '/api/emergency/cases',
        { center, status: status === 'all' ? undefined : status, limit: 20, offset: (page - 1) * 20 },
        signal,
      ),
    [center, status, page],
  );
  const en = currentLanguage() === 'en';
  return (
    <PageContainer
      title={t('emergency.archiveTitle')}
      extra={
        <>
          <Segmented
            value={center}
            onChange={(v) => {
              setCenter(v as Center);
              setPage(1);
            }}
            options={(['chest-pain', 'stroke', 'trauma'] as const).map((c) => ({
              value: c,
              label: t(`emergency.center_${c}`),
            }))}
          />
          <Segmented
            value={status}
            onChange={(v) => setStatus(v as typeof status)}
            options={[
              { value: 'all', label: t('emergency.allStatuses') },
              { value: 'active', label: t('emergency.status_active') },
              { value: 'closed', label: t('emergency.status_closed') },
            ]}
          />
        </>
      }
    >
      {list.error ? <Alert type="error" showIcon title={describeError(list.error, t)} /> : null}
      <Table<Row>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items}
        pagination={{
          current: page,
          pageSize: 20,
          total: list.data?.total,
          onChange: setPage,
          showSizeChanger: false,
        }}
        columns={[
          {
            title: t('emergency.wristband'),
            dataIndex: 'wristband',
            render: (w, r) => <Link to={`/emergency/cases/${r.id}`}>{w}</Link>,
          },
          { title: t('emergency.patient'), render: (_, r) => r.patient.name },
          {
            title: t('emergency.center'),
            dataIndex: 'center',
            render: (c: Center) => <Tag color={CENTER_COLOR[c]}>{t(`emergency.center_${c}`)}</Tag>,
          },
          { title: t('emergency.diagnosis'), dataIndex: 'diagnosis' },
          {
            title: t('emergency.outcome'),
            dataIndex: 'outcome',
            render: (o) => (o ? t(`emergency.outcome_${o}`) : ''),
          },
          {
            title: t('emergency.createdAt'),
            dataIndex: 'createdAt',
            render: (v) => formatInstant(v, timeZone, 'minute'),
          },
          {
            title: t('emergency.registry'),
            render: (_, r) =>
              r.registryProblems.length ? (
                <Popover
                  content={
                    <ul style={{ margin: 0, paddingInlineStart: 18, maxWidth: 420 }}>
                      {r.registryProblems.map((p) => (
                        <li key={p.field}>{en ? p.reason : p.reasonZh}</li>
                      ))}
                    </ul>
                  }
                >
                  <Tag color="orange">
                    {t('emergency.missingCount', { count: r.registryProblems.length })}
                  </Tag>
                </Popover>
              ) : (
                <Tag color="green">{t('emergency.complete')}</Tag>
              ),
          },
        ]}
      />
    </PageContainer>
  );
}
