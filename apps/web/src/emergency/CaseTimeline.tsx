/** The case timeline: recorded nodes in time order with source, author and reason; warnings; running clocks. */
import { runningTimers } from '@lifeline/emergency';
import { Alert, Button, Empty, Flex, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/AuthContext';
import { formatInstant, useServerNow } from '../clock';
import { currentLanguage } from '../i18n';
import { type CaseDetail, type TimeNode, toPathwayCase } from './api';
import { nodeLabel } from './NodePanel';
import { countdownText, URGENCY_COLOR, urgencyOf } from './timing';

const SOURCE_COLOR: Record<string, string> = {
  tap: 'blue',
  manual: 'gold',
  device: 'cyan',
  interface: 'geekblue',
  ecg: 'magenta',
  lab: 'green',
};

export function RunningClocks({ c }: { c: CaseDetail }) {
  const now = useServerNow().getTime();
  const en = currentLanguage() === 'en';
  if (c.status !== 'active') return null;
  const timers = runningTimers(toPathwayCase(c), now, { includeUndecided: true });
  if (!timers.length) return null;
  return (
    <Flex gap={16} wrap style={{ marginBottom: 12 }}>
      {timers.map((timer) => {
        const urgency = urgencyOf(timer);
        const left = timer.deadline ? Date.parse(timer.deadline) - now : null;
        return (
          <Flex key={timer.metric} vertical data-testid="case-countdown" data-urgency={urgency}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {en ? timer.nameEn : timer.nameZh}
              {timer.targetMinutes !== null ? ` ≤ ${timer.targetMinutes}′` : ''}
            </Typography.Text>
            <span
              style={{
                fontSize: 22,
                fontWeight: 600,
                color: URGENCY_COLOR[urgency],
                fontVariantNumeric: 'tabular-nums',
              }}
            >
              {countdownText(left, now - Date.parse(timer.startedAt))}
            </span>
          </Flex>
        );
      })}
    </Flex>
  );
}

export function CaseTimeline({ c, onEdit }: { c: CaseDetail; onEdit?: (node: TimeNode) => void }) {
  const { t } = useTranslation();
  const { timeZone } = useAuth();
  const lang = currentLanguage() === 'en' ? 'en' : 'zh';
  const byCode = new Map(c.pathway.nodes.map((n) => [n.code, n]));
  const sorted = [...c.times].sort(
    (a, b) => Date.parse(a.at ?? a.window?.from ?? '') - Date.parse(b.at ?? b.window?.from ?? ''),
  );
  return (
    <div data-testid="case-timeline">
      {c.warnings.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('emergency.warnings')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {c.warnings.map((w) => (
                <li key={`${w.kind}${w.codes.join()}`}>{w.message[lang]}</li>
              ))}
            </ul>
          }
        />
      )}
      {sorted.length === 0 ? (
        <Empty description={t('emergency.noTimes')} />
      ) : (
        <Timeline
          items={sorted.map((n) => {
            const def = byCode.get(n.code);
            return {
              key: n.id,
              color: SOURCE_COLOR[n.source] ?? 'gray',
              content: (
                <div data-testid="timeline-item" data-code={n.code}>
                  <Flex gap={8} wrap align="baseline">
                    <Typography.Text strong style={{ fontVariantNumeric: 'tabular-nums' }}>
                      {n.at
                        ? formatInstant(n.at, timeZone)
                        : `${formatInstant(n.window?.from, timeZone, 'minute')} – ${formatInstant(n.window?.to, timeZone, 'minute')}`}
                    </Typography.Text>
                    <span>
                      {def ? nodeLabel(def) : n.code}
                      {n.instance ? ` (${n.instance})` : ''}
                    </span>
                    <Tag color={SOURCE_COLOR[n.source]}>{t(`emergency.time_${n.source}`)}</Tag>
                    {n.version > 1 && <Tag>v{n.version}</Tag>}
                    {onEdit && (
                      <Button size="small" type="link" onClick={() => onEdit(n)}>
                        {t('emergency.editTime')}
                      </Button>
                    )}
                  </Flex>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {n.recordedBy ? t('emergency.recordedBy', { name: n.recordedBy }) : ''}
                    {n.sourceDetail ? ` · ${n.sourceDetail}` : ''}
                    {n.reason ? ` · ${n.reason}` : ''}
                  </Typography.Text>
                </div>
              ),
            };
          })}
        />
      )}
    </div>
  );
}
