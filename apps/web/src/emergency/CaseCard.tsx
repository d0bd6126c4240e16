/** One active case on the board: identity, time since onset and door, countdowns with urgency colours. */
import { computeCaseMetrics, METRICS, PATHWAYS, runningTimers } from '@lifeline/emergency';
import { Card, Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { currentLanguage } from '../i18n';
import { type BoardCase, toPathwayCase } from './api';
import { countdownText, formatElapsed, nodeTime, URGENCY_COLOR, urgencyOf } from './timing';

export const CENTER_COLOR = { 'chest-pain': 'red', stroke: 'purple', trauma: 'orange' } as const;

export function nodeName(center: BoardCase['center'], code: string): string {
  const node = PATHWAYS[center].nodes.find((n) => n.code === code);
  if (!node) return code;
  return currentLanguage() === 'en' ? node.nameEn : node.nameZh;
}

interface Props {
  c: BoardCase;
  nowMs: number;
  big?: boolean;
}

export function CaseCard({ c, nowMs, big = false }: Props) {
  const { t } = useTranslation();
  const en = currentLanguage() === 'en';
  const onset = nodeTime(c, c.center === 'trauma' ? 'injury' : 'onset');
  const door = nodeTime(c, 'door');
  // Before treatment is decided the door-to-wire / door-to-needle clocks already run for the suspected case.
  const timers = runningTimers(toPathwayCase(c), nowMs, { includeUndecided: true }).slice(0, big ? 3 : 4);
  // Intervals already achieved (D2W once the wire has crossed…), with the target met or missed.
  const done = computeCaseMetrics(toPathwayCase(c)).filter(
    (m): m is Extract<typeof m, { minutes: number | null }> =>
      m.applicable && 'minutes' in m && m.minutes !== null,
  );
  const last = [...c.times].sort((a, b) => Date.parse(b.recordedAt) - Date.parse(a.recordedAt))[0];
  const size = big ? 22 : 14;
  return (
    <Card
      size="small"
      data-testid="board-case"
      data-case-id={c.id}
      data-nodes={c.times.map((n) => n.code).join(' ')}
      style={big ? { background: '#141414', borderColor: '#434343' } : undefined}
      title={
        <Flex gap={8} align="center" wrap>
          <Tag color={CENTER_COLOR[c.center]} style={big ? { fontSize: 18, padding: '2px 8px' } : undefined}>
            {t(`emergency.center_${c.center}`)}
          </Tag>
          <Typography.Text strong style={{ fontSize: big ? 24 : 15, color: big ? '#fff' : undefined }}>
            {c.wristband}
          </Typography.Text>
          <Typography.Text style={{ fontSize: size, color: big ? '#d9d9d9' : undefined }}>
            {c.patient.name}
            {c.patient.age !== null ? ` · ${c.patient.age}` : ''}
          </Typography.Text>
          {c.temporaryIdentity && <Tag>{t('emergency.temporary')}</Tag>}
        </Flex>
      }
      extra={!big && <Link to={`/emergency/cases/${c.id}`}>{t('emergency.openCase')}</Link>}
    >
      <Flex gap={16} wrap style={{ fontSize: size, color: big ? '#d9d9d9' : undefined }}>
        {onset !== null && <span>{t('emergency.sinceOnset', { time: formatElapsed(nowMs - onset) })}</span>}
        <span data-testid="since-door">
          {door !== null
            ? t('emergency.sinceDoor', { time: formatElapsed(nowMs - door) })
            : t('emergency.noDoor')}
        </span>
      </Flex>
      <Flex vertical gap={4} style={{ marginTop: 8 }}>
        {timers.map((timer) => {
          const urgency = urgencyOf(timer);
          const remainingMs = timer.deadline ? Date.parse(timer.deadline) - nowMs : null;
          return (
            <Flex key={timer.metric} justify="space-between" data-testid="countdown" data-urgency={urgency}>
              <span style={{ fontSize: size, color: big ? '#fff' : undefined }}>
                {en ? timer.nameEn : timer.nameZh}
              </span>
              <span
                style={{
                  fontSize: big ? 28 : 16,
                  fontWeight: 600,
                  color: URGENCY_COLOR[urgency],
                  fontVariantNumeric: 'tabular-nums',
                }}
              >
                {countdownText(remainingMs, nowMs - Date.parse(timer.startedAt))}
              </span>
            </Flex>
          );
        })}
      </Flex>
      {done.length > 0 && (
        <Flex gap={6} wrap style={{ marginTop: 8 }}>
          {done.map((m) => {
            const def = METRICS.find((d) => d.code === m.metric);
            return (
              <Tag
                key={m.metric}
                data-testid="board-metric"
                data-metric={m.metric}
                color={m.withinTarget === false ? 'red' : m.withinTarget ? 'green' : 'default'}
                style={big ? { fontSize: 18, padding: '2px 8px' } : undefined}
              >
                {def ? (en ? def.nameEn : def.nameZh) : m.metric} {m.minutes} {t('emergency.minutesShort')}
              </Tag>
            );
          })}
        </Flex>
      )}
      <Flex gap={4} wrap style={{ marginTop: 8 }}>
        {c.activations.map((a) => (
          <Tag
            key={`${a.team}${a.activatedAt}`}
            color={a.status === 'open' ? (a.escalationLevel ? 'red' : 'gold') : 'green'}
          >
            {t(`emergency.team_${a.team}`, { defaultValue: a.team })} ·{' '}
            {t(`emergency.activationStatus_${a.status}`)}
            {a.escalationLevel ? ` · ${t('emergency.escalated', { level: a.escalationLevel })}` : ''}
          </Tag>
        ))}
        {last && (
          <Typography.Text
            type="secondary"
            style={{ fontSize: big ? 16 : 12, color: big ? '#8c8c8c' : undefined }}
          >
            {t('emergency.lastNode', { node: nodeName(c.center, last.code) })}
          </Typography.Text>
        )}
      </Flex>
    </Card>
  );
}
