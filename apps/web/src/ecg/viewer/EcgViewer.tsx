/**
 * The clinical ECG viewer: paper grid, 12.5/25/50 mm/s, 5/10/20 mm/mV, calibration pulse, standard layouts,
 * rhythm lead, beat markers, calipers, zoom, true physical size after a one-time screen calibration, and smooth
 * scrolling through long recordings (windows are fetched around the view and reused while panning).
 */
import { AimOutlined, LeftOutlined, RightOutlined, ZoomInOutlined, ZoomOutOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Flex,
  Modal,
  Segmented,
  Select,
  Slider,
  Space,
  Spin,
  Tooltip,
  Typography,
} from 'antd';
import { type PointerEvent, useCallback, useEffect, useMemo, useRef, useState, type WheelEvent } from 'react';
import { useTranslation } from 'react-i18next';
import '../i18n';
import { type Caliper, drawBackground, drawBeats, drawCaliper, drawTrace } from './draw';
import { computeLayout } from './layout';
import {
  type BeatMarks,
  DEFAULT_SETTINGS,
  type LayoutName,
  type ViewSettings,
  type WaveformWindow,
} from './types';

const PX_PER_MM_KEY = 'lifeline.pxPerMm';
const CARD_MM = 85.6;

export interface EcgViewerProps {
  leads: string[];
  sampleRate: number;
  duration: number;
  loadWindow: (from: number, to: number, signal: AbortSignal) => Promise<WaveformWindow>;
  beats?: BeatMarks;
  initial?: Partial<ViewSettings>;
  /** Moves the view to `sec` each time `seq` changes (a click in a Holter event list). */
  jumpTo?: { sec: number; seq: number };
  /** Told the shown time span [from, to) in seconds whenever it changes (beat markers fetched per window). */
  onViewChange?: (from: number, to: number) => void;
}

function fmt(sec: number): string {
  const two = (v: number) => String(Math.floor(v)).padStart(2, '0');
  return `${two(sec / 3600)}:${two((sec % 3600) / 60)}:${two(sec % 60)}`;
}

function storedPxPerMm(): number {
  const v = Number(globalThis.localStorage?.getItem(PX_PER_MM_KEY));
  return Number.isFinite(v) && v > 1 && v < 20 ? v : DEFAULT_SETTINGS.pxPerMm;
}

