/** Live updates: publish(app, topic, payload) from any module; clients receive them over the /ws WebSocket. */
export { LIVE_CHANNEL, type LiveEvent, publish, topicOrganization } from './hub';
export { liveRoutes } from './routes';

/** Topic of an organisation's ECG worklist (events ecg.acquired, ecg.analysed, ecg.linked, ecg.unlinked). */
export const ecgWorklistTopic = (organizationId: string) => `ecg.worklist:${organizationId}`;
