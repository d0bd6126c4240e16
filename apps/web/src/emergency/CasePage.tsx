/**
 * One emergency case: tap buttons for the time nodes, the timeline with warnings and running countdowns, and
 * tabs for metrics, registry gaps, scores, team activation, facts/outcome and the activity log.
 */
import { Button, Card, Col, Flex, Result, Row, Spin, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import { type CaseDetail, fetchCase, type TimeNode } from './api';
import { CENTER_COLOR } from './CaseCard';
import { ActivationPanel, EventList, FactsForm, MetricsTable } from './CaseDetails';
import { CaseTimeline, RunningClocks } from './CaseTimeline';
import { ChecklistPanel, ConsentPanel, ProcedurePanel } from './ClinicalPanels';
import { IdentificationBadge, IdentifyDialog } from './Identification';
import { useLiveRefresh } from './live';
import { MyActivations } from './MyActivations';
import { ManualTimeDialog, NodePanel } from './NodePanel';
import { RegistryPanel } from './RegistryPanel';
import { ScorePanel } from './ScorePanel';
import './i18n';

export default function CasePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { me, can } = useAuth();
  const remote = useRemote((signal) => fetchCase(id, signal), [id]);
  const [override, setOverride] = useState<CaseDetail>();
  const [editing, setEditing] = useState<TimeNode | null>(null);
  const [identifying, setIdentifying] = useState(false);
  const reload = remote.reload;
  // A node answer is shown at once; the full reload that follows replaces it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: cleared whenever a fresh load arrives
  useEffect(() => setOverride(undefined), [remote.data]);
  const c = override ?? remote.data;
  const refresh = useCallback(() => reload(), [reload]);
  useLiveRefresh(me ? `emergency.board:${me.organizationId}` : null, refresh, (e) => e.caseId === id);

  if (remote.error && !c) return <Result status="warning" title={describeError(remote.error, t)} />;
  if (!c) return <Spin style={{ display: 'block', margin: 48 }} />;
  const applyNodes = (a: { times: TimeNode[]; warnings: CaseDetail['warnings'] }) => {
    setOverride({ ...c, times: a.times, warnings: a.warnings });
    reload();
  };

  return (
    <PageContainer
      title={
        <Flex gap={8} align="center" wrap>
          <Tag color={CENTER_COLOR[c.center]}>{t(`emergency.center_${c.center}`)}</Tag>
          <span data-testid="case-wristband">{c.wristband}</span>
          <Link to={`/patients/${c.patient.id}`}>{c.patient.name}</Link>
          {c.temporaryIdentity && <Tag>{t('emergency.temporary')}</Tag>}
          <Tag>{t(`emergency.status_${c.status}`)}</Tag>
        </Flex>
      }
      crumbs={[{ title: c.wristband }]}
      extra={
        <Flex gap={8} align="center" wrap>
          <Typography.Text type="secondary">
            {t('emergency.pathwayVersion', { version: c.pathwayVersion })}
          </Typography.Text>
          {c.otherCases.map((o) => (
            <Link key={o.id} to={`/emergency/cases/${o.id}`}>
              <Tag color={CENTER_COLOR[o.center]}>
                {t('emergency.otherCenters')} {t(`emergency.center_${o.center}`)}
              </Tag>
            </Link>
          ))}
          {c.temporaryIdentity && can('emergency.write') && (
            <Button data-testid="identify-open" onClick={() => setIdentifying(true)}>
              {t('emergency.identify')}
            </Button>
          )}
          {can('emergency.write') && <IdentificationBadge c={c} onDone={refresh} />}
        </Flex>
      }
    >
      <MyActivations />
      <RunningClocks c={c} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('emergency.timeNodes')}>
            <NodePanel c={c} onChanged={applyNodes} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('emergency.timeline')}>
            <CaseTimeline c={c} onEdit={can('emergency.write') ? setEditing : undefined} />
          </Card>
        </Col>
      </Row>
      <Card size="small" style={{ marginTop: 16 }}>
        <Tabs
          items={[
            {
              key: 'activation',
              label: t('emergency.activation'),
              children: <ActivationPanel c={c} onChanged={refresh} />,
            },
            { key: 'metrics', label: t('emergency.metrics'), children: <MetricsTable c={c} /> },
            { key: 'scores', label: t('emergency.scores'), children: <ScorePanel c={c} onSaved={refresh} /> },
            {
              key: 'checklists',
              label: t('emergency.checklists'),
              children: <ChecklistPanel c={c} onSaved={refresh} />,
            },
            {
              key: 'consent',
              label: t('emergency.consent'),
              children: <ConsentPanel c={c} onSaved={refresh} />,
            },
            {
              key: 'procedure',
              label: t('emergency.procedure'),
              children: <ProcedurePanel c={c} onSaved={refresh} />,
            },
            { key: 'facts', label: t('emergency.facts'), children: <FactsForm c={c} onSaved={refresh} /> },
            { key: 'registry', label: t('emergency.registry'), children: <RegistryPanel c={c} /> },
            { key: 'events', label: t('emergency.events'), children: <EventList c={c} /> },
          ]}
        />
      </Card>
      <ManualTimeDialog
        c={c}
        target={editing ? { node: editing } : null}
        onClose={() => setEditing(null)}
        onSaved={(a) => {
          setEditing(null);
          applyNodes(a);
        }}
      />
      <IdentifyDialog
        c={c}
        open={identifying}
        onClose={() => setIdentifying(false)}
        onDone={() => {
          setIdentifying(false);
          refresh();
        }}
      />
    </PageContainer>
  );
}
