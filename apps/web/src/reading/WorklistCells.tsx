/**
 * The cells of the worklist rows, in plain elements with constant inline styles. A row used to hold up to five
 * antd components (Tooltip, Tag, Space, Typography), each running antd's CSS-in-JS hooks on every mount and
 * render; with a screenful of rows that was most of the script time of opening the list (bench/reading-worklist).
 * The look follows antd's tags: preset colour text on a light background with a thin border.
 */
import { ThunderboltFilled } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useServerNow } from '../clock';
import type { WorklistItem } from './api';
import { elapsedMs, formatElapsed, timerTone } from './turnaround';

export type TagTone = 'red' | 'orange' | 'green' | 'blue' | 'default';

const TAG_COLORS: Record<TagTone, [string, string, string]> = {
  // text, background, border
  red: ['#cf1322', '#fff1f0', '#ffa39e'],
  orange: ['#d46b08', '#fff7e6', '#ffd591'],
  green: ['#389e0d', '#f6ffed', '#b7eb8f'],
  blue: ['#0958d9', '#e6f4ff', '#91caff'],
  default: ['rgba(0,0,0,0.88)', '#fafafa', '#d9d9d9'],
};

const TAG_STYLES = Object.fromEntries(
  Object.entries(TAG_COLORS).map(([tone, [color, background, border]]) => [
    tone,
    {
      display: 'inline-block',
      marginInlineEnd: 4,
      paddingInline: 7,
      fontSize: 12,
      lineHeight: '20px',
      whiteSpace: 'nowrap',
      color,
      background,
      border: `1px solid ${border}`,
      borderRadius: 4,
    } satisfies CSSProperties,
  ]),
) as Record<TagTone, CSSProperties>;

export function CellTag({ tone, children }: { tone: TagTone; children: ReactNode }) {
  return (
    <span className="worklist-tag" data-tone={tone} style={TAG_STYLES[tone]}>
      {children}
    </span>
  );
}

const TONE_COLOR = { ok: '#389e0d', warning: '#d48806', late: '#cf1322', done: '#8c8c8c' };
const SECONDARY: CSSProperties = { color: 'rgba(0,0,0,0.45)' };
const TIMER_STYLES = Object.fromEntries(
  Object.entries(TONE_COLOR).map(([tone, color]) => [
    tone,
    { color, fontWeight: 600, fontVariantNumeric: 'tabular-nums', fontSize: 15 } satisfies CSSProperties,
  ]),
) as Record<keyof typeof TONE_COLOR, CSSProperties>;

/**
 * One exam's timer. It re-renders itself every second, so the tick repaints the visible timers only, not the page
 * and its table. The target shows as the element's title.
 */
export function TimerCell({ turnaround }: { turnaround: WorklistItem['turnaround'] }) {
  const { t } = useTranslation();
  const nowMs = useServerNow().getTime();
  const tone = timerTone(turnaround, nowMs);
  return (
    <span title={t('reading.minutesTarget', { n: turnaround.targetMin })}>
      <span data-testid="worklist-timer" data-tone={tone} style={TIMER_STYLES[tone]}>
        {formatElapsed(elapsedMs(turnaround, nowMs))}
      </span>
      <span style={SECONDARY}> / {turnaround.targetMin}′</span>
      {tone === 'late' && !turnaround.signed && (
        <span style={{ marginInlineStart: 6 }}>
          <CellTag tone="red">{t('reading.overdue')}</CellTag>
        </span>
      )}
    </span>
  );
}

const PRIORITY_TONE: Record<WorklistItem['priority'], TagTone> = {
  stat: 'red',
  urgent: 'orange',
  routine: 'default',
};

// The cells below are plain functions of the row (called from the columns' render with the page's t), not
// components: no hooks, no subscriptions per cell.
type T = TFunction;

export function priorityCell(item: WorklistItem, t: T) {
  return (
    <>
      {item.greenChannel && (
        <CellTag tone="green">
          <ThunderboltFilled /> {t('reading.greenChannel')}
        </CellTag>
      )}
      <CellTag tone={PRIORITY_TONE[item.priority]}>{t(`reading.priority_${item.priority}`)}</CellTag>
    </>
  );
}

export function patientCell(item: WorklistItem, t: T) {
  return (
    <>
      {item.patientId ? (
        <strong style={{ marginInlineEnd: 4 }}>{item.patientName ?? item.patientId.slice(0, 8)}</strong>
      ) : (
        <CellTag tone="orange">{t('reading.unmatched')}</CellTag>
      )}
      {item.critical && <CellTag tone="red">{t('reading.critical')}</CellTag>}
    </>
  );
}

export function statusCell(item: WorklistItem, t: T) {
  if (item.examStatus === 'acquired') return <CellTag tone="blue">{t('reading.analysing')}</CellTag>;
  const done = item.reportStatus === 'signed' || item.reportStatus === 'published';
  return (
    <CellTag tone={done ? 'green' : 'blue'}>
      {t(`reading.status_${item.reportStatus}`, { defaultValue: item.reportStatus })}
    </CellTag>
  );
}
