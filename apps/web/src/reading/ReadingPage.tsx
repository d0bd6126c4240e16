/**
 * The reading page of one exam: the ECG viewer beside the report editor, the workflow buttons, the comparison
 * with the patient's previous ECG (optionally its tracing side by side) and the version history. Opening an
 * analysed exam without a report starts the draft at once for users who may draft, so the technician's first
 * keystroke already goes into the report.
 */
import { ArrowLeftOutlined, StepForwardOutlined } from '@ant-design/icons';
import { Alert, App, Button, Col, Descriptions, Flex, Row, Skeleton, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { get } from '../api/client';
import type { PatientSummary } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import type { EcgExam } from '../ecg/types';
import { EcgViewer } from '../ecg/viewer/EcgViewer';
import type { WaveformWindow } from '../ecg/viewer/types';
import { PageContainer } from '../layout/PageContainer';
import { sexLabel } from '../patients/labels';
import { type ComparisonAnswer, createReport, type Report, reportOfExam, type Worklist } from './api';
import { ComparisonPanel } from './ComparisonPanel';
import './i18n';
import { useLiveTopic } from './live';
import { type Draft, ReportEditor } from './ReportEditor';
import { ReportHistory } from './ReportHistory';
import type { StatementPickerHandle } from './StatementPicker';
import { queueStatuses } from './turnaround';
import { WorkflowBar, type WorkflowHandle } from './WorkflowBar';
import { contentEditable } from './workflow';

function draftOf(r: Report): Draft {
  return {
    template: r.template,
    measurements: { ...r.measurements },
    statements: r.statements.map((s) => ({ ...s })),
    freeText: r.freeText,
    conclusion: r.conclusion,
  };
}

function useWaveform(examId: string | undefined) {
  return useCallback(
    (from: number, to: number, signal: AbortSignal) =>
      get<WaveformWindow>(`/api/ecgs/${examId}/waveform`, { from, to }, signal),
    [examId],
  );
}

/** The previous ECG's tracing, for side-by-side reading (its own leads and rate). */
function PreviousTracing({ examId }: { examId: string }) {
  const { t } = useTranslation();
  const prev = useRemote((signal) => get<EcgExam>(`/api/ecgs/${examId}`, undefined, signal), [examId]);
  const loadWindow = useWaveform(examId);
  if (!prev.data) return <Skeleton active />;
  return (
    <div data-testid="previous-viewer">
      <Typography.Text strong>{t('reading.previous')}</Typography.Text>
      <EcgViewer
        leads={prev.data.leads}
        sampleRate={prev.data.sampleRate}
        duration={prev.data.durationSec}
        loadWindow={loadWindow}
        beats={prev.data.analysis?.beats}
      />
    </div>
  );
}

export function ReadingPage() {
  const { examId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const { me, can, timeZone } = useAuth();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const exam = useRemote((signal) => get<EcgExam>(`/api/ecgs/${examId}`, undefined, signal), [examId]);
  const [report, setReport] = useState<Report | null>();
  const [reportError, setReportError] = useState<unknown>();
  const [draft, setDraft] = useState<Draft>();
  const [comparison, setComparison] = useState<ComparisonAnswer>();
  const [sideBySide, setSideBySide] = useState(false);
  const picker = useRef<StatementPickerHandle>(null);
  const workflow = useRef<WorkflowHandle>(null);
  const e = exam.data;
  const patientId = e?.patientId;
  const patient = useRemote(
    (signal) => get<PatientSummary>(`/api/patients/${patientId}`, undefined, signal),
    [patientId],
    !!patientId,
  );
  const p = patientId ? patient.data : undefined;
  const analysed = e !== undefined && e.status !== 'acquired';

  // Load the exam's report, starting it when the exam is analysed and the user may draft.
  const readyExamId = analysed ? e?.id : undefined;
  const mayDraft = can('ecg.report.draft');
  useEffect(() => {
    if (!readyExamId) return;
    const controller = new AbortController();
    (async () => {
      let r = await reportOfExam(readyExamId, controller.signal);
      if (!r && mayDraft) {
        // Two readers opening the same exam at once: the second create is a 409, so read the first one's report.
        r = await createReport(readyExamId).catch(() => reportOfExam(readyExamId, controller.signal));
      }
      if (!controller.signal.aborted) setReport(r);
    })().catch((err) => !controller.signal.aborted && setReportError(err));
    return () => controller.abort();
  }, [readyExamId, mayDraft]);

  useEffect(() => {
    if (report) setDraft(draftOf(report));
  }, [report]);

  // The comparison follows the report's current content; reloaded whenever the report changes.
  useEffect(() => {
    if (!report) return;
    const controller = new AbortController();
    get<ComparisonAnswer>(`/api/reports/${report.id}/comparison`, undefined, controller.signal).then(
      setComparison,
      () => {},
    );
    return () => controller.abort();
  }, [report]);

  // The worklist topic carries analysis results and report steps: reload the exam while it is being analysed,
  // and the report when another user moved it (report.updated with a state or version this page does not show).
  const reportRef = useRef(report);
  reportRef.current = report;
  const onLiveEvent = useCallback(
    (payload: unknown) => {
      const ev = payload as { type?: string; examId?: string; status?: string; version?: number };
      const shown = reportRef.current;
      if (ev.type !== 'report.updated' || ev.examId !== examId || !shown) return;
      if (ev.status === shown.status && ev.version === shown.version) return;
      reportOfExam(examId).then(
        (r) => {
          if (r && (r.status !== reportRef.current?.status || r.version !== reportRef.current?.version)) {
            setReport(r);
            message.info(t('reading.updatedElsewhere', { status: t(`reading.status_${r.status}`) }));
          }
        },
        () => {},
      );
    },
    [examId, message, t],
  );
  useLiveTopic(
    me && e ? `ecg.worklist:${me.organizationId}` : null,
    () => !analysed && exam.reload(),
    onLiveEvent,
  );

  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      if (document.querySelector('.ant-modal-wrap:not([style*="display: none"])')) return;
      const typing = ['INPUT', 'TEXTAREA'].includes((ev.target as HTMLElement)?.tagName ?? '');
      if ((ev.ctrlKey || ev.metaKey) && ev.key === 's') {
        ev.preventDefault();
        workflow.current?.run('save');
      } else if ((ev.ctrlKey || ev.metaKey) && ev.key === 'Enter') {
        ev.preventDefault();
        workflow.current?.run('primary');
      } else if (ev.altKey && (ev.key === 'n' || ev.key === 'N')) {
        ev.preventDefault();
        void nextRef.current();
      } else if (!typing && ev.key === '/') {
        ev.preventDefault();
        picker.current?.focus();
      } else if (!typing && ev.key === 'Escape') {
        navigate('/reading');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);

  /** The first exam of the user's queue other than this one (same order as the worklist). */
  const nextExam = useCallback(async () => {
    const mine = queueStatuses((p) => can(p as never));
    const list = await get<Worklist>('/api/worklist', { status: 'pending', limit: 200 });
    const next = list.items.find(
      (i) => i.examId !== examId && mine.includes(i.reportStatus) && i.examStatus !== 'acquired',
    );
    if (next) navigate(`/reading/${next.examId}`);
    else navigate('/reading');
  }, [can, examId, navigate]);
  const nextRef = useRef(nextExam);
  nextRef.current = nextExam;

  const loadWindow = useWaveform(e?.id);
  const canEdit = (p: string) => can(p as never);
  const status = report?.status;

  return (
    <PageContainer
      title={t('reading.readingTitle')}
      crumbs={[{ title: e ? (p?.name ?? formatInstant(e.acquiredAt ?? e.receivedAt, timeZone)) : '…' }]}
      extra={
        <Space>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('reading.shortcuts')}
          </Typography.Text>
          <Link to="/reading">
            <Button icon={<ArrowLeftOutlined />}>{t('reading.backToWorklist')}</Button>
          </Link>
          <Button icon={<StepForwardOutlined />} onClick={() => void nextExam()} data-testid="reading-next">
            {t('reading.nextExam')}
          </Button>
        </Space>
      }
    >
      {exam.error !== undefined && <Alert type="error" showIcon title={describeError(exam.error, t)} />}
      {reportError !== undefined && <Alert type="error" showIcon title={describeError(reportError, t)} />}
      {!e && exam.error === undefined && <Skeleton active />}
      {e && (
        <>
          <Descriptions size="small" column={{ xs: 1, md: 3, xl: 5 }} style={{ marginBottom: 8 }}>
            <Descriptions.Item label={t('ecgViewer.patient')}>
              {e.patientId ? (
                <Link to={`/patients/${e.patientId}`} data-testid="reading-patient">
                  {p
                    ? [p.name, sexLabel(t, p.sex), p.age !== null ? `${p.age}` : p.birthDate].join(' · ')
                    : '…'}
                </Link>
              ) : (
                <Tag color="orange">{t('reading.unmatched')}</Tag>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('ecgViewer.acquiredAt')}>
              {formatInstant(e.acquiredAt ?? e.receivedAt, timeZone)}
            </Descriptions.Item>
            <Descriptions.Item label={t('ecgViewer.device')}>{e.deviceName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('reading.colStatus')}>
              <Tag color="blue" data-testid="report-status">
                {status ? t(`reading.status_${status}`) : t('reading.noReport')}
              </Tag>
              {report && report.version > 1 && <Tag>{t('reading.version', { n: report.version })}</Tag>}
              {e.critical && <Tag color="red">{t('reading.critical')}</Tag>}
            </Descriptions.Item>
          </Descriptions>
          {e.status === 'acquired' && (
            <Alert type="info" showIcon title={t('reading.stillAnalysing')} style={{ marginBottom: 8 }} />
          )}
          {e.status === 'analysis-failed' && (
            <Alert
              type="warning"
              showIcon
              title={t('reading.analysisFailed', { reason: e.analysisError ?? '' })}
              style={{ marginBottom: 8 }}
            />
          )}
          {e.analysis?.critical?.length ? (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 8 }}
              title={e.analysis.critical.map((c) => (zh ? c.textZh : c.textEn)).join(zh ? '；' : '; ')}
            />
          ) : null}
          <Row gutter={12}>
            <Col xs={24} xl={14}>
              <Flex vertical gap={12}>
                <EcgViewer
                  leads={e.leads}
                  sampleRate={e.sampleRate}
                  duration={e.durationSec}
                  loadWindow={loadWindow}
                  beats={e.analysis?.beats}
                />
                {sideBySide && comparison?.previous && (
                  <PreviousTracing examId={comparison.previous.examId} />
                )}
                <ComparisonPanel
                  data={comparison}
                  sideBySide={sideBySide}
                  onToggleSideBySide={() => setSideBySide((v) => !v)}
                />
              </Flex>
            </Col>
            <Col xs={24} xl={10}>
              {report && draft ? (
                <Flex vertical gap={12}>
                  <WorkflowBar ref={workflow} report={report} draft={draft} onReport={setReport} />
                  <ReportEditor
                    draft={draft}
                    onChange={setDraft}
                    automaticMeasurements={report.automaticMeasurements}
                    measurementsEditable={
                      (status === 'draft' && canEdit('ecg.report.draft')) ||
                      (status === 'checked' && canEdit('ecg.report.diagnose'))
                    }
                    contentEditable={contentEditable(report.status, canEdit)}
                    templateEditable={
                      (status === 'draft' || status === 'checked') && canEdit('ecg.report.draft')
                    }
                    pickerRef={picker}
                  />
                  <ReportHistory report={report} />
                </Flex>
              ) : analysed && report === null ? (
                <Alert type="info" title={t('reading.noReport')} />
              ) : (
                analysed && <Skeleton active />
              )}
            </Col>
          </Row>
        </>
      )}
    </PageContainer>
  );
}

export default ReadingPage;
