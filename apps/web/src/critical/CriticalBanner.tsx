/**
 * The critical-value banner under the header: every unacknowledged critical value of the user's department (all
 * of them for ECG physicians, who watch the whole hospital), live over /ws (ecg.critical topic) with polling as
 * the fallback, with a beep every 10 s until acknowledged unless muted on this workstation.
 */
import { AlertFilled, MutedOutlined, SoundOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { describeError } from '../common/errors';
import { acknowledgeCritical, type CriticalEntry, criticalTopic, listCritical } from './api';
import { beep, isMuted, setMuted } from './beep';
import './i18n';
import { useLiveTopic } from '../reading/live';

const BEEP_EVERY_MS = 10_000;

export function CriticalBanner() {
  const { t, i18n } = useTranslation();
  const { me, can } = useAuth();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [open, setOpen] = useState<CriticalEntry[]>([]);
  const [muted, setMutedState] = useState(isMuted);
  const [busy, setBusy] = useState(false);
  const allowed = can('ecg.read');
  const load = useCallback(() => {
    if (!allowed) return;
    listCritical({ status: 'open', limit: 50 }).then(
      (r) => setOpen(r.items),
      () => {},
    );
  }, [allowed]);
  useEffect(load, [load]);
  useLiveTopic(allowed && me ? criticalTopic(me.organizationId) : null, load);

  const mine = useMemo(
    () =>
      open.filter(
        (c) =>
          !c.departmentId ||
          !me?.departmentId ||
          c.departmentId === me.departmentId ||
          can('ecg.report.diagnose'),
      ),
    [open, me, can],
  );

  // Only those who can acknowledge get the sound: a beep nobody at this desk can stop helps no one.
  const canAck = can('ecg.critical.ack');
  useEffect(() => {
    if (!mine.length || muted || !canAck) return;
    beep();
    const timer = setInterval(beep, BEEP_EVERY_MS);
    return () => clearInterval(timer);
  }, [mine.length, muted, canAck]);

  if (!mine.length) return null;
  const first = mine[0];
  const zh = i18n.language.startsWith('zh');
  const acknowledge = async () => {
    setBusy(true);
    try {
      await acknowledgeCritical(first.id);
      message.success(t('critical.acknowledged'));
      load();
    } catch (e) {
      message.error(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Alert
      banner
      type="error"
      icon={<AlertFilled />}
      data-testid="critical-banner"
      style={{ fontSize: 15 }}
      title={
        <Space wrap>
          <Typography.Text strong style={{ color: 'inherit' }}>
            {t('critical.banner', {
              patient: first.patientName ?? t('critical.unknownPatient'),
              findings: first.findings.map((f) => (zh ? f.textZh : f.textEn)).join('；'),
            })}
          </Typography.Text>
          {first.escalationLevel > 0 && (
            <Typography.Text type="danger">
              {t('critical.escalated', { level: first.escalationLevel })}
            </Typography.Text>
          )}
          {mine.length > 1 && (
            <Typography.Text type="secondary">
              {t('critical.bannerMore', { n: mine.length - 1 })}
            </Typography.Text>
          )}
        </Space>
      }
      action={
        <Space>
          <Button size="small" onClick={() => navigate(`/reading/${first.examId}`)}>
            {t('critical.open')}
          </Button>
          {can('ecg.critical.ack') && (
            <Button
              size="small"
              type="primary"
              danger
              loading={busy}
              onClick={() => void acknowledge()}
              data-testid="critical-ack"
            >
              {t('critical.acknowledge')}
            </Button>
          )}
          <Button
            size="small"
            type="text"
            icon={muted ? <MutedOutlined /> : <SoundOutlined />}
            aria-label={muted ? t('critical.unmute') : t('critical.mute')}
            onClick={() => {
              setMuted(!muted);
              setMutedState(!muted);
            }}
            data-testid="critical-mute"
          />
        </Space>
      }
    />
  );
}
