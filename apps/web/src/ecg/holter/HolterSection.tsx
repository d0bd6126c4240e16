/**
 * The Holter part of the ECG page: summary cards (beats, ectopic counts and burdens, AF burden, longest pause,
 * heart rate, HRV), the hourly heart-rate chart and the events list. Clicking an event (or an hour) asks the
 * page to move the viewer there. Renders nothing for a resting ECG (the server answers 404).
 */
import { Card, Col, Empty, Row, Select, Statistic, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get } from '../../api/client';
import { formatInstant } from '../../clock';
import { useRemote } from '../../common/useRemote';
import { jumpTarget, offsetClock, orDash } from './format';
import { HourlyHeartRateChart } from './HourlyHeartRateChart';
import './i18n';
import type { HolterEvent, HolterView } from './types';

const EVENT_COLOURS: Record<string, string> = {
  af: 'purple',
  pause: 'red',
  'v-run': 'volcano',
  'sv-run': 'orange',
  'v-couplet': 'magenta',
  'sv-couplet': 'gold',
  bradycardia: 'blue',
  tachycardia: 'cyan',
};

/** Events that matter most to the reader come first in the filter. */
const FILTER_ORDER = ['pause', 'af', 'v-run', 'sv-run', 'v-couplet', 'sv-couplet', 'bigeminy', 'trigeminy'];

