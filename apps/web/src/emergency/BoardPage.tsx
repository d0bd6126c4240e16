/**
 * Live board of active emergency cases for the ED and the cath lab (works on phones: cards stack), and the
 * big-screen mode for the ED hall (/emergency/hall) with the synchronised clock and spoken announcements.
 */
import { DesktopOutlined, PlusOutlined, SoundOutlined } from '@ant-design/icons';
import type { Center } from '@lifeline/emergency';
import { Alert, Badge, Button, Col, Empty, Flex, Row, Segmented, Spin, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { formatClock, useServerNow } from '../clock';
import { describeError } from '../common/errors';
import { PageContainer } from '../layout/PageContainer';
import { CaseCard } from './CaseCard';
import { MyActivations } from './MyActivations';
import { StartCaseDialog } from './StartCaseDialog';
import { speechSupported, useSpeech } from './speech';
import { useBoard, useOverdueAnnouncements } from './useBoard';
import './i18n';

const CENTERS: ('all' | Center)[] = ['all', 'chest-pain', 'stroke', 'trauma'];

function useCenterParam(): [Center | undefined, (c: 'all' | Center) => void] {
  const [params, setParams] = useSearchParams();
  const center = (params.get('center') as Center | null) ?? undefined;
  return [center, (c) => setParams(c === 'all' ? {} : { center: c }, { replace: true })];
}

function CenterSwitch({
  value,
  onChange,
}: {
  value: Center | undefined;
  onChange: (c: 'all' | Center) => void;
}) {
  const { t } = useTranslation();
  return (
    <Segmented
      value={value ?? 'all'}
      onChange={(v) => onChange(v as 'all' | Center)}
      options={CENTERS.map((c) => ({
        value: c,
        label: c === 'all' ? t('emergency.allCenters') : t(`emergency.center_${c}`),
      }))}
    />
  );
}

function BoardGrid({
  center,
  big,
  announce,
}: {
  center?: Center;
  big?: boolean;
  announce: (text: string) => void;
}) {
  const { t } = useTranslation();
  const now = useServerNow();
  const { cases, error, live } = useBoard(center, announce);
  useOverdueAnnouncements(cases, now.getTime(), announce);
  if (!cases && !error) return <Spin style={{ display: 'block', margin: 48 }} />;
  return (
    <>
      <Badge
        data-testid="live-status"
        data-live={live ? 'true' : 'false'}
        status={live ? 'success' : 'warning'}
        text={
          <span style={{ color: big ? '#8c8c8c' : undefined }}>
            {t(live ? 'emergency.liveConnected' : 'emergency.livePolling')}
          </span>
        }
      />
      {error ? (
        <Alert type="error" showIcon title={describeError(error, t)} style={{ margin: '8px 0' }} />
      ) : null}
      {cases?.length === 0 && <Empty description={t('emergency.noActiveCases')} />}
      <Row gutter={[12, 12]} style={{ marginTop: 8 }}>
        {cases?.map((c) => (
          <Col key={c.id} xs={24} md={12} xl={8} xxl={6}>
            <CaseCard c={c} nowMs={now.getTime()} big={big} />
          </Col>
        ))}
      </Row>
    </>
  );
}

function SpeechSwitch({ enabled, toggle }: { enabled: boolean; toggle: (on: boolean) => void }) {
  const { t } = useTranslation();
  if (!speechSupported()) return null;
  return (
    <Flex gap={6} align="center">
      <SoundOutlined />
      <Switch size="small" checked={enabled} onChange={toggle} data-testid="speech-toggle" />
      <span>{t('emergency.speech')}</span>
    </Flex>
  );
}

export default function BoardPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [center, setCenter] = useCenterParam();
  const [starting, setStarting] = useState(false);
  const [speechOn, toggleSpeech, announce] = useSpeech();
  return (
    <PageContainer
      title={t('emergency.menuBoard')}
      extra={
        <Flex gap={12} align="center" wrap>
          <CenterSwitch value={center} onChange={setCenter} />
          <SpeechSwitch enabled={speechOn} toggle={toggleSpeech} />
          <Link to={`/emergency/hall${center ? `?center=${center}` : ''}`}>
            <Button icon={<DesktopOutlined />}>{t('emergency.bigScreen')}</Button>
          </Link>
          {can('emergency.write') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setStarting(true)}
              data-testid="case-start"
            >
              {t('emergency.start')}
            </Button>
          )}
        </Flex>
      }
    >
      <MyActivations />
      <BoardGrid center={center} announce={announce} />
      <StartCaseDialog open={starting} onClose={() => setStarting(false)} defaultCenter={center} />
    </PageContainer>
  );
}

/** Full-screen board for the ED hall: dark, large type, the server clock, no navigation. */
export function HallPage() {
  const { t } = useTranslation();
  const { timeZone } = useAuth();
  const now = useServerNow();
  const [center, setCenter] = useCenterParam();
  const [speechOn, toggleSpeech, announce] = useSpeech();
  return (
    <div
      style={{
        position: 'fixed',
        inset: 0,
        overflow: 'auto',
        background: '#000',
        color: '#fff',
        padding: 16,
      }}
      data-testid="hall"
    >
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 12 }}>
        <Typography.Title level={2} style={{ color: '#fff', margin: 0 }}>
          {t('app.name')} · {center ? t(`emergency.center_${center}`) : t('emergency.menuBoard')}
        </Typography.Title>
        <span
          style={{ fontSize: 48, fontWeight: 700, fontVariantNumeric: 'tabular-nums' }}
          data-testid="hall-clock"
        >
          {formatClock(now, timeZone)}
        </span>
        <Flex gap={12} align="center" style={{ color: '#d9d9d9' }}>
          <CenterSwitch value={center} onChange={setCenter} />
          <SpeechSwitch enabled={speechOn} toggle={toggleSpeech} />
          <Link to={`/emergency/board${center ? `?center=${center}` : ''}`}>
            <Button ghost>{t('emergency.exitBigScreen')}</Button>
          </Link>
        </Flex>
      </Flex>
      <BoardGrid center={center} big announce={announce} />
    </div>
  );
}
