/**
 * The reading worklist: today's ECGs with their report state, green channel first, then priority, then age;
 * a ticking timer per exam against its turnaround target; live over /ws (ecg.worklist topic) with polling as
 * the fallback; ↑/↓ and Enter to open without the mouse.
 */
import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Badge,
  Button,
  DatePicker,
  Flex,
  type GetRef,
  Segmented,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { get } from '../api/client';
import type { Organization } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { dateInZone, formatInstant, serverNowMs } from '../clock';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import type { Priority, Worklist, WorklistItem } from './api';
import './i18n';
import { useLiveTopic } from './live';
import { queueStatuses } from './turnaround';
import { patientCell, priorityCell, statusCell, TimerCell } from './WorklistCells';

type Queue = 'mine' | 'pending' | 'all';
const STATUSES = ['unreported', 'draft', 'checked', 'diagnosed', 'reviewed', 'signed', 'published'];

type WorklistQuery = Record<string, string | number | undefined>;

/**
 * The worklist request issued while the page renders for the first time (before its effects run), picked up by
 * the page's loader if it asks for the same query within two seconds: the 500-row answer is on its way while
 * React builds the page instead of after.
 */
let early: { key: string; at: number; answer: Promise<Worklist> } | null = null;

function fetchWorklist(query: WorklistQuery, signal?: AbortSignal): Promise<Worklist> {
  const key = JSON.stringify(query);
  if (early && early.key === key && performance.now() - early.at < 2000) {
    const { answer } = early;
    early = null;
    return answer;
  }
  return get<Worklist>('/api/worklist', query, signal);
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
}

