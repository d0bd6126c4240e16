import { ClockCircleOutlined, WarningOutlined } from '@ant-design/icons';
import { Space, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useOrgTimeZone } from '../auth/AuthContext';
import { DRIFT_WARNING_MS, formatClock, useClockState, useServerNow } from '../clock';

/** Header clock in the organisation's zone, with a warning when this workstation's clock is off. */
export function ServerClock() {
  const { t } = useTranslation();
  const timeZone = useOrgTimeZone();
  const now = useServerNow();
  const clock = useClockState();
  const drifting = clock.syncedAt !== null && Math.abs(clock.offsetMs) > DRIFT_WARNING_MS;

  const detail =
    clock.syncedAt === null
      ? t('common.loading')
      : t('header.clockOffset', { ms: clock.offsetMs, rtt: clock.roundTripMs ?? '-' });

  return (
    <Space size={8}>
      {drifting && (
        <Tag color="warning" icon={<WarningOutlined />} data-testid="clock-drift">
          {t('header.clockDrift', { seconds: Math.round(Math.abs(clock.offsetMs) / 1000) })}
        </Tag>
      )}
      {clock.failed && clock.syncedAt === null && (
        <Tag color="error" icon={<WarningOutlined />}>
          {t('header.clockUnsynced')}
        </Tag>
      )}
      <Tooltip title={`${t('header.clockTitle', { tz: timeZone })} · ${detail}`}>
        <Typography.Text strong style={{ fontVariantNumeric: 'tabular-nums', fontSize: 16 }}>
          <ClockCircleOutlined style={{ marginRight: 6 }} />
          <span data-testid="server-clock">{formatClock(now, timeZone)}</span>
        </Typography.Text>
      </Tooltip>
    </Space>
  );
}
