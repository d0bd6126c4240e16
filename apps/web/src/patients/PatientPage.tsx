import {
  EditOutlined,
  EyeInvisibleOutlined,
  EyeOutlined,
  LinkOutlined,
  MergeCellsOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Flex,
  Result,
  Skeleton,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiError, get } from '../api/client';
import type { Patient, PatientMerge } from '../api/types';
import { useAuth, useOrgTimeZone } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import { identifierTypeLabel, sexLabel } from './labels';
import { MergeDialog, UndoMergeDialog } from './MergeDialogs';
import { PatientEditDialog } from './PatientEditDialog';
import { PatientHistory } from './PatientHistory';
import { LinkDialog, LinkedRecords, UnlinkDialog, type WithLinks } from './PatientLinks';

interface Sensitive {
  nationalId: string | null;
  phone: string | null;
}

export function PatientPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { can } = useAuth();
  const { modal, message } = App.useApp();
  const timeZone = useOrgTimeZone();
  const remote = useRemote((signal) => get<Patient>(`/api/patients/${id}`, undefined, signal), [id]);
  const [patient, setPatient] = useState<Patient>();
  const [sensitive, setSensitive] = useState<Sensitive | null>(null);
  const [editing, setEditing] = useState(false);
  const [merging, setMerging] = useState(false);
  const [undoMergeId, setUndoMergeId] = useState<string | null>(null);
  const [linking, setLinking] = useState(false);
  const [unlinkId, setUnlinkId] = useState<string | null>(null);
  // Bumped after every change so the history tab reloads.
  const [version, setVersion] = useState(0);

  useEffect(() => setPatient(remote.data), [remote.data]);
  // Full details are shown for one patient only, never carried over to the next page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on patient change
  useEffect(() => setSensitive(null), [id]);

  // Edit answers with this patient; merge and undo may answer with the other record of the pair (undo
  // returns the restored source), so after those reload the patient on screen instead of trusting the answer.
  const changed = (p?: Patient) => {
    if (p && p.id === id) setPatient(p);
    else remote.reload();
    setSensitive(null);
    setVersion((v) => v + 1);
  };

  const revealSensitive = () =>
    modal.confirm({
      title: t('patient.showSensitive'),
      content: t('patient.sensitiveConfirm'),
      okText: t('common.confirm'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          setSensitive(await get<Sensitive>(`/api/patients/${id}/sensitive`));
          message.info(t('patient.sensitiveShown'));
        } catch (error) {
          message.error(describeError(error, t));
        }
      },
    });

  if (remote.error !== undefined && !patient) {
    const notFound = remote.error instanceof ApiError && remote.error.status === 404;
    return (
      <PageContainer title={t('menu.patients')} crumbs={[{ title: id }]}>
        {notFound ? (
          <Result status="404" title={t('errors.notFound')} />
        ) : (
          <Alert type="error" showIcon title={describeError(remote.error, t)} />
        )}
      </PageContainer>
    );
  }
  if (!patient) {
    return (
      <PageContainer title={t('menu.patients')} crumbs={[{ title: '…' }]}>
        <Card>
          <Skeleton active />
        </Card>
      </PageContainer>
    );
  }

  const merged = Boolean(patient.mergedIntoId);
  const otherIdentifiers = patient.identifiers.filter((i) => i.type !== 'national-id');

  const actions = (
    <Space wrap>
      {can('patient.write') && !merged && (
        <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="patient-edit">
          {t('common.edit')}
        </Button>
      )}
      {can('patient.merge') && !merged && (
        <Button icon={<MergeCellsOutlined />} onClick={() => setMerging(true)} data-testid="patient-merge">
          {t('merge.button')}
        </Button>
      )}
      {can('patient.merge') && !merged && (
        <Button icon={<LinkOutlined />} onClick={() => setLinking(true)} data-testid="patient-link">
          {t('patientLink.button')}
        </Button>
      )}
    </Space>
  );

  const sensitiveToggle = can('patient.sensitive.read') ? (
    sensitive ? (
      <Button size="small" type="link" icon={<EyeInvisibleOutlined />} onClick={() => setSensitive(null)}>
        {t('patient.hideSensitive')}
      </Button>
    ) : (
      <Tooltip title={t('patient.sensitiveConfirm')}>
        <Button
          size="small"
          type="link"
          icon={<EyeOutlined />}
          onClick={revealSensitive}
          data-testid="patient-sensitive"
        >
          {t('patient.showSensitive')}
        </Button>
      </Tooltip>
    )
  ) : null;

  const mono = { fontFamily: 'monospace' };

  return (
    <PageContainer
      title={
        <Space>
          {patient.name}
          <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 'normal' }}>
            {sexLabel(t, patient.sex)} ·{' '}
            {patient.age !== null ? t('patient.ageYears', { age: patient.age }) : ''}
          </Typography.Text>
        </Space>
      }
      crumbs={[{ title: patient.name }]}
      extra={actions}
    >
      {merged && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('patient.mergedInto')}
          action={<Link to={`/patients/${patient.mergedIntoId}`}>{t('patient.openSurvivor')}</Link>}
        />
      )}
      <Card>
        <Tabs
          items={[
            {
              key: 'demographics',
              label: t('patient.demographics'),
              children: (
                <Flex vertical gap={24}>
                  <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }}>
                    <Descriptions.Item label={t('patient.name')}>
                      {patient.name} <Typography.Text type="secondary">{patient.namePinyin}</Typography.Text>
                    </Descriptions.Item>
                    <Descriptions.Item label={t('patient.sex')}>{sexLabel(t, patient.sex)}</Descriptions.Item>
                    <Descriptions.Item label={t('patient.birthDate')}>
                      {patient.birthDate}
                      {patient.age !== null && ` (${t('patient.ageYears', { age: patient.age })})`}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('patient.nationalId')}>
                      <Space size={4}>
                        <span style={mono} data-testid="patient-national-id">
                          {sensitive ? sensitive.nationalId : patient.nationalIdMasked}
                        </span>
                        {sensitiveToggle}
                      </Space>
                    </Descriptions.Item>
                    <Descriptions.Item label={t('patient.phone')}>
                      <span style={mono}>{sensitive ? sensitive.phone : patient.phoneMasked}</span>
                    </Descriptions.Item>
                    <Descriptions.Item label={t('patient.address')}>{patient.address}</Descriptions.Item>
                    <Descriptions.Item label={t('patient.createdAt')}>
                      {formatInstant(patient.createdAt, timeZone)}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('patient.updatedAt')}>
                      {formatInstant(patient.updatedAt, timeZone)}
                    </Descriptions.Item>
                  </Descriptions>
                  <div>
                    <Typography.Title level={5}>{t('patient.identifiers')}</Typography.Title>
                    <Table
                      size="small"
                      pagination={false}
                      rowKey={(i) => `${i.type}:${i.value}`}
                      dataSource={otherIdentifiers}
                      locale={{ emptyText: t('common.none') }}
                      columns={[
                        {
                          title: t('patient.identifierType'),
                          dataIndex: 'type',
                          width: 180,
                          render: (type: string) => <Tag>{identifierTypeLabel(t, type)}</Tag>,
                        },
                        {
                          title: t('patient.identifierValue'),
                          dataIndex: 'value',
                          render: (v: string) => <span style={mono}>{v}</span>,
                        },
                        {
                          title: t('patient.identifierIssuer'),
                          dataIndex: 'issuer',
                          render: (v: string | null) => v ?? '',
                        },
                      ]}
                    />
                  </div>
                  <LinkedRecords
                    patient={patient as WithLinks<Patient>}
                    timeZone={timeZone}
                    canUnlink={can('patient.merge')}
                    onUnlink={setUnlinkId}
                  />
                  {patient.merges.length > 0 && (
                    <MergeList
                      merges={patient.merges}
                      timeZone={timeZone}
                      canUndo={can('patient.merge')}
                      onUndo={setUndoMergeId}
                    />
                  )}
                </Flex>
              ),
            },
            {
              key: 'history',
              label: t('patient.history'),
              children: <PatientHistory patientId={patient.id} version={version} />,
            },
          ]}
        />
      </Card>
      <PatientEditDialog
        patient={patient}
        open={editing}
        onClose={() => setEditing(false)}
        onSaved={(p) => {
          setEditing(false);
          changed(p);
        }}
      />
      <MergeDialog
        target={patient}
        open={merging}
        onClose={() => setMerging(false)}
        onMerged={(p) => {
          setMerging(false);
          changed(p);
        }}
      />
      <LinkDialog
        patient={patient}
        open={linking}
        onClose={() => setLinking(false)}
        onLinked={() => {
          setLinking(false);
          changed();
        }}
      />
      <UnlinkDialog
        linkId={unlinkId}
        onClose={() => setUnlinkId(null)}
        onUnlinked={() => {
          setUnlinkId(null);
          changed();
        }}
      />
      <UndoMergeDialog
        mergeId={undoMergeId}
        onClose={() => setUndoMergeId(null)}
        onUndone={(p) => {
          setUndoMergeId(null);
          changed(p);
        }}
      />
    </PageContainer>
  );
}

