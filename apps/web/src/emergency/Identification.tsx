/**
 * Identifying an unknown patient: the temporary record (无名氏-<wristband>) is merged into the real patient, and
 * the cases, ECGs and time nodes move with it; the identification can be undone (the patient merge with it).
 */
import { App, Button, type ButtonProps, Checkbox, Form, Input, Modal, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../api/client';
import { describeError } from '../common/errors';
import { PatientPicker } from '../patients/PatientPicker';
import type { CaseDetail } from './api';

export function IdentifyDialog({
  c,
  open,
  onClose,
  onDone,
}: {
  c: CaseDetail;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ patientId: string; reason: string; merge: boolean }>();
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      await post(`/api/emergency/cases/${c.id}/identify`, v);
      onDone();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  return (
    <Modal
      open={open}
      title={t('emergency.identify')}
      onCancel={onClose}
      onOk={submit}
      okButtonProps={{ 'data-testid': 'identify-save' } as ButtonProps}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" preserve={false} initialValues={{ merge: true }}>
        <Form.Item name="patientId" label={t('emergency.patient')} rules={[{ required: true }]}>
          <PatientPicker excludeIds={[c.patient.id]} />
        </Form.Item>
        <Form.Item name="reason" label={t('emergency.identifyReason')} rules={[{ required: true, min: 2 }]}>
          <Input maxLength={500} data-testid="identify-reason" />
        </Form.Item>
        <Form.Item name="merge" valuePropName="checked">
          <Checkbox data-testid="identify-merge">{t('emergency.identifyMerge')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Shown on a case that was moved by an identification still in force: who, when, and the undo button. */
export function IdentificationBadge({ c, onDone }: { c: CaseDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const i = c.identification;
  if (!i) return null;
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      await post(`/api/emergency/identifications/${i.id}/undo`, v);
      setOpen(false);
      message.success(t('emergency.identifyUndone'));
      onDone();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  return (
    <>
      <Tag data-testid="case-identified" title={`${i.by ?? ''} ${i.reason}`}>
        {t('emergency.identifiedFrom')}
      </Tag>
      <Button size="small" data-testid="identify-undo" onClick={() => setOpen(true)}>
        {t('emergency.identifyUndo')}
      </Button>
      <Modal
        open={open}
        title={t('emergency.identifyUndo')}
        onCancel={() => setOpen(false)}
        onOk={submit}
        okButtonProps={{ 'data-testid': 'identify-undo-save' } as ButtonProps}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item
            name="reason"
            label={t('emergency.identifyUndoReason')}
            rules={[{ required: true, min: 2 }]}
          >
            <Input maxLength={500} data-testid="identify-undo-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
