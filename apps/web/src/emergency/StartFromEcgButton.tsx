/**
 * "Start chest pain pathway" in one click from a STEMI critical ECG (for the ECG screens): creates the case
 * linked to the ECG (its acquisition time becomes the first-ECG time) and opens it. An active chest-pain case of
 * the patient is opened instead of starting a second one.
 */
import { App, Button } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ApiError, post } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { describeError } from '../common/errors';
import type { CaseDetail } from './api';
import './i18n';

export function StartFromEcgButton({ ecgId, size }: { ecgId: string; size?: 'small' | 'middle' | 'large' }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  if (!can('emergency.write')) return null;
  const start = async () => {
    setBusy(true);
    try {
      const c = await post<CaseDetail>('/api/emergency/cases', { fromEcgId: ecgId, source: 'ecg' });
      navigate(`/emergency/cases/${c.id}`);
    } catch (e) {
      const existing =
        e instanceof ApiError && e.status === 409 ? /case ([0-9a-f-]{36})/.exec(e.message)?.[1] : undefined;
      if (existing) navigate(`/emergency/cases/${existing}`);
      else message.error(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button danger type="primary" size={size} loading={busy} onClick={start} data-testid="start-chest-pain">
      {t('emergency.startChestPain')}
    </Button>
  );
}