interface MergeListProps {
  merges: PatientMerge[];
  timeZone: string;
  canUndo: boolean;
  onUndo: (mergeId: string) => void;
}

function MergeList({ merges, timeZone, canUndo, onUndo }: MergeListProps) {
  const { t } = useTranslation();
  return (
    <div>
      <Typography.Title level={5}>{t('patient.merges')}</Typography.Title>
      <Table<PatientMerge>
        size="small"
        pagination={false}
        rowKey="mergeId"
        dataSource={merges}
        columns={[
          {
            title: t('merge.source'),
            dataIndex: 'sourcePatientId',
            render: (sid: string) => <PatientLink id={sid} />,
          },
          {
            title: t('merge.at'),
            dataIndex: 'at',
            width: 180,
            render: (at: string) => formatInstant(at, timeZone),
          },
          {
            title: t('merge.undoneAt'),
            dataIndex: 'undoneAt',
            width: 180,
            render: (at: string | null) =>
              at ? formatInstant(at, timeZone) : <Tag color="green">{t('merge.active')}</Tag>,
          },
          {
            title: t('common.actions'),
            key: 'undo',
            width: 120,
            render: (_: unknown, m) =>
              canUndo && !m.undoneAt ? (
                <Button size="small" danger onClick={() => onUndo(m.mergeId)}>
                  {t('merge.undo')}
                </Button>
              ) : null,
          },
        ]}
      />
    </div>
  );
}

/** A merged-away record is known by id only; show its name and birth date so the user knows who it was. */
function PatientLink({ id }: { id: string }) {
  const { t } = useTranslation();
  const remote = useRemote((signal) => get<Patient>(`/api/patients/${id}`, undefined, signal), [id]);
  const p = remote.data;
  return <Link to={`/patients/${id}`}>{p ? `${p.name} · ${sexLabel(t, p.sex)} · ${p.birthDate}` : id}</Link>;
}
