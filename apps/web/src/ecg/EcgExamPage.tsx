/** One ECG: what it is, the engine's measurements and statements, and the tracing in the clinical viewer. */
import { Alert, Card, Col, Descriptions, Empty, List, Row, Skeleton, Tag, Typography } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { get } from '../api/client';
import { useOrgTimeZone } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { StartFromEcgButton } from '../emergency/StartFromEcgButton';
import { PageContainer } from '../layout/PageContainer';
import { isHolterExam } from './holter/format';
import { HolterSection } from './holter/HolterSection';
import { useWindowBeats } from './holter/useWindowBeats';
import './i18n';
import type { EcgExam } from './types';
import { EcgViewer } from './viewer/EcgViewer';
import type { WaveformWindow } from './viewer/types';

function fmt(v: number | undefined, unit: string, digits = 0): string {
  return v === undefined || v === null || Number.isNaN(v) ? '—' : `${v.toFixed(digits)} ${unit}`;
}

export function EcgExamPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const tz = useOrgTimeZone();
  const exam = useRemote((signal) => get<EcgExam>(`/api/ecgs/${id}`, undefined, signal), [id]);
  const loadWindow = useCallback(
    (from: number, to: number, signal: AbortSignal) =>
      get<WaveformWindow>(`/api/ecgs/${id}/waveform`, { from, to }, signal),
    [id],
  );
  const e = exam.data;
  // Holter: beat markers per viewed window, and events that move the viewer (holter/).
  const holter = e ? isHolterExam(e) : false;
  const windowBeats = useWindowBeats(id, e?.durationSec ?? 0, holter);
  const [jump, setJump] = useState<{ sec: number; seq: number }>();
  const viewerBox = useRef<HTMLDivElement>(null);
  const jumpTo = useCallback((sec: number) => {
    setJump((j) => ({ sec, seq: (j?.seq ?? 0) + 1 }));
    viewerBox.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, []);
  const zh = i18n.language.startsWith('zh');
  const m = e?.analysis?.measurements ?? {};
  return (
    <PageContainer
      title={t('ecgViewer.examTitle')}
      crumbs={[{ title: e ? formatInstant(e.acquiredAt ?? e.receivedAt, tz) : '…' }]}
    >
      {exam.error !== undefined && <Alert type="error" showIcon title={describeError(exam.error, t)} />}
      {!e && exam.error === undefined && <Skeleton active />}
      {e && (
        <>
          <Descriptions size="small" column={{ xs: 1, md: 3, xl: 4 }} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t('ecgViewer.patient')}>
              {e.patientId ? (
                <Link to={`/patients/${e.patientId}`}>{e.patientName ?? e.patientId.slice(0, 8)}</Link>
              ) : (
                <Tag color="orange">{t('ecgViewer.unmatched')}</Tag>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('ecgViewer.acquiredAt')}>
              {formatInstant(e.acquiredAt, tz)}
            </Descriptions.Item>
            <Descriptions.Item label={t('ecgViewer.status')}>
              <Tag>{t(`ecgViewer.status_${e.status}`, { defaultValue: e.status })}</Tag>
              {e.critical && <Tag color="red">{t('ecgViewer.critical')}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('ecgViewer.device')}>{e.deviceName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('ecgViewer.format')}>{e.format}</Descriptions.Item>
            <Descriptions.Item label={t('ecgViewer.leads')}>
              {e.leads.length} · {e.sampleRate} Hz
            </Descriptions.Item>
            <Descriptions.Item label={t('ecgViewer.duration')}>
              {e.durationSec.toFixed(1)} s
            </Descriptions.Item>
          </Descriptions>
          {e.analysis?.critical?.length ? (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 12 }}
              title={e.analysis.critical.map((c) => (zh ? c.textZh : c.textEn)).join('；')}
              data-testid="ecg-critical"
              action={
                // A STEMI critical value starts the chest pain pathway in one click (docs/emergency-server.md).
                e.analysis.critical.some((c) => c.ruleId === 'acs-stemi') ? (
                  <StartFromEcgButton ecgId={e.id} />
                ) : undefined
              }
            />
          ) : null}
          <Row gutter={12} style={{ marginBottom: 12 }}>
            <Col xs={24} lg={10}>
              <Card size="small" title={t('ecgViewer.measurements')}>
                <Descriptions size="small" column={1} data-testid="ecg-measurements">
                  <Descriptions.Item label={t('ecgViewer.hr')}>{fmt(m.heartRate, 'bpm')}</Descriptions.Item>
                  <Descriptions.Item label={t('ecgViewer.pr')}>{fmt(m.pr, 'ms')}</Descriptions.Item>
                  <Descriptions.Item label={t('ecgViewer.qrs')}>{fmt(m.qrsDuration, 'ms')}</Descriptions.Item>
                  <Descriptions.Item label={t('ecgViewer.qtqtc')}>
                    {fmt(m.qt, 'ms')} / {fmt(m.qtcBazett, 'ms')}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('ecgViewer.axes')}>
                    {fmt(m.pAxis, '°')} / {fmt(m.qrsAxis, '°')} / {fmt(m.tAxis, '°')}
                  </Descriptions.Item>
                </Descriptions>
              </Card>
            </Col>
            <Col xs={24} lg={14}>
              <Card size="small" title={t('ecgViewer.statements')}>
                {e.analysis?.statements?.length ? (
                  <List
                    size="small"
                    dataSource={e.analysis.statements}
                    data-testid="ecg-statements"
                    renderItem={(s) => (
                      <List.Item>
                        <Typography.Text>
                          {s.certainty === 'consider' && <Tag color="gold">{t('ecgViewer.consider')}</Tag>}
                          {zh ? s.textZh : s.textEn}
                        </Typography.Text>
                        <Typography.Text type="secondary" code>
                          {s.code}
                        </Typography.Text>
                      </List.Item>
                    )}
                  />
                ) : (
                  <Empty
                    image={Empty.PRESENTED_IMAGE_SIMPLE}
                    description={e.analysisError ?? t(`ecgViewer.status_${e.status}`)}
                  />
                )}
                {e.deviceStatements?.length ? (
                  <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                    {t('ecgViewer.deviceStatements')}: {e.deviceStatements.join('；')}
                  </Typography.Paragraph>
                ) : null}
              </Card>
            </Col>
          </Row>
          {holter && <HolterSection examId={e.id} acquiredAt={e.acquiredAt} timeZone={tz} onJump={jumpTo} />}
          <div ref={viewerBox}>
            <EcgViewer
              leads={e.leads}
              sampleRate={e.sampleRate}
              duration={e.durationSec}
              loadWindow={loadWindow}
              beats={holter ? windowBeats.beats : e.analysis?.beats}
              jumpTo={jump}
              onViewChange={holter ? windowBeats.onViewChange : undefined}
            />
          </div>
        </>
      )}
    </PageContainer>
  );
}

export default EcgExamPage;
