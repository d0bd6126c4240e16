import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Flex,
  Input,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { type HTMLAttributes, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { get } from '../api/client';
import type { Page, PatientSummary } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import { identifierTypeLabel, sexLabel } from './labels';
import { LinkTag, type WithLinks } from './PatientLinks';

const PAGE_SIZE = 20;

/**
 * One search box for everything the desk is handed: a name, pinyin, initials or any identifier. The query is
 * kept in the URL so "back" from a patient returns to the same results.
 */
export function PatientSearchPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const birthDate = params.get('birthDate') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const hasQuery = q.trim() !== '' || birthDate !== '';
  const [text, setText] = useState(q);
  // Back/forward changes the URL: show its query in the box.
  useEffect(() => setText(q), [q]);

  const results = useRemote(
    (signal) =>
      get<Page<PatientSummary>>(
        '/api/patients',
        { q: q.trim(), birthDate, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
        signal,
      ),
    [q, birthDate, page],
    hasQuery,
  );

  const update = (next: { q?: string; birthDate?: string; page?: number }) => {
    const merged = { q, birthDate, page: 1, ...next };
    const out = new URLSearchParams();
    if (merged.q) out.set('q', merged.q);
    if (merged.birthDate) out.set('birthDate', merged.birthDate);
    if (merged.page > 1) out.set('page', String(merged.page));
    setParams(out, { replace: true });
  };

  const columns: TableColumnsType<PatientSummary> = [
    {
      title: t('patient.name'),
      dataIndex: 'name',
      render: (name: string, p) => (
        <Flex vertical>
          <Link to={`/patients/${p.id}`}>{name}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {p.namePinyin}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: t('patient.sex'), dataIndex: 'sex', width: 70, render: (sex: string) => sexLabel(t, sex) },
    {
      title: t('patient.age'),
      dataIndex: 'age',
      width: 80,
      render: (age: number | null) =>
        age === null || age === undefined ? '' : t('patient.ageYears', { age }),
    },
    { title: t('patient.birthDate'), dataIndex: 'birthDate', width: 120 },
    {
      title: t('patient.nationalId'),
      dataIndex: 'nationalIdMasked',
      width: 190,
      render: (v: string | null) => <span style={{ fontFamily: 'monospace' }}>{v ?? ''}</span>,
    },
    {
      title: t('patient.identifiers'),
      dataIndex: 'identifiers',
      render: (_: unknown, p) => (
        <Flex wrap gap={4}>
          {p.identifiers
            .filter((id) => id.type !== 'national-id')
            .map((id) => (
              <Tag key={`${id.type}:${id.value}`}>
                {identifierTypeLabel(t, id.type)} {id.value}
              </Tag>
            ))}
          {p.mergedIntoId && <Tag color="orange">{t('merge.done')}</Tag>}
          <LinkTag links={(p as WithLinks<PatientSummary>).links} />
        </Flex>
      ),
    },
    {
      title: t('common.actions'),
      key: 'open',
      width: 80,
      render: (_: unknown, p) => <Link to={`/patients/${p.id}`}>{t('patient.open')}</Link>,
    },
  ];

  return (
    <PageContainer
      title={t('patient.searchTitle')}
      extra={
        can('patient.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/patients/new')}>
            {t('patient.create')}
          </Button>
        )
      }
    >
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          {/* Input + button rather than Input.Search so the test id sits on the <input> itself. */}
          <Space.Compact size="large" style={{ flex: '1 1 420px', maxWidth: 720 }}>
            <Input
              value={text}
              onChange={(e) => setText(e.target.value)}
              onPressEnter={() => update({ q: text.trim() })}
              placeholder={t('patient.searchPlaceholder')}
              prefix={<SearchOutlined />}
              allowClear
              autoFocus
              data-testid="patient-search"
            />
            <Button type="primary" onClick={() => update({ q: text.trim() })}>
              {t('common.search')}
            </Button>
          </Space.Compact>
          <DatePicker
            size="large"
            placeholder={t('patient.birthDate')}
            value={birthDate ? dayjs(birthDate) : null}
            onChange={(d) => update({ birthDate: d ? d.format('YYYY-MM-DD') : '' })}
            disabledDate={(d) => d.isAfter(dayjs(), 'day')}
          />
        </Flex>
        {results.error !== undefined && (
          <Alert type="error" showIcon title={describeError(results.error, t)} style={{ marginBottom: 16 }} />
        )}
        <Table<PatientSummary>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={hasQuery ? (results.data?.items ?? []) : []}
          loading={hasQuery && results.loading}
          locale={{ emptyText: hasQuery ? t('patient.noResults') : t('patient.searchHint') }}
          onRow={(p) =>
            ({
              'data-testid': 'patient-row',
              onDoubleClick: () => navigate(`/patients/${p.id}`),
            }) as HTMLAttributes<HTMLElement>
          }
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: results.data?.total ?? 0,
            showSizeChanger: false,
            showTotal: (total) => t('common.total', { total }),
            onChange: (p) => update({ page: p }),
            hideOnSinglePage: true,
          }}
        />
      </Card>
    </PageContainer>
  );
}
