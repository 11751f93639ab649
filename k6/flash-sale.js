// Flash sale: N distinct users (default 5,000) at once on a coupon of S and a product of stock S (default 1,000);
// each issues the coupon and orders one unit. Target: p(99) <= 50 ms, exactly S issued and sold.
// k6 run -e BASE_URL=http://localhost:5000 -e USERS=5000 -e STOCK=1000 k6/flash-sale.js
import http from 'k6/http';
import { check } from 'k6';
import { createCoupon, createProduct, createUsers, get, intEnv, invariant, onceEach, post } from './lib.js';

const USERS = intEnv('USERS', 5000);
const STOCK = intEnv('STOCK', 1000);
const SOLD = Math.min(USERS, STOCK);

export const options = {
  scenarios: { flash: onceEach(USERS) },
  setupTimeout: '300s',
  thresholds: {
    http_req_duration: ['p(95)<200', 'p(99)<=50'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate==1.0'],
  },
};

// Sold-out answers are the expected outcome for N - S users.
http.setResponseCallback(http.expectedStatuses(200, 201, 409));

export function setup() {
  return {
    users: createUsers(USERS, 'flash', 0),
    couponId: createCoupon('k6 flash coupon', 500, STOCK),
    productId: createProduct('k6 flash item', 1000, STOCK),
  };
}

export default function (data) {
  const { id: userId, token } = data.users[__VU - 1];
  check(post(`/coupons/${data.couponId}/issue`, { userId }, 'issue', token), { 'issue is 201 or 409': (r) => r.status === 201 || r.status === 409 });
  check(post('/orders', { userId, items: [{ productId: data.productId, quantity: 1 }] }, 'order', token), {
    'order is 201 or 409': (r) => r.status === 201 || r.status === 409,
  });
}

export function teardown(data) {
  invariant('coupon issuedQuantity == min(N,S)', SOLD, get(`/coupons/${data.couponId}`, 'verify', null).json('issuedQuantity'));
  invariant('product stock == S - min(N,S)', STOCK - SOLD, get(`/products/${data.productId}`, 'verify', null).json('stock'));
}