export function WorklistPage() {
  const { t } = useTranslation();
  const { me, can, timeZone } = useAuth();
  const navigate = useNavigate();
  const [queue, setQueue] = useState<Queue>('mine');
  const [status, setStatus] = useState<string>();
  const [priority, setPriority] = useState<Priority>();
  const [department, setDepartment] = useState<string>();
  const [date, setDate] = useState<Dayjs | null>(() => dayjs(dateInZone(new Date(serverNowMs()), timeZone)));
  const [selected, setSelected] = useState(0);
  const departments = useRef(new Map<string, string>());
  const tableRef = useRef<GetRef<typeof Table>>(null);
  // The table is virtual (a day's backlog can hold hundreds of exams): only the rows in view are rendered, so the
  // one-second timer tick repaints a screenful, not the whole list. Its height follows the window.
  const [tableHeight, setTableHeight] = useState(() => Math.max(320, window.innerHeight - 300));
  useEffect(() => {
    const onResize = () => setTableHeight(Math.max(320, window.innerHeight - 300));
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);

  const query: WorklistQuery = {
    status: status ?? (queue === 'all' ? undefined : 'pending'),
    priority,
    department,
    date: date ? date.format('YYYY-MM-DD') : undefined,
    limit: 500,
  };
  useState(() => {
    early = {
      key: JSON.stringify(query),
      at: performance.now(),
      answer: get<Worklist>('/api/worklist', query),
    };
    early.answer.catch(() => {}); // its error reaches the page through the loader that picks it up
  });
  const list = useRemote(
    (signal) => fetchWorklist(query, signal),
    [queue, status, priority, department, date?.valueOf()],
  );
  // Every department of the organisation when the user may read the tree; else those seen in the worklist.
  const orgs = useRemote(
    (signal) => get<Organization[]>('/api/organizations', undefined, signal),
    [],
    can('org.read'),
  );
  for (const d of orgs.data?.find((o) => o.id === me?.organizationId)?.departments ?? [])
    departments.current.set(d.id, d.name);
  const reload = list.reload;
  // A live event (or the catch-up when the socket has subscribed) while a load is in flight asks for one more
  // load after it, instead of aborting it and starting again: right after opening the page the subscription
  // used to cancel the first 500-exam answer.
  const loading = useRef(list.loading);
  loading.current = list.loading;
  const again = useRef(false);
  const refresh = useCallback(() => {
    if (loading.current) again.current = true;
    else reload();
  }, [reload]);
  useEffect(() => {
    if (!list.loading && again.current) {
      again.current = false;
      reload();
    }
  }, [list.loading, reload]);
  const live = useLiveTopic(me ? `ecg.worklist:${me.organizationId}` : null, refresh);

  const mine = useMemo(() => queueStatuses((p) => can(p as never)), [can]);
  const items = useMemo(() => {
    const all = list.data?.items ?? [];
    for (const i of all)
      if (i.departmentId && i.departmentName) departments.current.set(i.departmentId, i.departmentName);
    return queue === 'mine' && !status ? all.filter((i) => mine.includes(i.reportStatus)) : all;
  }, [list.data, queue, status, mine]);

  const open = useCallback(
    (item: WorklistItem | undefined) => item && navigate(`/reading/${item.examId}`),
    [navigate],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'ArrowDown') {
        const next = Math.min(selected + 1, Math.max(items.length - 1, 0));
        setSelected(next);
        tableRef.current?.scrollTo({ index: next, align: 'nearest' });
      } else if (e.key === 'ArrowUp') {
        const next = Math.max(selected - 1, 0);
        setSelected(next);
        tableRef.current?.scrollTo({ index: next, align: 'nearest' });
      } else if (e.key === 'Enter') open(items[selected]);
      else if (e.key === 'r' || e.key === 'R') reload();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, selected, open, reload]);
  useEffect(() => {
    if (selected >= items.length && items.length > 0) setSelected(items.length - 1);
  }, [items.length, selected]);

  // The columns change with the language and time zone only (not on each selection or data change).
  const columns = useMemo<TableColumnsType<WorklistItem>>(
    () => [
      {
        title: t('reading.colTimer'),
        key: 'timer',
        width: 150,
        render: (_, item) => <TimerCell turnaround={item.turnaround} />,
      },
      {
        title: t('reading.colPriority'),
        key: 'priority',
        width: 150,
        render: (_, item) => priorityCell(item, t),
      },
      {
        title: t('reading.colPatient'),
        key: 'patient',
        width: 200,
        render: (_, item) => patientCell(item, t),
      },
      {
        title: t('reading.colDepartment'),
        key: 'dept',
        width: 140,
        render: (_, item) => item.departmentName ?? '—',
      },
      {
        title: t('reading.colAccession'),
        key: 'acc',
        width: 170,
        render: (_, item) => item.accessionNumber ?? '—',
      },
      {
        title: t('reading.colAcquired'),
        key: 'acquired',
        width: 170,
        render: (_, item) => formatInstant(item.turnaround.startedAt, timeZone),
      },
      {
        title: t('reading.colStatus'),
        key: 'status',
        width: 120,
        render: (_, item) => statusCell(item, t),
      },
    ],
    [t, timeZone],
  );

  return (
    <PageContainer
      title={t('reading.worklistTitle')}
      extra={
        <Space>
          {list.data && (
            <Typography.Text data-testid="worklist-count" data-count={items.length}>
              {t('reading.worklistCount', { n: items.length })}
            </Typography.Text>
          )}
          <Badge
            status={live ? 'success' : 'warning'}
            text={live ? t('reading.live') : t('reading.polling')}
          />
          <Typography.Text type="secondary">{t('reading.keyboardHint')}</Typography.Text>
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label="reload" />
        </Space>
      }
    >
      <Flex wrap gap={8} style={{ marginBottom: 12 }}>
        <Segmented<Queue>
          value={queue}
          onChange={(q) => {
            setQueue(q);
            setStatus(undefined);
          }}
          options={(['mine', 'pending', 'all'] as Queue[]).map((q) => ({
            value: q,
            label: t(`reading.queue_${q}`),
          }))}
          data-testid="worklist-queue"
        />
        <Select
          allowClear
          style={{ width: 150 }}
          placeholder={t('reading.anyStatus')}
          value={status}
          onChange={setStatus}
          options={STATUSES.map((s) => ({ value: s, label: t(`reading.status_${s}`) }))}
          aria-label={t('reading.filterStatus')}
        />
        <Select
          allowClear
          style={{ width: 130 }}
          placeholder={t('reading.anyPriority')}
          value={priority}
          onChange={setPriority}
          options={(['stat', 'urgent', 'routine'] as Priority[]).map((p) => ({
            value: p,
            label: t(`reading.priority_${p}`),
          }))}
          aria-label={t('reading.filterPriority')}
        />
        <Select
          allowClear
          style={{ width: 170 }}
          placeholder={t('reading.anyDepartment')}
          value={department}
          onChange={setDepartment}
          options={[...departments.current].map(([value, label]) => ({ value, label }))}
          aria-label={t('reading.filterDepartment')}
        />
        <DatePicker value={date} onChange={setDate} allowClear aria-label={t('reading.filterDate')} />
      </Flex>
      {list.error !== undefined && <Alert type="error" showIcon title={describeError(list.error, t)} />}
      <Table<WorklistItem>
        ref={tableRef}
        virtual
        scroll={{ x: 1100, y: tableHeight }}
        size="small"
        rowKey="examId"
        loading={list.loading && !list.data}
        dataSource={items}
        pagination={false}
        data-testid="worklist"
        onRow={(item, index) => ({
          onClick: () => open(item),
          onMouseEnter: () => setSelected(index ?? 0),
          'data-testid': 'worklist-row',
          style: {
            cursor: 'pointer',
            background:
              index === selected
                ? 'rgba(22,119,255,0.08)'
                : item.critical
                  ? 'rgba(255,77,79,0.06)'
                  : undefined,
          },
        })}
        columns={columns}
      />
    </PageContainer>
  );
}

export default WorklistPage;
