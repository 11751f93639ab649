// Seed 001's load test: each of N users (default 100) issues the coupon, orders two products with it, and pays.
// k6 run -e BASE_URL=http://localhost:5000 -e USERS=100 k6/full-flow.js
import http from 'k6/http';
import { check } from 'k6';
import { createCoupon, createProduct, createUsers, get, intEnv, invariant, onceEach, post } from './lib.js';

const USERS = intEnv('USERS', 100);
const STOCK = intEnv('STOCK', USERS);
const PAID = Math.min(USERS, STOCK);

export const options = {
  scenarios: { flow: onceEach(USERS) },
  setupTimeout: '120s',
  thresholds: {
    http_req_duration: ['p(95)<200'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate==1.0'],
  },
};

http.setResponseCallback(http.expectedStatuses(200, 201, 409));

export function setup() {
  return {
    users: createUsers(USERS, 'flow', 100000),
    couponId: createCoupon('k6 flow coupon', 1000, USERS),
    x: createProduct('k6 flow X', 5000, STOCK),
    y: createProduct('k6 flow Y', 3000, STOCK),
  };
}

export default function (data) {
  const { id: userId, token } = data.users[__VU - 1];
  const issue = post(`/coupons/${data.couponId}/issue`, { userId }, 'issue', token);
  if (!check(issue, { 'issue is 201': (r) => r.status === 201 })) {
    return;
  }
  const order = post('/orders', { userId, items: [{ productId: data.x, quantity: 1 }, { productId: data.y, quantity: 1 }], couponId: data.couponId }, 'order', token);
  check(order, { 'order is 201 with payAmount 7,000, or 409 out of stock': (r) => (r.status === 201 && r.json('payAmount') === 7000) || r.status === 409 });
  if (order.status === 201) {
    check(post(`/orders/${order.json('orderId')}/payment`, { userId }, 'pay', token), { 'payment is 200': (r) => r.status === 200 });
  }
}

export function teardown(data) {
  invariant('coupon issuedQuantity == N', USERS, get(`/coupons/${data.couponId}`, 'verify', null).json('issuedQuantity'));
  invariant('product X stock == S - paid', STOCK - PAID, get(`/products/${data.x}`, 'verify', null).json('stock'));
  invariant('product Y stock == S - paid', STOCK - PAID, get(`/products/${data.y}`, 'verify', null).json('stock'));
}
