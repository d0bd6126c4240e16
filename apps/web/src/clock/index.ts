export { DEFAULT_TIME_ZONE, dateInZone, formatClock, formatInstant } from './format';
export {
  DRIFT_WARNING_MS,
  getClockState,
  sampleFrom,
  serverNowMs,
  startServerClock,
  syncServerClock,
} from './serverClock';
export { useClockState, useServerNow } from './useServerNow';
