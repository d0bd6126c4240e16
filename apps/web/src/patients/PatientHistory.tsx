import { Alert, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client';
import type { PatientHistoryEntry } from '../api/types';
import { useOrgTimeZone } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';

/** Who changed what on this record; `version` bumps reload it after an edit or merge. */
export function PatientHistory({ patientId, version }: { patientId: string; version: number }) {
  const { t } = useTranslation();
  const timeZone = useOrgTimeZone();
  const history = useRemote(
    (signal) => get<PatientHistoryEntry[]>(`/api/patients/${patientId}/history`, undefined, signal),
    [patientId, version],
  );
  if (history.error !== undefined)
    return <Alert type="error" showIcon title={describeError(history.error, t)} />;
  return (
    <Table<PatientHistoryEntry>
      rowKey={(row, i) => `${row.at}-${i}`}
      size="small"
      loading={history.loading}
      dataSource={history.data ?? []}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      columns={[
        {
          title: t('patient.historyAt'),
          dataIndex: 'at',
          width: 180,
          render: (at: string) => formatInstant(at, timeZone),
        },
        { title: t('patient.historyUser'), dataIndex: 'userName', width: 140 },
        {
          title: t('patient.historyAction'),
          dataIndex: 'action',
          width: 200,
          render: (action: string) => t(`patient.action_${action}`, { defaultValue: action }),
        },
        {
          title: t('patient.historyDetail'),
          dataIndex: 'detail',
          render: (detail: unknown) => <DetailText detail={detail} />,
        },
      ]}
    />
  );
}

/** Details arrive as text or as a small object; show objects compactly and keep long ones expandable. */
export function DetailText({ detail }: { detail: unknown }) {
  const { t } = useTranslation();
  if (detail === null || detail === undefined || detail === '') return null;
  if (typeof detail === 'object' && Object.keys(detail).length === 0) return null;
  const text =
    typeof detail === 'string' ? detail : detailText(detail, (k) => t(`detail.${k}`, { defaultValue: k }));
  return (
    <Typography.Paragraph
      style={{
        margin: 0,
        fontSize: 12,
        fontFamily: typeof detail === 'string' ? undefined : 'monospace',
        wordBreak: 'break-all',
      }}
      ellipsis={{ rows: 2, expandable: true }}
    >
      {text}
    </Typography.Paragraph>
  );
}

/** {"reason":"…","fields":["name"]} → "reason: …; fields: name" — readable without knowing JSON. */
function detailText(detail: unknown, label: (key: string) => string): string {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return JSON.stringify(detail);
  return Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(
      ([k, v]) =>
        `${label(k)}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
    )
    .join('; ');
}
