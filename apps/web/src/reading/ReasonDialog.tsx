/** Asks for the reason of a return or an amendment (the server requires at least 2 characters). */
import { Alert, Input, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface Props {
  kind: 'return' | 'amend' | null;
  busy: boolean;
  error?: string;
  onCancel: () => void;
  onSubmit: (reason: string) => void;
}

export function ReasonDialog({ kind, busy, error, onCancel, onSubmit }: Props) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  useEffect(() => {
    if (kind) setReason('');
  }, [kind]);
  const valid = reason.trim().length >= 2;
  return (
    <Modal
      open={kind !== null}
      title={kind ? t(`reading.reasonTitle_${kind}`) : ''}
      okButtonProps={{ disabled: !valid, loading: busy, 'data-testid': 'reason-submit' }}
      onOk={() => onSubmit(reason.trim())}
      onCancel={onCancel}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
      <Input.TextArea
        autoFocus
        rows={3}
        maxLength={1000}
        value={reason}
        placeholder={t('reading.reasonRequired')}
        onChange={(e) => setReason(e.target.value)}
        data-testid="reason-input"
      />
    </Modal>
  );
}
