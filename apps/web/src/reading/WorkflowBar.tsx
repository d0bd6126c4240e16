/**
 * Workflow buttons of the report, offered by state and permission: save draft, technician check, diagnose,
 * review, sign (after the omission warnings), publish, return with reason, amend with reason; PDF preview
 * and download. Ctrl+S saves and Ctrl+Enter takes the primary step (wired by the reading page).
 */
import { FilePdfOutlined } from '@ant-design/icons';
import { App, Button, Modal, Space, Tooltip } from 'antd';
import { forwardRef, useImperativeHandle, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { describeError } from '../common/errors';
import {
  amendReport,
  pdfUrl,
  type Report,
  returnReport,
  type SignWarning,
  saveReport,
  signCheck,
  signReport,
  stepReport,
  toInput,
} from './api';
import { ReasonDialog } from './ReasonDialog';
import type { Draft } from './ReportEditor';
import { type Decision, SignDialog } from './SignDialog';
import { availableSteps, primaryStep, type StepName } from './workflow';

export interface WorkflowHandle {
  run(step: 'save' | 'primary'): void;
}

interface Props {
  report: Report;
  draft: Draft;
  onReport: (report: Report) => void;
}

export const WorkflowBar = forwardRef<WorkflowHandle, Props>(function WorkflowBar(
  { report, draft, onReport },
  ref,
) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<StepName | null>(null);
  const [reasonFor, setReasonFor] = useState<'return' | 'amend' | null>(null);
  const [warnings, setWarnings] = useState<SignWarning[] | null>(null);
  const [dialogError, setDialogError] = useState<string>();
  const [pdfOpen, setPdfOpen] = useState(false);
  const steps = availableSteps(report.status, (p) => can(p as never));
  const edit = {
    measurements: draft.measurements,
    statements: toInput(draft.statements),
    freeText: draft.freeText,
    conclusion: draft.conclusion,
  };

  const act = async (step: StepName, work: () => Promise<Report>, dialog = false) => {
    setBusy(step);
    setDialogError(undefined);
    try {
      const next = await work();
      onReport(next);
      message.success(step === 'save' ? t('reading.saved') : t(`reading.done_${step}`));
      return true;
    } catch (e) {
      if (dialog) setDialogError(describeError(e, t));
      else message.error(describeError(e, t));
      return false;
    } finally {
      setBusy(null);
    }
  };

  const run = (step: StepName) => {
    if (!steps.includes(step) || busy) return;
    switch (step) {
      case 'save':
        return void act('save', () => saveReport(report.id, { ...edit, template: draft.template }));
      case 'check':
        // The check step takes measurements only: the rest of the draft is saved first.
        return void act('check', async () => {
          await saveReport(report.id, { ...edit, template: draft.template });
          return stepReport(report.id, 'check', { measurements: draft.measurements });
        });
      case 'diagnose':
        if (!draft.conclusion.trim()) return void message.warning(t('reading.conclusionRequired'));
        return void act('diagnose', async () => {
          if (draft.template !== report.template) await saveReport(report.id, { template: draft.template });
          return stepReport(report.id, 'diagnose', edit);
        });
      case 'review':
        return void act('review', () =>
          stepReport(report.id, 'review', {
            statements: edit.statements,
            conclusion: edit.conclusion,
            freeText: edit.freeText,
          }),
        );
      case 'sign':
        setBusy('sign');
        signCheck(report.id)
          // Signing always passes through the dialog (also without warnings): Ctrl+Enter must not sign unseen.
          .then((answer) => setWarnings(answer.warnings))
          .catch((e) => message.error(describeError(e, t)))
          .finally(() => setBusy(null));
        return;
      case 'publish':
        return void act('publish', () => stepReport(report.id, 'publish', {}));
      case 'return':
      case 'amend':
        setDialogError(undefined);
        setReasonFor(step);
        return;
    }
  };

  useImperativeHandle(ref, () => ({
    run: (which) => {
      const step = which === 'save' ? 'save' : primaryStep(steps);
      if (step) run(step);
    },
  }));

  const sign = async (decisions: Decision[]) => {
    const ok = await act('sign', () => signReport(report.id, decisions), true);
    if (ok) setWarnings(null);
  };
  const submitReason = async (reason: string) => {
    const kind = reasonFor;
    if (!kind) return;
    const ok = await act(
      kind,
      () => (kind === 'return' ? returnReport(report.id, reason) : amendReport(report.id, reason)),
      true,
    );
    if (ok) setReasonFor(null);
  };

  const button = (step: StepName, label: string, type: 'primary' | 'default' = 'default', danger = false) =>
    steps.includes(step) && (
      <Button
        key={step}
        type={type}
        danger={danger}
        loading={busy === step}
        disabled={busy !== null && busy !== step}
        onClick={() => run(step)}
        data-testid={`report-${step}`}
      >
        {label}
      </Button>
    );
  const primary = primaryStep(steps);
  const signedVersion = report.signedAt ? report.version : undefined;

  return (
    <>
      <Space wrap>
        {button('save', t('reading.save'))}
        {button('check', t('reading.check'), primary === 'check' ? 'primary' : 'default')}
        {button('diagnose', t('reading.diagnose'), primary === 'diagnose' ? 'primary' : 'default')}
        {button(
          'review',
          t('reading.review', { level: report.reviewsDone + 1, levels: report.reviewLevels }),
          primary === 'review' ? 'primary' : 'default',
        )}
        {button('sign', t('reading.sign'), 'primary', true)}
        {button('publish', t('reading.publish'), primary === 'publish' ? 'primary' : 'default')}
        {button('return', t('reading.returnTo'))}
        {button('amend', t('reading.amend'))}
        <Tooltip title={t('reading.pdfPreview')}>
          <Button
            icon={<FilePdfOutlined />}
            onClick={() => setPdfOpen(true)}
            data-testid="report-pdf-preview"
          >
            {t('reading.pdf')}
          </Button>
        </Tooltip>
        <Button href={pdfUrl(report.id, signedVersion)} target="_blank" data-testid="report-pdf-download">
          {t('reading.pdfDownload')}
        </Button>
      </Space>
      <SignDialog
        open={warnings !== null}
        warnings={warnings ?? []}
        busy={busy === 'sign'}
        error={dialogError}
        onCancel={() => setWarnings(null)}
        onSign={(d) => void sign(d)}
      />
      <ReasonDialog
        kind={reasonFor}
        busy={busy === 'return' || busy === 'amend'}
        error={dialogError}
        onCancel={() => setReasonFor(null)}
        onSubmit={(r) => void submitReason(r)}
      />
      <Modal
        open={pdfOpen}
        onCancel={() => setPdfOpen(false)}
        footer={null}
        width="80vw"
        title={t('reading.pdfPreview')}
        destroyOnHidden
      >
        <iframe
          title="pdf"
          src={pdfUrl(report.id, signedVersion)}
          style={{ width: '100%', height: '75vh', border: 0 }}
        />
      </Modal>
    </>
  );
});

export function isConflict(e: unknown): boolean {
  return e instanceof ApiError && e.status === 409;
}
