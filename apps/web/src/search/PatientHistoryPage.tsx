/** A patient's ECGs, newest first, each compared with the one before: measurement changes, statements new/gone. */
import { Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import { patientHistory, type SerialHit } from './api';
import './i18n';

const MEASURES = [
  ['heartRate', 'search.hr'],
  ['pr', 'search.pr'],
  ['qrs', 'search.qrs'],
  ['qtc', 'search.qtc'],
] as const;

function Change({ value }: { value: number | undefined }) {
  if (value === undefined || value === 0) return null;
  return (
    <span style={{ color: Math.abs(value) >= 20 ? '#cf1322' : '#8c8c8c', marginLeft: 4 }}>
      ({value > 0 ? '+' : ''}
      {value})
    </span>
  );
}

export default function PatientHistoryPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { timeZone } = useAuth();
  const history = useRemote((signal) => patientHistory(id, signal), [id]);
  const items = history.data?.items ?? [];
  const zh = i18n.language.startsWith('zh');
  return (
    <PageContainer
      title={`${t('search.historyTitle')}${items[0]?.patientName ? ` · ${items[0].patientName}` : ''}`}
    >
      <Table<SerialHit>
        rowKey="examId"
        size="small"
        loading={history.loading}
        dataSource={items}
        pagination={false}
        onRow={() => ({ 'data-testid': 'history-row' }) as object}
        columns={[
          {
            title: t('search.examAt'),
            dataIndex: 'examAt',
            render: (v: string, r) => <Link to={`/reading/${r.examId}`}>{formatInstant(v, timeZone)}</Link>,
          },
          ...MEASURES.map(([key, label]) => ({
            title: t(label),
            key,
            render: (_: unknown, r: SerialHit) => (
              <>
                {r[key] ?? '–'}
                <Change value={r.changes[key]} />
              </>
            ),
          })),
          {
            title: t('search.statements'),
            key: 'statements',
            render: (_: unknown, r: SerialHit) => (zh ? r.statementsZh : r.statementsEn),
          },
          {
            title: t('search.change'),
            key: 'change',
            render: (_: unknown, r: SerialHit) =>
              r.previousExamId === null ? (
                <Tag>{t('search.first')}</Tag>
              ) : (
                <Space size={4} wrap>
                  {r.newStatements.map((c) => (
                    <Tag color="orange" key={`n${c}`}>
                      {t('search.newStatements')} {c}
                    </Tag>
                  ))}
                  {r.resolvedStatements.map((c) => (
                    <Tag color="green" key={`r${c}`}>
                      {t('search.resolvedStatements')} {c}
                    </Tag>
                  ))}
                </Space>
              ),
          },
        ]}
      />
    </PageContainer>
  );
}
