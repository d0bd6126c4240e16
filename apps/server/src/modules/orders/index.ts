export { type Order, type OrderRow, orderOut } from './repo';
export { orderRoutes } from './routes';
export type { OrderPriority, OrderStatus } from './schemas';
export {
  type CreateOrderInput,
  cancel as cancelOrder,
  createOrder,
  findOrder,
  findOrderByAccession,
  listScheduledOrders,
  markOrderInProgress,
  type ScheduledOrder,
} from './service';
