export { CHANNEL_KINDS, type ChannelConfig, type ChannelKind, channelConfigProblems } from './channels';
export { notificationRoutes } from './routes';
export { type ChannelDelivery, type NotifyInput, type NotifyResult, notify } from './service';