export function EcgViewer({
  leads,
  sampleRate,
  duration,
  loadWindow,
  beats,
  initial,
  jumpTo,
  onViewChange,
}: EcgViewerProps) {
  const { t } = useTranslation();
  const long = duration > 12;
  const [s, setS] = useState<ViewSettings>(() => ({
    ...DEFAULT_SETTINGS,
    layout: long ? 'strip' : DEFAULT_SETTINGS.layout,
    ...initial,
    pxPerMm: storedPxPerMm(),
  }));
  const [viewStart, setViewStart] = useState(0);
  const [data, setData] = useState<WaveformWindow>();
  const [error, setError] = useState<unknown>();
  const [caliperMode, setCaliperMode] = useState(false);
  const [caliper, setCaliper] = useState<Caliper>();
  const [calibrating, setCalibrating] = useState(false);
  const [calibrationPx, setCalibrationPx] = useState(s.pxPerMm);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const [boxWidth, setBoxWidth] = useState(1000);
  const mm = s.pxPerMm * s.zoom;

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const observer = new ResizeObserver(() => setBoxWidth(box.clientWidth));
    observer.observe(box);
    setBoxWidth(box.clientWidth);
    return () => observer.disconnect();
  }, []);

  // A continuous strip fills the visible width; the standard layouts show 10 s.
  const stripSeconds = Math.max(2, (boxWidth / mm - 14) / s.speed);
  const span = s.layout === 'strip' ? Math.min(duration, stripSeconds) : Math.min(duration, 10);
  // The layout depends on the view's start only near the end of the recording (shorter last panels): while
  // scrolling through the middle the same layout (and cached background) is kept.
  const shownSpan = Math.min(Math.max(0, duration - viewStart), Math.max(10, stripSeconds));
  const layout = useMemo(
    () => computeLayout(leads, shownSpan, s, stripSeconds),
    [leads, shownSpan, s, stripSeconds],
  );

  // Waveform windows: the one held covers the view and at least one more view ahead; when it does not, a window
  // from one view behind to four views ahead is fetched (unless the one in flight already covers the view).
  // Called on each scroll frame, so scrolling never waits for React state to catch up before fetching.
  const held = useRef<WaveformWindow | undefined>(undefined);
  const inFlight = useRef<{ from: number; to: number; controller: AbortController } | null>(null);
  const ensureWindow = useCallback(
    (start: number) => {
      const needTo = Math.min(duration, start + span);
      const aheadTo = Math.min(duration, start + 2 * span);
      const w = held.current;
      const end = w ? w.start + (w.leads[0]?.samples.length ?? 0) / w.sampleRate : -1;
      if (w && w.start <= Math.max(0, start - span / 2) + 1e-6 && end >= aheadTo - 1e-3) return;
      if (w && w.start <= start + 1e-6 && end >= needTo - 1e-3 && inFlight.current) return;
      const f = inFlight.current;
      if (f && f.from <= start + 1e-6 && f.to >= needTo - 1e-3) return;
      f?.controller.abort();
      const controller = new AbortController();
      const from = Math.max(0, start - span);
      const to = Math.min(duration, start + 4 * span);
      inFlight.current = { from, to, controller };
      loadWindow(from, to, controller.signal).then(
        (next) => {
          if (controller.signal.aborted) return;
          inFlight.current = null;
          held.current = next;
          setData(next);
          setError(undefined);
        },
        (e) => {
          if (controller.signal.aborted) return;
          inFlight.current = null;
          setError(e);
        },
      );
    },
    [duration, span, loadWindow],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: another recording: the held window is not its own
  useEffect(() => {
    held.current = undefined;
  }, [loadWindow]);
  useEffect(() => {
    ensureWindow(viewStart);
  }, [viewStart, ensureWindow]);
  useEffect(() => () => inFlight.current?.controller.abort(), []);

  // The start the canvas shows. While the wheel scrolls it runs ahead of the React state: each frame repaints the
  // canvas directly and the state (slider, position, window fetch) follows at most ten times a second.
  const shownStart = useRef(viewStart);
  const background = useRef<{ canvas: HTMLCanvasElement; key: unknown[] } | null>(null);
  const paint = useCallback(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const started = performance.now();
    const start = shownStart.current;
    const dpr = globalThis.devicePixelRatio || 1;
    // Resizing clears and reallocates the bitmap: only when the size really changes (not on every scroll frame).
    const w = Math.ceil(layout.width * mm * dpr);
    const h = Math.ceil(layout.height * mm * dpr);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
      canvas.style.width = `${layout.width * mm}px`;
      canvas.style.height = `${layout.height * mm}px`;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    // Grid and calibration pulses: drawn into the background layer when the layout or scale changes, copied 1:1.
    const key = [layout, s, mm, dpr, w, h];
    let bg = background.current;
    if (!bg || bg.key.some((v, i) => v !== key[i])) {
      const c = bg?.canvas ?? document.createElement('canvas');
      if (c.width !== w || c.height !== h) {
        c.width = w;
        c.height = h;
      }
      drawBackground(c, layout, s, mm, dpr);
      bg = { canvas: c, key };
      background.current = bg;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(bg.canvas, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    for (const p of layout.panels) {
      if (data) drawTrace(ctx, p, data, start, s, mm);
      if (beats && (p.rhythm || s.layout === 'strip' || s.layout === '12x1'))
        drawBeats(ctx, p, beats, sampleRate, start, s, mm);
    }
    if (caliper) drawCaliper(ctx, caliper, s, mm);
    // Read by the render and scroll benchmarks and the grid check (no timing API buffer grows with each frame).
    canvas.dataset.paintMs = (performance.now() - started).toFixed(3);
    canvas.dataset.paints = String(Number(canvas.dataset.paints ?? 0) + 1);
    canvas.dataset.traced = data ? 'yes' : 'no';
    canvas.dataset.pxPerMm = String(mm);
    // A new viewStart state gives a new layout, hence a repaint from shownStart (set together with the state).
  }, [layout, mm, data, s, beats, sampleRate, caliper]);
  const paintRef = useRef(paint);
  paintRef.current = paint;

  useEffect(() => {
    paint();
  }, [paint]);

  const update = (patch: Partial<ViewSettings>) => setS((prev) => ({ ...prev, ...patch }));
  const moveTo = (start: number) => {
    const to = Math.max(0, Math.min(Math.max(0, duration - span), start));
    shownStart.current = to;
    setViewStart(to);
  };
  const positionRef = useRef<HTMLSpanElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new jump request moves the view
  useEffect(() => {
    if (jumpTo) moveTo(jumpTo.sec);
  }, [jumpTo?.seq]);
  useEffect(() => {
    onViewChange?.(viewStart, Math.min(duration, viewStart + span));
  }, [viewStart, span, duration, onViewChange]);

  const toPaper = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: (e.clientX - r.left) / mm, y: (e.clientY - r.top) / mm };
  };
  const dragging = useRef(false);
  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!caliperMode) return;
    const p = toPaper(e);
    dragging.current = true;
    e.currentTarget.setPointerCapture(e.pointerId);
    setCaliper({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!dragging.current) return;
    const p = toPaper(e);
    setCaliper((c) => (c ? { ...c, x1: p.x, y1: p.y } : c));
  };
  const onPointerUp = () => {
    dragging.current = false;
  };
  // Wheel events come faster than frames: their movement is summed and applied once per animation frame.
  const pendingScroll = useRef({ sec: 0, frame: 0, sync: 0 });
  useEffect(
    () => () => {
      cancelAnimationFrame(pendingScroll.current.frame);
      clearTimeout(pendingScroll.current.sync);
    },
    [],
  );
  const maxStart = Math.max(0, duration - span);
  const onWheel = (e: WheelEvent<HTMLDivElement>) => {
    if (e.ctrlKey) {
      e.preventDefault();
      update({ zoom: Math.min(4, Math.max(0.5, s.zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1))) });
    } else if (long && (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY))) {
      // Horizontal wheel or shift+wheel scrolls through the recording, in paper millimetres.
      const p = pendingScroll.current;
      p.sec += ((e.deltaX || e.deltaY) / mm / s.speed) * 1.5;
      if (!p.frame) {
        p.frame = requestAnimationFrame(() => {
          const by = p.sec;
          p.sec = 0;
          p.frame = 0;
          shownStart.current = Math.max(0, Math.min(maxStart, shownStart.current + by));
          paintRef.current();
          ensureWindow(shownStart.current);
          // The position text is React's text node, updated in place; the React state (slider, beat markers'
          // window) follows about three times a second, as a re-render costs more than a frame's paint.
          const text = positionRef.current?.firstChild;
          if (text) text.nodeValue = fmt(shownStart.current);
          if (!p.sync) {
            p.sync = window.setTimeout(() => {
              p.sync = 0;
              setViewStart(shownStart.current);
            }, 300);
          }
        });
      }
    }
  };

  // The toolbar does not change while scrolling: kept as one element so a scroll frame does not re-render it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: update only calls setS with a function of the previous state
  const toolbar = useMemo(() => {
    const layouts: { value: LayoutName; label: string }[] = [
      { value: '3x4+1', label: t('ecgViewer.layout_3x4_1') },
      { value: '3x4+3', label: t('ecgViewer.layout_3x4_3') },
      { value: '6x2', label: t('ecgViewer.layout_6x2') },
      { value: '12x1', label: t('ecgViewer.layout_12x1') },
      { value: 'strip', label: t('ecgViewer.layout_strip') },
    ];
    return (
      <Flex wrap gap={12} align="center" style={{ marginBottom: 8 }}>
        <Space size={4}>
          <Typography.Text type="secondary">{t('ecgViewer.speed')}</Typography.Text>
          <Segmented
            size="small"
            value={s.speed}
            onChange={(v) => update({ speed: Number(v) })}
            options={[12.5, 25, 50].map((v) => ({ value: v, label: `${v} mm/s` }))}
            data-testid="ecg-speed"
          />
        </Space>
        <Space size={4}>
          <Typography.Text type="secondary">{t('ecgViewer.gain')}</Typography.Text>
          <Segmented
            size="small"
            value={s.gain}
            onChange={(v) => update({ gain: Number(v) })}
            options={[5, 10, 20].map((v) => ({ value: v, label: `${v} mm/mV` }))}
            data-testid="ecg-gain"
          />
        </Space>
        <Select
          size="small"
          style={{ width: 150 }}
          value={s.layout}
          options={layouts}
          onChange={(v) => update({ layout: v })}
          data-testid="ecg-layout"
        />
        <Space size={4}>
          <Typography.Text type="secondary">{t('ecgViewer.rhythmLead')}</Typography.Text>
          <Select
            size="small"
            style={{ width: 80 }}
            value={s.rhythmLeads[0]}
            options={leads.map((l) => ({ value: l, label: l }))}
            onChange={(v) => update({ rhythmLeads: [v] })}
          />
        </Space>
        <Space.Compact size="small">
          <Tooltip title={t('ecgViewer.zoomOut')}>
            <Button
              size="small"
              icon={<ZoomOutOutlined />}
              onClick={() => update({ zoom: Math.max(0.5, s.zoom / 1.25) })}
            />
          </Tooltip>
          <Button size="small" onClick={() => update({ zoom: 1 })}>
            {t('ecgViewer.zoomReset')} {Math.round(s.zoom * 100)}%
          </Button>
          <Tooltip title={t('ecgViewer.zoomIn')}>
            <Button
              size="small"
              icon={<ZoomInOutlined />}
              onClick={() => update({ zoom: Math.min(4, s.zoom * 1.25) })}
            />
          </Tooltip>
        </Space.Compact>
        <Tooltip title={t('ecgViewer.calipersHint')}>
          <Button
            size="small"
            type={caliperMode ? 'primary' : 'default'}
            icon={<AimOutlined />}
            onClick={() => {
              setCaliperMode(!caliperMode);
              setCaliper(undefined);
            }}
            data-testid="ecg-calipers"
          >
            {t('ecgViewer.calipers')}
          </Button>
        </Tooltip>
        <Button size="small" onClick={() => setCalibrating(true)}>
          {t('ecgViewer.calibrate')}
        </Button>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {s.speed} mm/s · {s.gain} mm/mV · {t('ecgViewer.filterNote')}
        </Typography.Text>
      </Flex>
    );
  }, [s, caliperMode, leads, t]);

  return (
    <div data-testid="ecg-viewer">
      {toolbar}
      {long && (
        <Flex gap={8} align="center" style={{ marginBottom: 8 }}>
          <Button size="small" icon={<LeftOutlined />} onClick={() => moveTo(shownStart.current - span)}>
            {t('ecgViewer.earlier')}
          </Button>
          <Slider
            style={{ flex: 1 }}
            min={0}
            max={Math.max(0, duration - span)}
            step={0.5}
            value={viewStart}
            onChange={(v) => moveTo(v)}
            tooltip={{ formatter: (v) => fmt(v ?? 0) }}
          />
          <Typography.Text code data-testid="ecg-position">
            <span ref={positionRef}>{fmt(viewStart)}</span>
          </Typography.Text>
          <Button size="small" onClick={() => moveTo(shownStart.current + span)}>
            {t('ecgViewer.later')} <RightOutlined />
          </Button>
        </Flex>
      )}
      {error !== undefined && (
        <Alert type="error" showIcon title={t('ecgViewer.loadFailed')} style={{ marginBottom: 8 }} />
      )}
      <div
        ref={boxRef}
        onWheel={onWheel}
        style={{ overflow: 'auto', border: '1px solid #f0f0f0', background: '#fff', maxHeight: '75vh' }}
      >
        <Spin spinning={!data && error === undefined} tip={t('ecgViewer.loading')}>
          <canvas
            ref={canvasRef}
            data-testid="ecg-canvas"
            style={{ display: 'block', cursor: caliperMode ? 'crosshair' : 'default', touchAction: 'none' }}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
          />
        </Spin>
      </div>
      {beats && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('ecgViewer.beatLegend')}
        </Typography.Text>
      )}
      <Modal
        open={calibrating}
        title={t('ecgViewer.calibrateTitle')}
        onCancel={() => setCalibrating(false)}
        onOk={() => {
          globalThis.localStorage?.setItem(PX_PER_MM_KEY, String(calibrationPx));
          update({ pxPerMm: calibrationPx });
          setCalibrating(false);
        }}
      >
        <Typography.Paragraph>{t('ecgViewer.calibrateHint')}</Typography.Paragraph>
        <div style={{ width: CARD_MM * calibrationPx, height: 54, background: '#1677ff', borderRadius: 6 }} />
        <Slider min={2} max={12} step={0.01} value={calibrationPx} onChange={(v) => setCalibrationPx(v)} />
        <Typography.Text type="secondary">{calibrationPx.toFixed(2)} px/mm</Typography.Text>
      </Modal>
    </div>
  );
}
