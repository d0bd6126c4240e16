/** Banner of team activations waiting for the signed-in user's acknowledgement (cath-lab staff on a phone). */
import { Alert, App, Button, Flex } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { get, post } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';

interface Mine {
  id: string;
  caseId: string;
  center: string;
  wristband: string;
  teamName: string;
  activatedAt: string;
  escalationLevel: number;
}

export function MyActivations() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { timeZone, can } = useAuth();
  const [items, setItems] = useState<Mine[]>([]);
  const load = useCallback(() => {
    get<Mine[]>('/api/emergency/activations/mine').then(setItems, () => {});
  }, []);
  useEffect(() => {
    if (!can('emergency.read')) return;
    load();
    const timer = setInterval(load, 10000);
    return () => clearInterval(timer);
  }, [load, can]);
  if (!items.length) return null;
  const act = async (id: string, what: 'ack' | 'arrive') => {
    try {
      await post(`/api/emergency/activations/${id}/${what}`);
      load();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  // Text above the buttons: readable on a phone, where a side-by-side action column would squeeze the text.
  return (
    <Flex vertical gap={8} style={{ marginBottom: 12 }}>
      {items.map((a) => (
        <Alert
          key={a.id}
          type={a.escalationLevel ? 'error' : 'warning'}
          showIcon
          title={
            <Link to={`/emergency/cases/${a.caseId}`}>
              {t(`emergency.center_${a.center}`)} {a.wristband} · {a.teamName} ·{' '}
              {formatInstant(a.activatedAt, timeZone, 'minute')}
            </Link>
          }
          description={
            <Flex gap={8} wrap style={{ marginTop: 4 }}>
              <Button type="primary" danger onClick={() => act(a.id, 'ack')} data-testid="activation-ack">
                {t('emergency.acknowledge')}
              </Button>
              <Button onClick={() => act(a.id, 'arrive')}>{t('emergency.arrived')}</Button>
            </Flex>
          }
        />
      ))}
    </Flex>
  );
}