/** The event types present with their counts, most important first. */
function typesInOrder(events: HolterEvent[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  const rank = (type: string) =>
    FILTER_ORDER.includes(type) ? FILTER_ORDER.indexOf(type) : FILTER_ORDER.length;
  return [...counts].sort((a, b) => rank(a[0]) - rank(b[0]));
}

export interface HolterSectionProps {
  examId: string;
  /** Acquisition instant (UTC ISO) for clock times; offsets only when unknown. */
  acquiredAt: string | null;
  timeZone: string;
  onJump: (sec: number) => void;
}

export function HolterSection({ examId, acquiredAt, timeZone, onJump }: HolterSectionProps) {
  const { t } = useTranslation();
  const remote = useRemote(
    (signal) =>
      get<HolterView>(`/api/ecgs/${examId}/holter`, undefined, signal).catch((e) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    [examId],
  );
  const [filter, setFilter] = useState<string>('all');
  const h = remote.data;
  const events = useMemo(
    () => (h ? h.events.filter((e) => filter === 'all' || e.type === filter) : []),
    [h, filter],
  );
  if (!h) return null;

  const clock = (sec: number) =>
    acquiredAt
      ? formatInstant(new Date(Date.parse(acquiredAt) + sec * 1000).toISOString(), timeZone).slice(11)
      : '';
  const pct = (v: number) => t('holter.burden', { value: v.toFixed(2) });

  return (
    <Card
      size="small"
      title={t('holter.title')}
      style={{ marginBottom: 12 }}
      data-testid="holter-section"
      extra={
        h.leadsAnalysed?.length ? (
          <Typography.Text type="secondary">
            {t('holter.leadsAnalysed', { leads: h.leadsAnalysed.join(', ') })}
          </Typography.Text>
        ) : null
      }
    >
      <Row gutter={[12, 12]} data-testid="holter-summary">
        <Col xs={12} md={8} xl={4}>
          <Statistic title={t('holter.totalBeats')} value={h.counts.total} data-testid="holter-total-beats" />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Statistic
            title={t('holter.vBeats')}
            value={h.counts.V}
            suffix={<small>{pct(h.pvcBurdenPercent)}</small>}
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Statistic
            title={t('holter.sBeats')}
            value={h.counts.S}
            suffix={<small>{pct(h.pacBurdenPercent)}</small>}
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Statistic title={t('holter.afBurden')} value={h.af.burdenPercent.toFixed(2)} suffix="%" />
          {h.af.longestSec ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('holter.afLongest', { value: offsetClock(h.af.longestSec) })}
            </Typography.Text>
          ) : null}
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Statistic
            title={t('holter.longestPause')}
            value={orDash(h.pauses.longestMs === undefined ? undefined : h.pauses.longestMs / 1000, 's', 2)}
            valueStyle={h.pauses.atLeast3s ? { color: '#cf1322' } : undefined}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('holter.pauses', { n: h.pauses.atLeast2s, n3: h.pauses.atLeast3s })}
          </Typography.Text>
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Statistic
            title={t('holter.heartRate')}
            value={`${orDash(h.heartRate.minHr)}/${orDash(h.heartRate.meanHr)}/${orDash(h.heartRate.maxHr)}`}
            suffix={<small>{t('holter.bpm')}</small>}
          />
        </Col>
      </Row>
      <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }} data-testid="holter-hrv">
        {t('holter.hrv')}:{' '}
        {t('holter.hrvValues', {
          sdnn: orDash(h.hrv.sdnn, 'ms'),
          sdann: orDash(h.hrv.sdann, 'ms'),
          rmssd: orDash(h.hrv.rmssd, 'ms'),
          pnn50: orDash(h.hrv.pnn50, '%', 1),
        })}
        {' · '}
        {t('holter.runs', {
          vc: h.runs.vCouplets,
          vr: h.runs.vRuns,
          sc: h.runs.svCouplets,
          sr: h.runs.svRuns,
        })}
      </Typography.Paragraph>
      <Row gutter={12} style={{ marginTop: 8 }}>
        <Col xs={24} xl={12}>
          <Typography.Title level={5}>{t('holter.hourlyTitle')}</Typography.Title>
          <HourlyHeartRateChart hourly={h.hourly} onHourClick={onJump} />
        </Col>
        <Col xs={24} xl={12}>
          <Typography.Title level={5}>
            {t('holter.eventsTitle')}{' '}
            <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
              {t('holter.eventsHint')}
            </Typography.Text>
          </Typography.Title>
          <Select
            size="small"
            style={{ marginBottom: 8, minWidth: 220 }}
            value={filter}
            onChange={setFilter}
            data-testid="holter-event-filter"
            options={[
              { value: 'all', label: `${t('holter.filterAll')} (${h.events.length})` },
              ...typesInOrder(h.events).map(([type, n]) => ({
                value: type,
                label: `${t(`holter.type_${type}`, { defaultValue: type })} (${n})`,
              })),
            ]}
          />
          <Table<HolterEvent>
            size="small"
            rowKey={(e) => `${e.type}-${e.startSec}`}
            dataSource={events}
            pagination={{ pageSize: 8, size: 'small', showSizeChanger: false }}
            locale={{
              emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('holter.noEvents')} />,
            }}
            onRow={(e) => ({ onClick: () => onJump(jumpTarget(e.startSec)), style: { cursor: 'pointer' } })}
            data-testid="holter-events"
            columns={[
              // Clock time only when the recording's start is known; the offset always.
              ...(acquiredAt
                ? [
                    {
                      title: t('holter.time'),
                      key: 'time',
                      render: (_: unknown, e: HolterEvent) => clock(e.startSec),
                    },
                  ]
                : []),
              { title: t('holter.offset'), key: 'offset', render: (_, e) => offsetClock(e.startSec) },
              {
                title: t('holter.type'),
                key: 'type',
                render: (_, e) => (
                  <Tag color={EVENT_COLOURS[e.type] ?? 'default'}>
                    {t(`holter.type_${e.type}`, { defaultValue: e.type })}
                  </Tag>
                ),
              },
              {
                title: t('holter.duration'),
                key: 'duration',
                render: (_, e) =>
                  e.durationMs >= 60000
                    ? offsetClock(e.durationMs / 1000)
                    : `${(e.durationMs / 1000).toFixed(2)} s`,
              },
              { title: t('holter.beats'), key: 'beats', render: (_, e) => e.beats ?? '—' },
              { title: t('holter.rate'), key: 'rate', render: (_, e) => orDash(e.rateBpm, t('holter.bpm')) },
            ]}
          />
        </Col>
      </Row>
    </Card>
  );
}
